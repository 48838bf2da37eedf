from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from library.models import Kind, MunicipalitySize, Resource, ResourceVersion, Visibility
from meetings.models import validate_document_content
from submit_once.forms import SubmitOnceMixin

_FILE_FIELD = ResourceVersion._meta.get_field("file")


class ResourceForm(forms.Form):
    """A resource: a document to upload or a link, or both. Editing with a new file adds a
    version; the file field is then optional."""

    title = Resource._meta.get_field("title").formfield()
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, for example: snow removal, call for tenders."),
    )
    municipality_size = forms.ChoiceField(
        label=_("Municipality size"),
        required=False,
        choices=[("", _("Any size"))] + MunicipalitySize.choices,
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.COMMUNITY
    )
    url = Resource._meta.get_field("url").formfield(
        label=_("Link"),
        help_text=_("A secure link starting with https://."),
        assume_scheme="https",
    )
    file = forms.FileField(
        label=_("Document"),
        required=False,
        validators=_FILE_FIELD.validators,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG, 20 MB at most."),
    )

    def __init__(self, *args, has_file: bool = False, **kwargs) -> None:
        self.has_file = has_file
        super().__init__(*args, **kwargs)

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file:
            validate_document_content(file)
        return file

    def clean(self):
        data = super().clean()
        nothing = not data.get("file") and not data.get("url") and not self.has_file
        if nothing and not self.errors:
            raise ValidationError(_("Upload a document or give a link."), code="nothing")
        return data


class ResourceCreateForm(SubmitOnceMixin, ResourceForm):
    """A new resource: sent once, however many times its button is pressed."""
