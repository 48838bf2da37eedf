"""Querysets the meeting pages and feeds read, with what they need in a fixed number of
queries."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from communities.models import Community, Membership
from meetings.models import Attendance, CalendarFeedToken, Meeting, Rsvp, RsvpResponse
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
            in_person_count=Count("rsvps", filter=Q(rsvps__response=RsvpResponse.IN_PERSON)),
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

    @property
    def everyone(self) -> list[RosterLine]:
        return [*self.in_person, *self.online, *self.declined, *self.no_answer]

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
    return upcoming, past
