"""What the community pages read: each selector costs a fixed number of queries.

A community's pending requests are its waiting list while it is full (first come, first
served by ``created_at``); a visitor's position is the rank of their pending request there.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from communities import permissions
from communities.models import (
    Community,
    Interest,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    NotificationChoice,
    Phase,
    Role,
)
from members.models import User


class ViewerStatus:
    """The visitor's relation to a community, as the list and the community page show it."""

    LEAD = "lead"
    MEMBER = "member"
    PENDING = "pending"
    WAITING = "waiting"


def _count_subquery(queryset: QuerySet, group_by: str) -> Subquery:
    """A correlated COUNT(*) usable as an annotation (0 rather than NULL when nothing matches)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(total=Count("pk")).values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _position_on_waiting_list() -> Coalesce:
    """For a pending request: how many pending requests of its community came before it, plus
    itself. Ties on ``created_at`` are broken by id, as the model's ordering does."""
    ahead_or_same = JoinRequest.objects.filter(
        community=OuterRef("community"), status=JoinRequestStatus.PENDING
    ).filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
    )
    return _count_subquery(ahead_or_same, "community")


def _seats_taken_of_request_community() -> Coalesce:
    return _count_subquery(Membership.objects.filter(community=OuterRef("community")), "community")


def _communities() -> QuerySet[Community]:
    # Only what a card shows of a lead (``display_name``), in name order.
    leads = (
        Membership.objects.filter(role=Role.LEAD)
        .select_related("member")
        .only(
            "community_id",
            "member__first_name",
            "member__last_name",
            "member__email",
            "member__closed_at",
        )
        .order_by("member__last_name", "member__first_name", "pk")
    )
    return (
        Community.objects.annotate(members_count=Count("memberships", distinct=True))
        .annotate(seats_left=F("capacity") - F("members_count"))
        .prefetch_related(Prefetch("memberships", queryset=leads, to_attr="lead_memberships"))
    )


def viewer_statuses(items: list, user) -> list:
    """Sets on each item (a community, or a cached card: anything with ``pk``, ``is_full``
    and ``phase_now``) ``viewer_status``, ``viewer_request``, ``viewer_position``,
    ``viewer_role`` and, for a community in preparation or just opened, ``viewer_interested``
    and (for staff and its leads only) ``interest_count``: two queries for the whole list,
    whatever its length, and up to two more when some are in preparation; none for an
    anonymous visitor."""
    roles: dict[int, str] = {}
    requests: dict[int, JoinRequest] = {}
    if user.is_authenticated and items:
        ids = [item.pk for item in items]
        roles = dict(
            Membership.objects.filter(member=user, community_id__in=ids).values_list(
                "community_id", "role"
            )
        )
        requests = {
            join_request.community_id: join_request
            for join_request in JoinRequest.objects.filter(
                member=user, community_id__in=ids, status=JoinRequestStatus.PENDING
            ).annotate(position=_position_on_waiting_list())
        }
    for item in items:
        item.viewer_request = requests.get(item.pk)
        item.viewer_position = None
        role = roles.get(item.pk)
        # Whose role this is, so that permissions can read it without a query.
        item.viewer_id = user.pk if user.is_authenticated else None
        item.viewer_role = role
        if role == Role.LEAD:
            item.viewer_status = ViewerStatus.LEAD
        elif role is not None:
            item.viewer_status = ViewerStatus.MEMBER
        elif item.viewer_request is not None and item.is_full:
            item.viewer_status = ViewerStatus.WAITING
            item.viewer_position = item.viewer_request.position
        elif item.viewer_request is not None:
            item.viewer_status = ViewerStatus.PENDING
        else:
            item.viewer_status = None
    _viewer_interests(items, user)
    return items


def _viewer_interests(items: list, user) -> None:
    """Whether the visitor said they were interested in each community in preparation (or just
    opened), and how many did, for those who may see it (staff and the future leads): the
    count changes with every click, so it is read here, never kept in a cached card."""
    announced = [item for item in items if item.phase_now in (Phase.PREPARATION, Phase.HEAD_START)]
    interested: set[int] = set()
    counts: dict[int, int] = {}
    if user.is_authenticated and announced:
        interested = set(
            Interest.objects.filter(
                member=user, community_id__in=[item.pk for item in announced]
            ).values_list("community_id", flat=True)
        )
        shown = [item.pk for item in announced if permissions.can_see_interest_count(user, item)]
        if shown:
            counts = dict(
                Interest.objects.filter(community_id__in=shown)
                .order_by()
                .values("community_id")
                .annotate(total=Count("pk"))
                .values_list("community_id", "total")
            )
    for item in items:
        item.viewer_interested = item.pk in interested
        item.interest_count_shown = user.is_authenticated and (
            item.phase_now == Phase.PREPARATION and permissions.can_see_interest_count(user, item)
        )
        item.interest_count = counts.get(item.pk, 0)


