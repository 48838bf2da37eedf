from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aimq_portal.redirects import safe_next
from members.forms import AccountCloseForm, ConsentForm, ProfileForm
from members.models import User
from members.selectors import account_close_summaries, member_data_export
from members.services import account_close, consent_record, profile_update


@login_required
def profile_detail(request: HttpRequest) -> HttpResponse:
    context = {
        "member": request.user,
        "expertise_areas": request.user.expertise_areas.active().by_label(),
    }
    return render(request, "members/profile_detail.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    # The form works on its own copy: validating it writes the input onto its instance, and
    # the page around the form (the navbar's name) must keep showing what is saved.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:profile")
    return render(request, "members/profile_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    """Asks for the consent Loi 25 requires of a member whose account the association created
    (sign-up asks for it on its own form); ConsentRequiredMiddleware sends them here first."""
    next_page = safe_next(request, reverse("home"))
    if request.user.privacy_consent_at is not None:
        return redirect(next_page)
    # Bound on every POST: a form of check boxes left unticked posts nothing of its own.
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        consent_record(user=request.user, contact_visible=form.cleaned_data["contact_visible"])
        messages.success(request, _("Thank you. Your consent is recorded."))
        return redirect(next_page)
    return render(request, "members/consent.html", {"form": form, "next": next_page})


@require_GET
@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    """The member's data as a JSON file (Loi 25: the right of access)."""
    data = member_data_export(user=request.user)
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    filename = f"aimq-mes-donnees-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest) -> HttpResponse:
    """Explains what closing erases and keeps; closes on POST with the current password."""
    if request.method == "POST":
        # The password is asked again here: allauth's limit on re-authentication attempts
        # keeps a borrowed session from guessing it.
        refused = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
        if refused:
            return refused
    form = AccountCloseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_close(user=request.user)
        logout(request)
        messages.success(
            request,
            _(
                "Your account is closed and your personal information has been erased. "
                "Thank you for taking part in the communities."
            ),
        )
        return redirect("home")
    context = {"form": form, "summaries": account_close_summaries(user=request.user)}
    return render(request, "members/account_close.html", context)
