"""What a member's continuing education amounts to: the meetings they attended (meetings'
attendance records), each with its hours, and the totals per calendar year and per reference
period. Read in one query whatever the member's history; dates in Montréal time."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from attestations.models import Attestation
from meetings.models import Attendance, Meeting
from meetings.services import LOCAL_ZONE
from members.models import User


def meeting_hours(meeting: Meeting) -> Decimal:
    """The hours the lead set for the meeting, else its actual duration (to the hundredth)."""
    return meeting.counted_education_hours


@dataclass(frozen=True)
class Activity:
    meeting_id: int
    day: date  # in Montréal
    community: str
    subject: str
    hours: Decimal
    hours_set_by_lead: bool


@dataclass(frozen=True)
class Period:
    """A reference period, both ends included (1 April 2025 to 31 March 2027)."""

    first_day: date
    last_day: date

    def __contains__(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Total:
    hours: Decimal
    count: int


@dataclass(frozen=True)
class YearTotal(Total):
    year: int


@dataclass(frozen=True)
class PeriodTotal(Total):
    period: Period


def reference_period(day: date) -> Period:
    """The reference period ``day`` falls in: periods of ATTESTATIONS_PERIOD_YEARS years, each
    starting on ATTESTATIONS_PERIOD_START (month, day), one of them in
    ATTESTATIONS_PERIOD_FIRST_YEAR."""
    month, first = settings.ATTESTATIONS_PERIOD_START
    length = settings.ATTESTATIONS_PERIOD_YEARS
    start_year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    start_year -= (start_year - settings.ATTESTATIONS_PERIOD_FIRST_YEAR) % length
    first_day = date(start_year, month, first)
    return Period(first_day, date(start_year + length, month, first) - timedelta(days=1))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE)


def attended_activities(*, member: User, year: int | None = None) -> list[Activity]:
    """The meetings ``member`` attended (cancelled ones aside), oldest first; of ``year`` only
    when given (its days in Montréal). One query."""
    attendances = Attendance.objects.filter(
        member=member, meeting__cancelled_at__isnull=True
    ).select_related("meeting__community")
    if year is not None:
        attendances = attendances.filter(
            meeting__starts_at__gte=_local_midnight(date(year, 1, 1)),
            meeting__starts_at__lt=_local_midnight(date(year + 1, 1, 1)),
        )
    return [
        Activity(
            meeting_id=attendance.meeting_id,
            day=timezone.localdate(attendance.meeting.starts_at, LOCAL_ZONE),
            community=attendance.meeting.community.name,
            subject=attendance.meeting.title,
            hours=meeting_hours(attendance.meeting),
            hours_set_by_lead=attendance.meeting.education_hours is not None,
        )
        for attendance in attendances.order_by("meeting__starts_at", "meeting_id")
    ]


def total_of(activities: list[Activity]) -> Total:
    return Total(hours=sum((a.hours for a in activities), Decimal("0.00")), count=len(activities))


@dataclass(frozen=True)
class EducationRecord:
    """A member's page: every activity, the totals per year and per period (newest first)."""

    activities: list[Activity]
    years: list[YearTotal]
    periods: list[PeriodTotal]

    def of_year(self, year: int) -> list[Activity]:
        return [activity for activity in self.activities if activity.day.year == year]

    @property
    def current_period(self) -> Period:
        return reference_period(timezone.localdate(timezone.now(), LOCAL_ZONE))


def education_record(*, member: User) -> EducationRecord:
    activities = attended_activities(member=member)
    by_year: dict[int, list[Activity]] = defaultdict(list)
    by_period: dict[Period, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_year[activity.day.year].append(activity)
        by_period[reference_period(activity.day)].append(activity)
    years = [
        YearTotal(year=year, **vars(total_of(of_year)))
        for year, of_year in sorted(by_year.items(), reverse=True)
    ]
    periods = [
        PeriodTotal(period=period, **vars(total_of(of_period)))
        for period, of_period in sorted(
            by_period.items(), key=lambda item: item[0].first_day, reverse=True
        )
    ]
    return EducationRecord(activities=activities, years=years, periods=periods)


def attestations_of(*, member: User) -> dict[int, Attestation]:
    """The member's latest attestation of each year (one query)."""
    latest: dict[int, Attestation] = {}
    for attestation in Attestation.objects.filter(member=member).order_by("issued_at", "pk"):
        latest[attestation.year] = attestation
    return latest


def attestation_by_code(code: str) -> Attestation | None:
    """One query by the normalised code, whatever was typed: every code, known or not, takes
    the same path (no early answer for a malformed one)."""
    return Attestation.objects.filter(code=normalise_code(code)).first()


def normalise_code(code: str) -> str:
    """As typed or copied: lower case, dashes and spaces allowed; O and I read as 0 and 1 are
    not in the alphabet, so they stay wrong rather than being guessed."""
    return "".join(character for character in (code or "").upper() if character.isalnum())[:40]