def _with_card_fields(communities: list[Community]) -> list[Community]:
    for community in communities:
        community.is_full = community.members_count >= community.capacity
        community.leads = [membership.member for membership in community.lead_memberships]
        community.phase_now = community.phase
    return communities


def _attach_viewer_status(communities: list[Community], user) -> list[Community]:
    """Sets on each community ``is_full``, ``leads`` and the visitor's status (see
    ``viewer_statuses``)."""
    return viewer_statuses(_with_card_fields(communities), user)


def community_cards(*, offset: int, limit: int) -> list[Community]:
    """The communities a page of cards shows, by name, as everyone sees them (no visitor's
    status): two queries (the page, the leads)."""
    page = _communities().order_by("name_fr", "pk")[offset : offset + limit]
    return _with_card_fields(list(page))


def community_list(*, user) -> list[Community]:
    """Every community with its member count, seats left, leads and the visitor's status."""
    return _attach_viewer_status(list(_communities()), user)


def front_door_communities() -> list[Community]:
    """The communities as the public home page shows them: leads, seats left, and for a full
    one how many wait. Two queries, whatever the number of communities."""
    pending = JoinRequest.objects.filter(community=OuterRef("pk"), status=JoinRequestStatus.PENDING)
    return _with_card_fields(
        list(_communities().annotate(waiting_count=_count_subquery(pending, "community")))
    )


def community_row(*, slug: str) -> Community | None:
    """One community with its member count and leads, as everyone sees it (no visitor's
    status): two queries."""
    return next(iter(_communities().filter(slug=slug)), None)


def community_detail(*, slug: str, user, row: Community | None = None) -> Community | None:
    """One community, enriched as in the list; None when the slug names none. ``row``: the
    community as ``community_row`` read it (communities.cards keeps it between requests)."""
    if row is None:
        row = community_row(slug=slug)
    if row is None:
        return None
    return _attach_viewer_status([row], user)[0]


def community_members(*, community: Community) -> QuerySet[Membership]:
    """The community's members, leads first, then by name."""
    lead_first = Case(When(role=Role.LEAD, then=Value(0)), default=Value(1))
    return (
        Membership.objects.filter(community=community)
        .select_related("member")
        .order_by(lead_first, "member__last_name", "member__first_name", "member__email")
    )


def community_members_for(*, community: Community, viewer) -> list[Membership]:
    """The community's members as ``viewer`` sees them: each membership says in
    ``contact_shown`` whether its member's e-mail and phone are shown to the viewer (see
    ``permissions.can_see_contact_details``). One query when ``community`` comes from
    ``community_detail`` for this viewer."""
    memberships = list(community_members(community=community))
    for membership in memberships:
        membership.contact_shown = permissions.can_see_contact_details(
            viewer, community, membership.member
        )
    return memberships


def waiting_list(*, community: Community) -> QuerySet[JoinRequest]:
    """The community's pending requests, first come first served."""
    return (
        JoinRequest.objects.filter(community=community, status=JoinRequestStatus.PENDING)
        .select_related("member")
        .order_by("created_at", "pk")
    )


