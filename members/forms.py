from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import ExpertiseArea, User
from members.selectors import users_owning_email
from members.services import PROFILE_FIELDS, consent_record
from submit_once.forms import SubmitOnceMixin
from submit_once.services import submit_once

CONTACT_VISIBLE_LABEL = _(
    "Let the members of my communities see my e-mail address and phone number"
)


def _privacy_link() -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("privacy"), gettext("Read the privacy policy")
    )


CONSENT_LABEL = _(
    "I consent to the association collecting and using my profile information as described in "
    "the privacy policy."
)


class ConsentForm(forms.Form):
    """The consent Loi 25 asks for, and the member's choice to show their contact details to
    fellow members (off unless they tick it): asked at sign-up, or on the first visit of an
    account the association created."""

    consent_required_message = _("You must consent to use the portal.")

    privacy_consent = forms.BooleanField(label=CONSENT_LABEL, required=True)
    contact_visible = forms.BooleanField(
        label=CONTACT_VISIBLE_LABEL,
        required=False,
        initial=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, so the link's text is in the visitor's language.
        consent = self.fields["privacy_consent"]
        consent.help_text = _privacy_link()
        consent.error_messages["required"] = self.consent_required_message
        self.fields["contact_visible"].help_text = gettext(
            "You can change this later in your profile. The leads of your communities and the "
            "association's staff see them in any case, to run the communities."
        )


class SignupForm(SubmitOnceMixin, ConsentForm, AllauthSignupForm):
    """allauth's sign-up (e-mail, password twice) with the consent Loi 25 asks for, recorded with
    its date, and the member's choice to show their contact details to fellow members."""

    consent_required_message = _("You must consent to create an account.")

    field_order = ["email", "password1", "password2", "privacy_consent", "contact_visible"]

    def full_clean(self) -> None:
        super().full_clean()
        # Nothing typed is lost on an error elsewhere (the consent box left unticked, the
        # address already used): passwords that passed their checks are shown again. A password
        # that failed is not, since it must be typed anew anyway.
        if self.is_bound and self.errors and not {"password1", "password2"} & set(self.errors):
            for name in ("password1", "password2"):
                if name in self.fields:
                    self.fields[name].widget.render_value = True

    def try_save(self, request):
        # Once per sending: a second click is sent to the page the first one led to, instead
        # of creating the account (or mailing "you already have an account") again.
        with submit_once(self) as submission:
            if self.account_already_exists:
                # A new address's password is hashed (on purpose, slowly); without the same work
                # here, the answer's speed would tell that this address has an account.
                make_password(self.cleaned_data["password1"])
            user, response = super().try_save(request)
            submission.result_url = reverse("account_email_verification_sent")
        return user, response

    def custom_signup(self, request, user: User) -> None:
        consent_record(user=user, contact_visible=self.cleaned_data["contact_visible"])

    def validate_unique_email(self, value: str) -> str:
        """An address is taken when it belongs to an account (``users_owning_email``), not when
        someone merely typed it on their e-mail page: otherwise anyone could keep its owner from
        signing up. When it is taken, allauth answers as for a new account (no enumeration) and
        mails the address that it already has one, with the password reset link."""
        taken = bool(users_owning_email(value))
        if taken and not allauth_settings.PREVENT_ENUMERATION:
            raise get_adapter().validation_error("email_taken")
        self.account_already_exists = taken
        return get_adapter().validate_unique_email(value)


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's password reset, whose link goes only to an account the address belongs to
    (``users_owning_email``). allauth would also mail, to the address typed, a link resetting
    the password of an account that typed that address without confirming it; the owner of the
    address would then confirm it for that account by following the link."""

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = [user for user in users_owning_email(email) if user.is_active]
        return email


class ExpertiseAreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ExpertiseArea) -> str:
        return obj.label


class ProfileForm(forms.ModelForm):
    expertise_areas = ExpertiseAreaChoiceField(
        label=_("Areas of expertise"),
        queryset=ExpertiseArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the areas you know well: the members' directory finds you by them."),
    )

    class Meta:
        model = User
        fields = [
            *PROFILE_FIELDS[: PROFILE_FIELDS.index("expertise")],
            "expertise_areas",
            *PROFILE_FIELDS[PROFILE_FIELDS.index("expertise") :],
        ]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "contact_visible": CONTACT_VISIBLE_LABEL,
            "expertise": _("Other areas of expertise"),
            "directory_listed": _("List me in the members' directory"),
            "directory_contact_visible": _(
                "Show my e-mail address and phone number in the members' directory"
            ),
        }
        help_texts = {
            "expertise": _("Anything the list above does not name, in your own words."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, in the reader's language's order; retired areas are not offered.
        self.fields["expertise_areas"].queryset = ExpertiseArea.objects.active().by_label()
        # A member is known to the communities by name, organisation and region.
        for name in ("first_name", "last_name", "organisation", "region"):
            self.fields[name].required = True
        self.fields["first_name"].max_length = 150
        self.fields["organisation_type"].required = False

    def clean_first_name(self) -> str:
        return _strip_required(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _strip_required(self.cleaned_data["last_name"])

    def clean_organisation(self) -> str:
        return _strip_required(self.cleaned_data["organisation"])


def _strip_required(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError(_("This field cannot be blank."))
    return value


class AccountCloseForm(forms.Form):
    """Closing an account is asked for with the current password: a borrowed session alone
    cannot erase someone."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("This is not your current password."), code="password_incorrect"
            )
        return password
