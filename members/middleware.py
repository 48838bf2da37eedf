from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

# What a member may still do before consenting: read the privacy policy, consent, change the
# language, manage their login (log out, confirm their e-mail, change their password), take
# their data or close the account, which is how one refuses.
PAGES_BEFORE_CONSENT = {
    "members:consent",
    "members:data_export",
    "members:account_close",
    "privacy",
    "set_language",
    "healthz",
}


class ConsentRequiredMiddleware:
    """Loi 25: the association uses a member's profile only with their consent. Sign-up asks for
    it; an account created for someone (by staff, in the admin) has none recorded, so its owner
    is sent to the consent page before any other page of the portal. Staff work under their
    employment with the association and are not stopped. Comes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.privacy_consent_at is None
            and not user.is_staff
            and not _allowed_before_consent(request.path_info)
        ):
            url = reverse("members:consent")
            if request.method == "GET":
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return redirect(url)
        return self.get_response(request)


def _allowed_before_consent(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return True  # the 404 page
    # allauth names its pages account_*: logging out, e-mail confirmation, passwords.
    return match.view_name in PAGES_BEFORE_CONSENT or match.view_name.startswith("account_")
