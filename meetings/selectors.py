"""Querysets the meeting pages and feeds read, with what they need in a fixed number of
queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from aimq_portal import page_cache
from communities import permissions as community_permissions
from communities.models import Community, Membership, Role
from meetings.models import (
    Attendance,
    AttendanceMode,
    CalendarFeedToken,
    FollowUp,
    Meeting,
    Rsvp,
    RsvpResponse,
    SeatRequest,
    SeatRequestStatus,
)
from members.models import User

FEED_HISTORY = timedelta(days=180)


def meetings_of_community(*, community: Community, upcoming: bool = True) -> QuerySet[Meeting]:
    now = timezone.now()
    meetings = Meeting.objects.filter(community=community).annotate(
        in_person_count=Count("rsvps", filter=Q(rsvps__response=RsvpResponse.IN_PERSON)),
        online_count=Count("rsvps", filter=Q(rsvps__response=RsvpResponse.ONLINE)),
    )
    if upcoming:
        return meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def meetings_for_feed(*, member: User) -> QuerySet[Meeting]:
    """All meetings of all the member's communities, from six months back; cancelled ones stay
    (as cancelled) so subscribed calendars drop them."""
    return (
        Meeting.objects.filter(
            community__memberships__member=member,
            starts_at__gte=timezone.now() - FEED_HISTORY,
        )
        .select_related("community")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class FeedVersion:
    """What the member's feed is made of, in one aggregate query: it changes whenever a meeting
    of the feed is created, changed (``updated_at``, ``sequence``), cancelled, or leaves or
    enters the feed (count and sum of the ids), or when the member's communities or their names
    change (the events carry them). Two small queries."""

    communities: tuple
    count: int
    id_sum: int
    max_sequence: int
    last_modified: datetime | None


def feed_version(*, member: User) -> FeedVersion:
    totals = (
        meetings_for_feed(member=member)
        .order_by()
        .aggregate(
            count=Count("pk"),
            id_sum=Sum("pk"),
            max_sequence=Max("sequence"),
            last_modified=Max("updated_at"),
        )
    )
    communities = tuple(
        Membership.objects.filter(member=member)
        .order_by("community_id")
        .values_list("community_id", "community__name_fr", "community__name_en")
    )
    return FeedVersion(
        communities=communities,
        count=totals["count"],
        id_sum=totals["id_sum"] or 0,
        max_sequence=totals["max_sequence"] or 0,
        last_modified=totals["last_modified"],
    )


def public_next_meetings(*, limit: int) -> list[Meeting]:
    """The next meetings of every community, for the public home page: what a visitor may
    know (title, date, format, community), soonest first, cancelled ones left out."""
    return list(
        Meeting.objects.filter(ends_at__gte=timezone.now(), cancelled_at__isnull=True)
        .select_related("community")
        .only(
            "pk",
            "title",
            "starts_at",
            "ends_at",
            "format",
            "cancelled_at",
            "community__slug",
            "community__name_fr",
            "community__name_en",
        )
        .order_by("starts_at", "pk")[:limit]
    )


def member_for_calendar_token(*, token: str) -> User | None:
    if not token:
        return None
    feed_token = (
        CalendarFeedToken.objects.select_related("member")
        .filter(token=token, member__is_active=True)
        .first()
    )
    return feed_token.member if feed_token else None


def meeting_detail(*, pk: int) -> Meeting | None:
    """One meeting with its community, follow-up and the follow-up's documents."""
    meeting = (
        Meeting.objects.filter(pk=pk)
        .select_related("community", "followup")
        .annotate(
            in_person_count=Count(
                "rsvps", filter=Q(rsvps__response=RsvpResponse.IN_PERSON), distinct=True
            ),
            # Seats held by live offers of the waiting list (meetings.seats).
            held_count=Count(
                "seat_requests",
                filter=Q(seat_requests__status=SeatRequestStatus.OFFERED),
                distinct=True,
            ),
            waiting_count=Count(
                "seat_requests",
                filter=Q(seat_requests__status=SeatRequestStatus.WAITING),
                distinct=True,
            ),
        )
        .first()
    )
    if meeting is None:
        return None
    followup = getattr(meeting, "followup", None)
    meeting.documents = list(followup.documents.all()) if followup is not None else []
    return meeting


def rsvp_of(*, meeting: Meeting, member: User) -> Rsvp | None:
    if not member.is_authenticated:
        return None
    return Rsvp.objects.filter(meeting=meeting, member=member).first()


def seat_request_of(*, meeting: Meeting, member: User) -> SeatRequest | None:
    """The member's open place on the waiting list, with ``position`` (1 for the first in line;
    an offer holds no place in line), or None: one query."""
    if not member.is_authenticated:
        return None
    ahead = SeatRequest.objects.filter(
        meeting=OuterRef("meeting"), status=SeatRequestStatus.WAITING
    ).filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
    )
    position = Subquery(
        ahead.order_by().values("meeting").annotate(total=Count("pk")).values("total")[:1]
    )
    return (
        SeatRequest.objects.open()
        .filter(meeting=meeting, member=member)
        .annotate(position=position)
        .first()
    )


