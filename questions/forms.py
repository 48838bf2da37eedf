from django import forms
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line
from meetings.models import validate_document_content
from questions.models import ATTACHMENT_VALIDATORS, Answer, Question
from submit_once.forms import SubmitOnceMixin


class QuestionEditForm(forms.Form):
    title = forms.CharField(
        label=_("Question"),
        max_length=Question._meta.get_field("title").max_length,
        # A model field's validators do not follow it into formfield(): named here.
        validators=[validate_single_line],
        help_text=_("In one line, for example: Who has repaired a collapsed culvert in winter?"),
    )
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("The context, what you tried, what you need and by when."),
    )


class QuestionAskForm(SubmitOnceMixin, QuestionEditForm):
    """A new question: sent once, however many times its button is pressed."""

    urgent = forms.BooleanField(
        label=_("Urgent"),
        required=False,
        help_text=_(
            "An urgent question is e-mailed at once to every member who did not turn the "
            "community’s e-mails off. Keep it for what cannot wait."
        ),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        validators=ATTACHMENT_VALIDATORS,
        help_text=_("Optional. PDF, Word, Excel, PowerPoint, PNG or JPEG, 20 MB at most."),
    )

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            validate_document_content(attachment)
        return attachment


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=Answer._meta.get_field("body").max_length or 10000,
    )


class AnswerCreateForm(SubmitOnceMixin, AnswerForm):
    """A new answer: sent once, however many times its button is pressed."""
