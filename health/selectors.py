"""The health figures of the communities: what staff and each community's leads read.

Every figure is computed for all the communities asked about in a fixed number of aggregate
queries (one per kind of thing: communities with their counts, decided requests, meetings,
resources, questions), never one query per community or per meeting, so that the overview costs
the same with 3 communities or 30. Medians are taken in Python from the few rows of the period
(the same on SQLite and PostgreSQL).

The period of the key figures is the calendar year so far (Montréal dates): the target of 5 to
10 meetings a year is counted on it. The charts cover the last 12 months."""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, JoinRequest, JoinRequestStatus, Membership
from library.models import Resource
from meetings.models import AttendanceMode, Meeting, MeetingFormat
from questions.models import Answer, Question

LOCAL_ZONE = ZoneInfo("America/Montreal")
# A community meets 5 to 10 times a year, in person at least once.
MEETINGS_TARGET_MIN = 5
MEETINGS_TARGET_MAX = 10
# A join request undecided for longer than this is flagged.
REQUEST_WAIT_LIMIT_DAYS = 14
CHART_MONTHS = 12


class Flag:
    """Why a community is behind the target for the date (codes, with their labels)."""

    NO_IN_PERSON = "no_in_person"
    BEHIND_PACE = "behind_pace"
    REQUESTS_WAITING = "requests_waiting"

    LABELS = {
        NO_IN_PERSON: _("No in-person meeting yet this year"),
        BEHIND_PACE: _("Fewer meetings held than the pace needs"),
        REQUESTS_WAITING: _("Join requests waiting more than 14 days"),
    }


@dataclass(frozen=True)
class Period:
    """The calendar year so far, seen at ``now``."""

    now: datetime
    today: date
    year_start: datetime
    days_elapsed: int  # whole days since January 1
    days_in_year: int
    meetings_needed: int  # ceil(5 × days elapsed / days in the year)
    request_cutoff: datetime  # requests sent before this wait too long

    @property
    def year(self) -> int:
        return self.today.year


def period_at(now: datetime | None = None) -> Period:
    now = now or timezone.now()
    today = timezone.localdate(now, LOCAL_ZONE)
    first = date(today.year, 1, 1)
    days_in_year = (date(today.year + 1, 1, 1) - first).days
    days_elapsed = (today - first).days
    return Period(
        now=now,
        today=today,
        year_start=datetime.combine(first, time(0), tzinfo=LOCAL_ZONE),
        days_elapsed=days_elapsed,
        days_in_year=days_in_year,
        meetings_needed=math.ceil(MEETINGS_TARGET_MIN * days_elapsed / days_in_year),
        request_cutoff=now - timedelta(days=REQUEST_WAIT_LIMIT_DAYS),
    )


@dataclass(frozen=True)
class CommunityHealth:
    community: Community
    members: int
    seats: int
    waiting: int  # pending join requests (the waiting list while the community is full)
    waiting_too_long: int  # of which sent more than 14 days ago
    requests_received: int  # this year
    requests_decided: int  # this year (approved or declined)
    median_decision_days: float | None
    meetings_held: int  # this year, not cancelled, started before now
    in_person_held: bool  # one of them was in person (or hybrid)
    resources_posted: int
    questions_posted: int
    questions_answered: int  # of the questions posted, those with an answer (not removed)
    median_first_answer_hours: float | None
    flags: tuple[str, ...] = ()

    @property
    def seats_left(self) -> int:
        return max(self.seats - self.members, 0)

    @property
    def flag_labels(self) -> list[str]:
        """In the active language (``join`` in a template needs strings, not lazy ones)."""
        return [str(Flag.LABELS[flag]) for flag in self.flags]


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) per community (0 rather than NULL when nothing matches)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("community").annotate(total=Count("pk")).values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _flags(*, period: Period, meetings_held: int, in_person_held: bool, waiting_too_long: int):
    flags = []
    if not in_person_held:
        flags.append(Flag.NO_IN_PERSON)
    if meetings_held < period.meetings_needed:
        flags.append(Flag.BEHIND_PACE)
    if waiting_too_long:
        flags.append(Flag.REQUESTS_WAITING)
    return tuple(flags)


