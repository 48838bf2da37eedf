"""The pages where a member chooses what they hear of their communities: their own page (one
form for all their communities) and the one-click links of the e-mails, which need no log-in
(see ``communities.notification_links``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from communities import notification_links, selectors, services
from communities.forms import NotificationChoicesForm
from communities.models import Community, NotificationChoice
from members.models import User


@login_required
@require_http_methods(["GET", "POST"])
def notification_choices(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.my_communities(member=request.user))
    data = request.POST if request.method == "POST" else None
    form = NotificationChoicesForm(data, memberships=memberships)
    if request.method == "POST" and memberships and form.is_valid():
        changed = services.notification_choices_set(member=request.user, choices=form.choices())
        if changed:
            messages.success(request, _("Your notification choices have been saved."))
        else:
            messages.info(request, _("Your notification choices were already these."))
        return redirect("communities:notifications")
    return render(
        request,
        "communities/notification_choices.html",
        {"form": form, "has_communities": bool(memberships)},
    )


def _invalid(request: HttpRequest, *, reason: str, status: int) -> HttpResponse:
    return render(
        request, "communities/notification_link_invalid.html", {"reason": reason}, status=status
    )


def _one_click(request: HttpRequest) -> bool:
    """A mail client's "unsubscribe" button (RFC 8058) posts exactly this."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


# No CSRF token: the signed link is the authority, and mail clients post to it (RFC 8058)
# without any page of ours in between. Nothing here depends on who is logged in.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_link(request: HttpRequest, token: str) -> HttpResponse:
    target = notification_links.target_of(token)
    if target is None:
        return _invalid(request, reason="invalid", status=404)
    member = User.objects.filter(pk=target.user_id, is_active=True).first()
    if member is None:
        return _invalid(request, reason="gone", status=410)
    if target.community_id is None:
        return _digest_off(request, member)
    community = Community.objects.filter(pk=target.community_id).first()
    choice = NotificationChoice.NOTHING if _one_click(request) else target.choice
    changed = None
    if community is not None:
        changed = services.notification_choice_set(
            member=member, community_id=community.pk, choice=choice
        )
    if changed is None:
        return _invalid(request, reason="gone", status=410)
    if request.method == "POST" and not _one_click(request):
        # A button of the page below: back to the page of the choice now made.
        messages.success(request, _("Your choice has been saved."))
        return redirect(request.path)
    others = [
        link
        for link in notification_links.choice_links(
            user_id=member.pk, community_id=community.pk, absolute=False
        )
        if link.choice != choice
    ]
    return render(
        request,
        "communities/notification_link.html",
        {
            "community": community,
            "done": notification_links.CHOICE_DONE[choice],
            "others": others,
            "changed": changed,
        },
    )


def _digest_off(request: HttpRequest, member: User) -> HttpResponse:
    services.notification_choices_digest_off(member=member)
    return render(
        request,
        "communities/notification_digest_off.html",
        {"choices_url": reverse("communities:notifications")},
    )
