from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Builds allauth's links on SITE_URL-independent request data and remembers the language
    a newcomer used to sign up, so their e-mails come in that language."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.preferred_language = "en" if language.startswith("en") else "fr-ca"
        if commit:
            user.save()
        return user

    def is_safe_url(self, url: str) -> bool:
        # allauth reads `next` with urlparse, which raises on a malformed address ("a://[" opens
        # an IPv6 host it never closes): such an address is not safe, not a server error.
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False
