"""Form fields every app uses."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """Says how long the text is and how much to remove."""

    message = ngettext_lazy(
        "This text has %(show_value)d characters, %(limit_value)d at most: remove "
        "%(excess)d character.",
        "This text has %(show_value)d characters, %(limit_value)d at most: remove "
        "%(excess)d characters.",
        "excess",
    )

    def __call__(self, value):
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "excess": length - self.limit_value,
                    "value": value,
                },
            )


class LimitedTextField(forms.CharField):
    """A text box with a limit: the server refuses a longer text with a message beside the field
    (the text is kept, to be shortened), and static/js/character-count.js shows a live count.

    No ``maxlength`` attribute: a browser silently cuts pasted text at it. Line breaks are
    counted as one character, as the browser's count does (a form sends them as two)."""

    def __init__(self, *, max_length: int, **kwargs):
        kwargs.setdefault("widget", forms.Textarea)
        super().__init__(**kwargs)
        self.max_length = max_length
        self.validators.append(TextLengthValidator(max_length))
        self.widget.attrs.update(self.widget_attrs(self.widget))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        if getattr(self, "max_length", None) is not None:
            attrs["data-max-length"] = str(self.max_length)
            # Lazy: rendered in the visitor's language. %(count)s and %(limit)s are filled in by
            # the script.
            attrs["data-count-text"] = _("%(count)s of %(limit)s characters")
            attrs["data-over-text"] = _("%(excess)s characters too many")
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")
