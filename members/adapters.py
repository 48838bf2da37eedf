from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.http import urlencode

from notifications.services import outbox_enqueue_rendered


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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's messages (confirmation, password reset…) are rendered now, in the
        visitor's language, then go out through the outbox like every other e-mail: a mail
        server or broker that is down delays them, it never fails the visitor's page. This is
        allauth's own send_mail with the last step (``msg.send()``) replaced."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        user = context.get("user")
        outbox_enqueue_rendered(
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            recipient_id=user.pk if isinstance(user, get_user_model()) and user.pk else None,
        )

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The confirmation link carries the page the newcomer came from (``next``, e.g. the
        community they want to join). In the browser they signed up with, allauth logs them in
        and takes them there; opened elsewhere (the phone's mail app), the link still leads
        there once confirmed."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        target = ""
        if request is not None:
            target = request.POST.get("next") or request.GET.get("next") or ""
        if target.startswith("/") and self.is_safe_url(target):
            url = f"{url}?{urlencode({'next': target})}"
        return url

    def is_safe_url(self, url: str) -> bool:
        # allauth reads `next` with urlparse, which raises on a malformed address ("a://[" opens
        # an IPv6 host it never closes): such an address is not safe, not a server error.
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False