def _with_queue_info(join_requests: QuerySet[JoinRequest]) -> QuerySet[JoinRequest]:
    """Adds ``position`` (place among the community's pending requests, meaningful for a
    pending one) and ``community_is_full`` (then those pending requests are its waiting list)."""
    return join_requests.annotate(
        community_seats_taken=_seats_taken_of_request_community(),
        position=_position_on_waiting_list(),
    ).annotate(
        community_is_full=Case(
            When(community_seats_taken__gte=F("community__capacity"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _inbox_pending(*, user) -> QuerySet[JoinRequest]:
    """The pending requests a lead (or staff) decides."""
    pending = JoinRequest.objects.filter(status=JoinRequestStatus.PENDING)
    if not user.is_authenticated:
        return pending.none()
    if not user.is_staff:
        led = Membership.objects.filter(member=user, role=Role.LEAD).values("community_id")
        pending = pending.filter(community_id__in=led)
    return pending


def lead_inbox_page(*, user, page_number, per_page: int, pending_count: int | None = None) -> Page:
    """A page of the pending requests a lead (or staff) decides, oldest first, with the
    requester, the community, the request's place in the queue (``position``) and whether the
    community is full (``community_is_full``). One query, plus the count of the pending
    requests unless the caller has it already (``pending_count``: the navbar's badge holds it).

    Only the page's rows are read, ranked and joined: the page's ids come from a narrow
    subquery (id and date, through the index on the date), and each row's place is a COUNT of
    the pending requests of its own community up to it (about thirty rows each at scale).
    Ranking every pending request (9,000 at scale) to keep fifty places cost more than the rest
    of the query."""
    pending = _inbox_pending(user=user).order_by("created_at", "pk")
    paginator = Paginator(pending, per_page)
    if pending_count is not None:
        paginator.count = pending_count  # a cached_property: the paginator will not count
    page = paginator.get_page(page_number)
    offset = (page.number - 1) * per_page
    join_requests = list(
        JoinRequest.objects.filter(pk__in=pending.values("pk")[offset : offset + per_page])
        .select_related("member", "community")
        .annotate(
            community_seats_taken=_seats_taken_of_request_community(),
            position=_position_on_waiting_list(),
        )
        .order_by("created_at", "pk")
    )
    for join_request in join_requests:
        seats_taken = join_request.community_seats_taken
        join_request.community_is_full = seats_taken >= join_request.community.capacity
    page.object_list = join_requests
    return page


def join_request_detail(*, pk: int) -> JoinRequest | None:
    """One request, whatever its status, with the same details as in the inbox."""
    return (
        _with_queue_info(
            JoinRequest.objects.filter(pk=pk).select_related("member", "community", "decided_by")
        )
        .order_by()
        .first()
    )


@dataclass(frozen=True)
class LeadInboxBadge:
    shown: bool  # the visitor leads a community or is staff: the inbox link is theirs
    pending: int


def lead_inbox_badge(*, user) -> LeadInboxBadge:
    """Whether the visitor has an inbox and how many requests wait in it: one query."""
    if not user.is_authenticated:
        return LeadInboxBadge(shown=False, pending=0)
    if user.is_staff:
        pending = JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).count()
        return LeadInboxBadge(shown=True, pending=pending)
    totals = Membership.objects.filter(member=user, role=Role.LEAD).aggregate(
        led=Count("pk", distinct=True),
        pending=Count(
            "community__join_requests",
            filter=Q(community__join_requests__status=JoinRequestStatus.PENDING),
            distinct=True,
        ),
    )
    return LeadInboxBadge(shown=bool(totals["led"]), pending=totals["pending"])


def decisions_waiting(*, user) -> list[Community]:
    """The communities whose join requests the visitor decides and that have some pending,
    each with ``pending`` (their sum is the navbar's inbox badge): one query."""
    if not user.is_authenticated:
        return []
    communities = Community.objects.all()
    if not user.is_staff:
        communities = communities.filter(memberships__member=user, memberships__role=Role.LEAD)
    return list(
        communities.annotate(
            pending=Count(
                "join_requests",
                filter=Q(join_requests__status=JoinRequestStatus.PENDING),
                distinct=True,
            )
        )
        .filter(pending__gt=0)
        .order_by("-pending", "slug")
    )


def pending_request_count_for_lead(*, user) -> int:
    return lead_inbox_badge(user=user).pending


def my_join_requests(*, member: User) -> QuerySet[JoinRequest]:
    """A member's requests, newest first, with the community and, for pending ones, their
    place in the queue and whether the community is full (then the queue is a waiting list)."""
    return _with_queue_info(
        JoinRequest.objects.filter(member=member).select_related("community", "decided_by")
    ).order_by("-created_at", "-pk")


def my_communities(*, member: User) -> QuerySet[Membership]:
    """The member's memberships with their community, for the home page."""
    return (
        Membership.objects.filter(member=member)
        .select_related("community")
        .order_by("community__name_fr", "pk")
    )


def members_to_notify(
    *, community_id: int, urgent: bool = False, exclude: User | None = None
) -> QuerySet[User]:
    """Who hears of a community event (a new question or answer) at once: the active members
    who chose every event; for an urgent one, every active member who did not choose nothing.
    ``exclude`` (the author) never hears of their own event. One query, in id order."""
    if urgent:
        wanted = Q(
            memberships__notifications__in=[NotificationChoice.EVERY, NotificationChoice.DIGEST]
        )
    else:
        wanted = Q(memberships__notifications=NotificationChoice.EVERY)
    users = User.objects.filter(wanted, memberships__community_id=community_id, is_active=True)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.order_by("pk")