def communities_health(
    *, period: Period, communities: QuerySet[Community] | None = None
) -> list[CommunityHealth]:
    """The health of ``communities`` (all of them by default), in five queries whatever their
    number."""
    communities = Community.objects.all() if communities is None else communities
    pending = JoinRequest.objects.filter(community=OuterRef("pk"), status=JoinRequestStatus.PENDING)
    rows = list(
        communities.annotate(
            member_count=_count(Membership.objects.filter(community=OuterRef("pk"))),
            waiting_count=_count(pending),
            waiting_too_long_count=_count(pending.filter(created_at__lt=period.request_cutoff)),
            received_count=_count(
                JoinRequest.objects.filter(
                    community=OuterRef("pk"), created_at__gte=period.year_start
                )
            ),
        ).order_by("name_fr", "pk")
    )
    ids = [community.pk for community in rows]

    decision_days: dict[int, list[float]] = defaultdict(list)
    for community_id, created_at, decided_at in JoinRequest.objects.filter(
        community_id__in=ids,
        status__in=[JoinRequestStatus.APPROVED, JoinRequestStatus.DECLINED],
        decided_at__gte=period.year_start,
        decided_at__lte=period.now,
    ).values_list("community_id", "created_at", "decided_at"):
        decision_days[community_id].append((decided_at - created_at).total_seconds() / 86400)

    meetings = {
        row["community_id"]: row
        for row in Meeting.objects.filter(
            community_id__in=ids,
            cancelled_at__isnull=True,
            starts_at__gte=period.year_start,
            starts_at__lte=period.now,
        )
        .order_by()
        .values("community_id")
        .annotate(held=Count("pk"), in_person=Count("pk", filter=~Q(format=MeetingFormat.ONLINE)))
    }

    resources = dict(
        Resource.objects.filter(
            community_id__in=ids, created_at__gte=period.year_start, created_at__lte=period.now
        )
        .order_by()
        .values("community_id")
        .annotate(total=Count("pk"))
        .values_list("community_id", "total")
    )

    questions: dict[int, int] = defaultdict(int)
    first_answer_hours: dict[int, list[float]] = defaultdict(list)
    for community_id, asked_at, first_answer_at in (
        Question.objects.filter(
            community_id__in=ids, created_at__gte=period.year_start, created_at__lte=period.now
        )
        .order_by()
        .annotate(
            first_answer_at=Min(
                "answers__created_at",
                filter=Q(answers__removed_at__isnull=True, answers__created_at__lte=period.now),
            )
        )
        .values_list("community_id", "created_at", "first_answer_at")
    ):
        questions[community_id] += 1
        if first_answer_at is not None:
            first_answer_hours[community_id].append(
                (first_answer_at - asked_at).total_seconds() / 3600
            )

    healths = []
    for community in rows:
        held = meetings.get(community.pk, {}).get("held", 0)
        in_person_held = bool(meetings.get(community.pk, {}).get("in_person", 0))
        healths.append(
            CommunityHealth(
                community=community,
                members=community.member_count,
                seats=community.capacity,
                waiting=community.waiting_count,
                waiting_too_long=community.waiting_too_long_count,
                requests_received=community.received_count,
                requests_decided=len(decision_days[community.pk]),
                median_decision_days=_median(decision_days[community.pk]),
                meetings_held=held,
                in_person_held=in_person_held,
                resources_posted=resources.get(community.pk, 0),
                questions_posted=questions[community.pk],
                questions_answered=len(first_answer_hours[community.pk]),
                median_first_answer_hours=_median(first_answer_hours[community.pk]),
                flags=_flags(
                    period=period,
                    meetings_held=held,
                    in_person_held=in_person_held,
                    waiting_too_long=community.waiting_too_long_count,
                ),
            )
        )
    return healths


def community_health(*, community: Community, period: Period) -> CommunityHealth:
    return communities_health(period=period, communities=Community.objects.filter(pk=community.pk))[
        0
    ]


@dataclass(frozen=True)
class Overview:
    period: Period
    communities: list[CommunityHealth]

    @property
    def flagged(self) -> list[CommunityHealth]:
        return [health for health in self.communities if health.flags]


def overview(*, period: Period) -> Overview:
    return Overview(period=period, communities=communities_health(period=period))


# The charts' figures (a community's page)


@dataclass(frozen=True)
class MeetingAttendance:
    starts_at: datetime
    title: str
    format: str
    in_person: int
    online: int

    @property
    def total(self) -> int:
        return self.in_person + self.online


@dataclass(frozen=True)
class MonthActivity:
    month: date  # the first day of the month
    resources: int = 0
    questions: int = 0
    answers: int = 0


@dataclass(frozen=True)
class CommunityCharts:
    since: datetime
    meetings: list[MeetingAttendance] = field(default_factory=list)
    months: list[MonthActivity] = field(default_factory=list)


def _months_back(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months ending with this one, oldest first."""
    months = []
    year, month = today.year, today.month
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def community_charts(*, community: Community, period: Period) -> CommunityCharts:
    """Attendance per meeting held and activity per month over the last 12 months (this
    month included): four queries."""
    months = _months_back(period.today, CHART_MONTHS)
    since = datetime.combine(months[0], time(0), tzinfo=LOCAL_ZONE)
    meetings = [
        MeetingAttendance(
            starts_at=meeting.starts_at,
            title=meeting.title,
            format=meeting.format,
            in_person=meeting.in_person_count,
            online=meeting.online_count,
        )
        for meeting in Meeting.objects.filter(
            community=community,
            cancelled_at__isnull=True,
            starts_at__gte=since,
            starts_at__lte=period.now,
        )
        .annotate(
            in_person_count=Count(
                "attendances", filter=Q(attendances__mode=AttendanceMode.IN_PERSON)
            ),
            online_count=Count("attendances", filter=Q(attendances__mode=AttendanceMode.ONLINE)),
        )
        .order_by("starts_at", "pk")
        .only("starts_at", "title", "format")
    ]

    counts: dict[str, dict[date, int]] = {}
    window = {"created_at__gte": since, "created_at__lte": period.now}
    for name, queryset in (
        ("resources", Resource.objects.filter(community=community, **window)),
        ("questions", Question.objects.filter(community=community, **window)),
        (
            "answers",
            Answer.objects.filter(question__community=community, removed_at__isnull=True, **window),
        ),
    ):
        per_month: dict[date, int] = defaultdict(int)
        for created_at in queryset.order_by().values_list("created_at", flat=True):
            per_month[timezone.localtime(created_at, LOCAL_ZONE).date().replace(day=1)] += 1
        counts[name] = per_month
    return CommunityCharts(
        since=since,
        meetings=meetings,
        months=[
            MonthActivity(
                month=month,
                resources=counts["resources"][month],
                questions=counts["questions"][month],
                answers=counts["answers"][month],
            )
            for month in months
        ],
    )
