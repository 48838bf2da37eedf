"""Where a form sends the visitor next, when the page that opened it says so."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` path given with the request, or ``default`` when there is none or it leads
    off the portal."""
    target = request.POST.get("next") or request.GET.get("next")
    # A path only: redirect() would take any other word for a URL name and fail to reverse it.
    if (
        target
        and target.startswith("/")
        # "//" alone has no host, so the host check lets it through, yet it is no page.
        and not target.replace("\\", "/").startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
