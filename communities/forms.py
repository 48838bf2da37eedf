from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aimq_portal.forms import LimitedTextField
from communities.models import MOTIVATION_MAX_LENGTH, NotificationChoice
from submit_once.forms import SubmitOnceMixin

DECISION_MESSAGE_MAX_LENGTH = 2000


class JoinRequestForm(SubmitOnceMixin, forms.Form):
    # No maxlength in the page: a pasted text that is too long is refused with a message and
    # kept, to be shortened, instead of being cut without a word.
    motivation = LimitedTextField(
        label=_("Why do you want to join this community?"),
        max_length=MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request so the limit is shown in the visitor's language.
        self.fields["motivation"].help_text = gettext(
            "The leads read it before deciding. At most %(limit)d characters."
        ) % {"limit": MOTIVATION_MAX_LENGTH}


class DecisionForm(SubmitOnceMixin, forms.Form):
    """Approve or decline a join request. Rendered with a prefix per request, so the inbox can
    show one form per request with distinct field ids."""

    APPROVE = "approve"
    DECLINE = "decline"

    @staticmethod
    def prefix_for(join_request) -> str:
        return f"request-{join_request.pk}"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))],
    )
    message = forms.CharField(
        label=_("Message to the member (optional)"),
        required=False,
        max_length=DECISION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with the decision by e-mail."),
    )


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the removal"),
        max_length=DECISION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member receives this reason by e-mail."),
    )


class NotificationChoicesForm(forms.Form):
    """One choice per community of the member (radio buttons named ``community-<id>``), all
    saved by one button."""

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for membership in self.memberships:
            self.fields[self.field_name(membership.community_id)] = forms.ChoiceField(
                label=membership.community.name,
                choices=NotificationChoice.choices,
                initial=membership.notifications,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose what you want to receive.")},
            )

    @staticmethod
    def field_name(community_id: int) -> str:
        return f"community-{community_id}"

    def choices(self) -> dict[int, str]:
        """The chosen values, per community id (once the form is valid)."""
        return {
            membership.community_id: self.cleaned_data[self.field_name(membership.community_id)]
            for membership in self.memberships
        }
