"""The community pages: each view checks access, reads through a selector or writes through a
service, and renders. 404 for what a visitor may not know exists (a join request, a
membership of a community they cannot see the members of), 403 for what they know but may
not do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aimq_portal import fragments, page_cache
from aimq_portal.redirects import safe_next
from communities import cards, permissions, selectors, services
from communities.context_processors import request_inbox_badge
from communities.forms import DecisionForm, JoinRequestForm, RemovalForm
from communities.models import Community, JoinRequest, Membership
from communities.selectors import ViewerStatus
from submit_once.services import submit_once

INBOX_PAGE_SIZE = 50
COMMUNITIES_PAGE_SIZE = 60  # twenty rows of three cards

# Errors of these codes concern what the member typed; the others concern the situation.
_MOTIVATION_ERROR_CODES = {"required", "max_length"}


def _community_or_404(slug: str, user) -> Community:
    community = cards.community_detail(slug=slug, user=user)
    if community is None:
        raise Http404
    return community


def _render_community(
    request: HttpRequest, community: Community, *, join_form: JoinRequestForm | None = None
) -> HttpResponse:
    user = request.user
    can_see_members = permissions.can_see_members(user, community)
    can_manage = permissions.can_manage_members(user, community)
    may_ask_to_join = permissions.may_ask_to_join(user, community)
    if join_form is None and may_ask_to_join:
        join_form = JoinRequestForm()
    members = (
        selectors.community_members_for(community=community, viewer=user) if can_see_members else []
    )
    context = {
        "community": community,
        "can_see_members": can_see_members,
        "can_manage": can_manage,
        "members": members,
        # The members table is rendered once for these rows (aimq_portal.fragments); a lead's
        # table leaves out the button to remove themselves.
        "members_fragment_key": fragments.fingerprint(
            community.slug,
            can_manage,
            user.pk if can_manage else None,
            [
                (fragments.row_values(m), fragments.row_values(m.member), m.contact_shown)
                for m in members
            ],
        ),
        "fragment_timeout": fragments.TIMEOUT,
        "waiting_list": list(selectors.waiting_list(community=community)) if can_manage else [],
        "join_form": join_form,
        "may_ask_to_join": may_ask_to_join,
        "is_member": community.viewer_status in (ViewerStatus.MEMBER, ViewerStatus.LEAD),
    }
    return render(request, "communities/community_detail.html", context)


def community_list(request: HttpRequest) -> HttpResponse:
    # The cards are cached, the same for everyone; the visitor's status is read for them.
    page = cards.cards_page(page_number=request.GET.get("page"), per_page=COMMUNITIES_PAGE_SIZE)
    selectors.viewer_statuses(page.object_list, request.user)
    return render(
        request,
        "communities/community_list.html",
        {"communities": page.object_list, "page": page},
    )


@page_cache.per_viewer
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_community(request, _community_or_404(slug, request.user))


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    community = get_object_or_404(Community, slug=slug)
    detail_url = reverse("communities:detail", args=[community.slug])
    if not request.user.is_authenticated:
        # Back to the community page after logging in: the join form is there.
        return redirect_to_login(detail_url)
    form = JoinRequestForm(request.POST)
    if form.is_valid():
        try:
            with submit_once(form) as submission:
                services.join_request_create(
                    community=community,
                    member=request.user,
                    motivation=form.cleaned_data["motivation"],
                )
                submission.result_url = detail_url
        except ValidationError as exc:
            field = "motivation" if exc.code in _MOTIVATION_ERROR_CODES else None
            form.add_error(field, exc)
        else:
            community = selectors.community_detail(slug=slug, user=request.user)
            if community.viewer_status == ViewerStatus.WAITING:
                messages.warning(
                    request,
                    _(
                        "%(community)s is full: your request is on its waiting list, at "
                        "position %(position)d. The leads will be told when a seat frees."
                    )
                    % {"community": community.name, "position": community.viewer_position},
                )
            else:
                messages.success(
                    request,
                    _("Your request to join %(community)s has been sent to its leads.")
                    % {"community": community.name},
                )
            return redirect(detail_url)
    return _render_community(request, _community_or_404(slug, request.user), join_form=form)


@require_POST
def interest(request: HttpRequest, slug: str) -> HttpResponse:
    """ "I am interested" (or, with ``withdraw``, no longer) in a community in preparation."""
    community = get_object_or_404(Community, slug=slug)
    detail_url = reverse("communities:detail", args=[community.slug])
    if not request.user.is_authenticated:
        # Back to the community page after logging in: the button is there.
        return redirect_to_login(detail_url)
    names = {"community": community.name}
    try:
        if request.POST.get("withdraw"):
            if services.interest_withdraw(community=community, member=request.user):
                messages.success(
                    request, _("You are no longer interested in %(community)s.") % names
                )
            else:
                messages.info(request, _("You had not said you were interested."))
        else:
            services.interest_add(community=community, member=request.user)
            messages.success(
                request,
                _(
                    "Noted: you are interested in %(community)s. You will be told by e-mail "
                    "when it opens, and may ask to join before anyone else."
                )
                % names,
            )
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    return redirect(safe_next(request, detail_url))


@require_POST
@login_required
def community_open(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff open a community in preparation (the admin's action does the same)."""
    community = get_object_or_404(Community, slug=slug)
    if not request.user.is_staff:
        raise PermissionDenied
    if services.community_open(community=community, opened_by=request.user):
        messages.success(
            request,
            _(
                "%(community)s is open. The interested members were told by e-mail and may ask "
                "to join first."
            )
            % {"community": community.name},
        )
    else:
        messages.info(request, _("%(community)s was already open.") % {"community": community.name})
    return redirect("communities:detail", community.slug)