def waiting_list(*, meeting: Meeting) -> list[SeatRequest]:
    """The meeting's open seat requests, offers first, then in line order: one query."""
    requests = SeatRequest.objects.open().filter(meeting=meeting).select_related("member")
    return sorted(
        requests,
        key=lambda r: (r.status != SeatRequestStatus.OFFERED, r.created_at, r.pk),
    )


@dataclass(frozen=True)
class Attendee:
    member: User
    response: str  # in_person or online
    contact_shown: bool  # whether the viewer sees their e-mail and phone


@dataclass(frozen=True)
class Attendees:
    in_person: list[Attendee]
    online: list[Attendee]
    # The viewer's own answer, whatever it is (read with the others, not by another query).
    viewer_rsvp: Rsvp | None = None

    def __bool__(self) -> bool:
        return bool(self.in_person or self.online)


def read_viewer_role(*, community: Community, viewer) -> None:
    """Reads the viewer's role in ``community`` once (one query, none when already read or for
    an anonymous visitor) and keeps it on the community, where every permission check of
    ``communities.permissions`` and ``meetings.permissions`` finds it without a query."""
    if getattr(community, "viewer_id", None) == viewer.pk and hasattr(community, "viewer_role"):
        return
    community.viewer_id = viewer.pk
    community.viewer_role = (
        Membership.objects.filter(community=community, member=viewer)
        .values_list("role", flat=True)
        .first()
        if viewer.is_authenticated
        else None
    )


def attendees(*, meeting: Meeting, viewer) -> Attendees:
    """Who comes, in person or online, by name, as a member of the community sees it (as on
    meetup sites): names and organisations for fellow members; e-mail and phone only where
    ``communities.permissions.can_see_contact_details`` allows; and the viewer's own answer.
    Two queries (one when the viewer's role was read)."""
    community = meeting.community
    read_viewer_role(community=community, viewer=viewer)
    # Every answer of the meeting (a community's few dozen at most), so that the viewer's own,
    # even a "no", comes with the others.
    all_answers = list(
        Rsvp.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "member__email")
    )
    viewer_rsvp = next((a for a in all_answers if a.member_id == viewer.pk), None)
    answers = [
        a for a in all_answers if a.response in (RsvpResponse.IN_PERSON, RsvpResponse.ONLINE)
    ]
    everyone = [
        Attendee(
            member=answer.member,
            response=answer.response,
            contact_shown=community_permissions.can_see_contact_details(
                viewer, community, answer.member
            ),
        )
        for answer in answers
    ]
    return Attendees(
        in_person=[a for a in everyone if a.response == RsvpResponse.IN_PERSON],
        online=[a for a in everyone if a.response == RsvpResponse.ONLINE],
        viewer_rsvp=viewer_rsvp,
    )


def _with_answer_of(meetings: QuerySet[Meeting], member: User) -> QuerySet[Meeting]:
    """Adds ``my_response`` (the member's answer, or None) in the same query."""
    answer = Rsvp.objects.filter(meeting=OuterRef("pk"), member=member).values("response")[:1]
    return meetings.annotate(my_response=Subquery(answer))


def my_next_meetings(*, member: User) -> QuerySet[Meeting]:
    """The member's communities' meetings not yet over, soonest first, with their answer."""
    return _with_answer_of(
        Meeting.objects.filter(
            community__memberships__member=member, ends_at__gte=timezone.now()
        ).select_related("community"),
        member,
    ).order_by("starts_at", "pk")


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated COUNT(*) usable as an annotation (0 rather than NULL)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(total=Count("pk")).values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _answers(response: str | None = None) -> Coalesce:
    answers = Rsvp.objects.filter(meeting=OuterRef("pk"))
    if response is not None:
        answers = answers.filter(response=response)
    return _count(answers, "meeting")


def home_next_meetings(*, member: User, limit: int) -> list[Meeting]:
    """The home page's next meetings of the member's communities, with their own answer
    (``my_response``) and, for each meeting of a community they lead, ``is_led`` and how the
    community answered (``answered``, ``in_person_count``, ``online_count``, ``declined_count``,
    ``members_count``): one query, whatever the number of meetings and answers."""
    leads = Membership.objects.filter(
        community=OuterRef("community"), member=member, role=Role.LEAD
    )
    meetings = my_next_meetings(member=member).annotate(
        is_led=Exists(leads),
        answered=_answers(),
        in_person_count=_answers(RsvpResponse.IN_PERSON),
        online_count=_answers(RsvpResponse.ONLINE),
        declined_count=_answers(RsvpResponse.DECLINED),
        members_count=_count(
            Membership.objects.filter(community=OuterRef("community")), "community"
        ),
    )
    return list(meetings[:limit])


AFTER_MEETING_WINDOW = timedelta(days=60)


def meetings_to_follow_up(*, lead: User, limit: int) -> list[Meeting]:
    """The past meetings of the communities ``lead`` leads (last 60 days, not cancelled) with
    something left to do: attendance not recorded (``attendance_count`` 0) or no follow-up
    written (``has_followup`` False). Most recent first; one query."""
    now = timezone.now()
    led = Membership.objects.filter(member=lead, role=Role.LEAD).values("community_id")
    written = FollowUp.objects.filter(meeting=OuterRef("pk")).filter(
        ~Q(minutes="") | ~Q(recording_url="") | Q(documents__isnull=False)
    )
    meetings = (
        Meeting.objects.filter(
            community_id__in=led,
            cancelled_at__isnull=True,
            ends_at__lt=now,
            ends_at__gte=now - AFTER_MEETING_WINDOW,
        )
        .select_related("community")
        .annotate(
            attendance_count=_count(Attendance.objects.filter(meeting=OuterRef("pk")), "meeting"),
            has_followup=Exists(written),
        )
        .filter(Q(attendance_count=0) | Q(has_followup=False))
        .order_by("-starts_at", "-pk")
    )
    return list(meetings[:limit])


@dataclass
class RosterLine:
    membership: Membership
    rsvp: Rsvp | None
    attendance: Attendance | None

    @property
    def member(self) -> User:
        return self.membership.member


@dataclass
class Roster:
    in_person: list[RosterLine] = field(default_factory=list)
    online: list[RosterLine] = field(default_factory=list)
    declined: list[RosterLine] = field(default_factory=list)
    no_answer: list[RosterLine] = field(default_factory=list)
    by_name: list[RosterLine] = field(default_factory=list)  # everyone, sorted by name

    @property
    def everyone(self) -> list[RosterLine]:
        return [*self.in_person, *self.online, *self.declined, *self.no_answer]

    @property
    def attendance_recorded(self) -> bool:
        return any(line.attendance for line in self.by_name)

    @property
    def attended_in_person(self) -> list[RosterLine]:
        return [
            line
            for line in self.by_name
            if line.attendance and line.attendance.mode == AttendanceMode.IN_PERSON
        ]

    @property
    def attended_online(self) -> list[RosterLine]:
        return [
            line
            for line in self.by_name
            if line.attendance and line.attendance.mode == AttendanceMode.ONLINE
        ]

    @property
    def not_attended(self) -> list[RosterLine]:
        """Not recorded as present: absent, or not recorded yet."""
        return [line for line in self.by_name if not line.attendance]

    @property
    def lunch(self) -> list[RosterLine]:
        return [line for line in self.in_person if line.rsvp.stays_for_lunch]

    @property
    def dietary_needs(self) -> list[RosterLine]:
        return [line for line in self.lunch if line.rsvp.dietary_needs]


def meeting_roster(*, meeting: Meeting) -> Roster:
    """The community's members grouped by their answer: three queries whatever the size."""
    memberships = (
        Membership.objects.filter(community_id=meeting.community_id)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "member__email")
    )
    answers = {rsvp.member_id: rsvp for rsvp in Rsvp.objects.filter(meeting=meeting)}
    attended = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    roster = Roster()
    groups = {
        RsvpResponse.IN_PERSON: roster.in_person,
        RsvpResponse.ONLINE: roster.online,
        RsvpResponse.DECLINED: roster.declined,
    }
    for membership in memberships:
        rsvp = answers.get(membership.member_id)
        line = RosterLine(membership, rsvp, attended.get(membership.member_id))
        (groups[rsvp.response] if rsvp else roster.no_answer).append(line)
        roster.by_name.append(line)
    return roster


PAST_ON_COMMUNITY_PAGE = timedelta(days=365)


def community_page_meetings(
    *, community: Community, past_limit: int = 10
) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming soonest first, past most recent first) for the community page, in one query:
    the page's budget has room for one more. The past is the last year's meetings, at most
    ``past_limit`` of them, so the rows read stay few."""
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(
            community=community, ends_at__gte=now - PAST_ON_COMMUNITY_PAGE
        ).order_by("starts_at", "pk")
    )
    upcoming = [m for m in meetings if m.ends_at >= now]
    past = [m for m in reversed(meetings) if m.ends_at < now][:past_limit]
    # An upcoming meeting moves to the past as it ends; a past one leaves the page a year on.
    for meeting in upcoming:
        page_cache.expires_at(meeting.ends_at)
    for meeting in past:
        page_cache.expires_at(meeting.ends_at + PAST_ON_COMMUNITY_PAGE)
    return upcoming, past