def _request_visible_to(user, pk: int) -> JoinRequest:
    """A join request is known to its requester and to those who decide it; to anyone else
    it does not exist."""
    join_request = selectors.join_request_detail(pk=pk)
    if join_request is None:
        raise Http404
    if join_request.member_id == user.pk:
        return join_request
    if permissions.can_decide_requests(user, join_request.community):
        return join_request
    raise Http404


@require_POST
@login_required
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = _request_visible_to(request.user, pk)
    if join_request.member_id != request.user.pk:
        raise PermissionDenied
    try:
        services.join_request_withdraw(join_request=join_request, member=request.user)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your request to join %(community)s has been withdrawn.")
            % {"community": join_request.community.name},
        )
    return redirect(safe_next(request, reverse("communities:my_requests")))


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community_or_404(slug, request.user)
    detail_url = reverse("communities:detail", args=[community.slug])
    if community.viewer_status not in (ViewerStatus.MEMBER, ViewerStatus.LEAD):
        messages.info(request, _("You are not a member of this community."))
        return redirect(detail_url)
    if request.method == "POST":
        try:
            services.membership_leave(community=community, member=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("You have left %(community)s.") % {"community": community.name}
            )
        return redirect(detail_url)
    return render(request, "communities/leave_confirm.html", {"community": community})


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    community = _community_or_404(slug, request.user)
    if not permissions.can_manage_members(request.user, community):
        if permissions.can_see_members(request.user, community):
            raise PermissionDenied
        raise Http404
    membership = get_object_or_404(
        Membership.objects.select_related("member"), pk=membership_id, community=community
    )
    detail_url = reverse("communities:detail", args=[community.slug])
    if membership.member_id == request.user.pk:
        messages.info(request, _("Use “Leave this community” to remove yourself."))
        return redirect(detail_url)
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_remove(
                membership=membership, removed_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason" if exc.code == "required" else None, exc)
        else:
            messages.success(
                request,
                _("%(member)s has been removed from %(community)s.")
                % {"member": membership.member.display_name, "community": community.name},
            )
            return redirect(detail_url)
    return render(
        request,
        "communities/member_remove_confirm.html",
        {"community": community, "membership": membership, "form": form},
    )


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    join_requests = selectors.my_join_requests(member=request.user)
    return render(request, "communities/my_requests.html", {"join_requests": join_requests})


@login_required
@page_cache.per_viewer  # staff come back to it often; it changes only when requests do
def inbox(request: HttpRequest) -> HttpResponse:
    badge = request_inbox_badge(request)
    if not badge.shown:
        raise PermissionDenied
    page = selectors.lead_inbox_page(
        user=request.user,
        page_number=request.GET.get("page"),
        per_page=INBOX_PAGE_SIZE,
        pending_count=badge.pending,  # the same count as the navbar's: counted once
    )
    context = {
        "join_requests": page.object_list,
        "page": page,
        # Masked once for the page's fifty forms: the context processor's lazy token is masked
        # anew (32 random characters) at each {% csrf_token %}.
        "csrf_token": get_token(request),
    }
    return render(request, "communities/inbox.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page a lead's e-mail links to: the request, the requester and the decision form."""
    join_request = _request_visible_to(request.user, pk)
    if not permissions.can_decide_requests(request.user, join_request.community):
        # The requester knows their request, but deciding it is not theirs to do.
        raise PermissionDenied
    form = DecisionForm(request.POST or None, prefix=DecisionForm.prefix_for(join_request))
    if request.method == "POST" and form.is_valid():
        next_url = safe_next(request, reverse("communities:inbox"))
        _decide(request, join_request, form, next_url)
        return redirect(next_url)
    return render(
        request, "communities/request_detail.html", {"join_request": join_request, "form": form}
    )


def _decide(
    request: HttpRequest, join_request: JoinRequest, form: DecisionForm, next_url: str
) -> None:
    data = form.cleaned_data
    names = {
        "member": join_request.member.display_name,
        "community": join_request.community.name,
    }
    try:
        with submit_once(form) as submission:
            if data["decision"] == DecisionForm.APPROVE:
                services.join_request_approve(
                    join_request=join_request, decided_by=request.user, message=data["message"]
                )
                done = _("%(member)s is now a member of %(community)s.") % names
            else:
                services.join_request_decline(
                    join_request=join_request, decided_by=request.user, message=data["message"]
                )
                done = _("The request of %(member)s to join %(community)s was declined.") % names
            submission.result_url = next_url
        messages.success(request, done)
    except services.AlreadyDecided as exc:
        messages.info(request, " ".join(exc.messages))
    except services.CommunityFull as exc:
        messages.warning(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
