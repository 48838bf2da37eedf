"""A year of attended meetings in « Gestion des actifs municipaux », so that the demo members'
continuing-education pages and attestations show real numbers: a meeting about every six weeks
over the past fourteen months (so two calendar years, and both sides of a 1 April), each
attended by most of the community's members; the study day counts the hours its lead set
(6 h for 9 h to 16 h with lunch). Safe to run again (each meeting keeps its calendar
identifier). ``membre02@example.org`` attended every one of them."""

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from communities.models import Community, Membership, Role
from meetings.demo import DEMO_NAMESPACE
from meetings.models import Attendance, AttendanceMode, Meeting, MeetingFormat
from meetings.services import LOCAL_ZONE, typed_text
from members.demo import demo_member_email

SLUG = "gestion-des-actifs-municipaux"
VENUE = ("Hôtel de ville de Québec, salle du conseil", "2, rue des Jardins, Québec")
# key, title, days ago, start and end hours, format, hours set by the lead
PAST = [
    ("ce-01", "Gestion des eaux pluviales : ouvrages de rétention", 420, 13, 16, "hybrid", None),
    ("ce-02", "Auscultation des chaussées : méthodes et coûts", 375, 10, 12, "online", None),
    ("ce-03", "Journée d'étude : plan d'intervention", 330, 9, 16, "in_person", Decimal("6")),
    ("ce-04", "Indicateurs de performance des réseaux", 285, 13, 15, "online", None),
    ("ce-05", "Entretien préventif des ponceaux", 240, 13, 16, "hybrid", None),
    ("ce-06", "Financement de la gestion des actifs", 195, 10, 12, "online", None),
    ("ce-07", "Visite : usine de traitement de l'eau", 150, 9, 12, "in_person", Decimal("2.5")),
    ("ce-08", "Registre des actifs : retour d'expérience", 105, 13, 15, "online", None),
]


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate(timezone.now(), LOCAL_ZONE) - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def load_demo() -> dict:
    community = Community.objects.filter(slug=SLUG).first()
    if community is None:
        return {}
    memberships = list(
        Membership.objects.filter(community=community).select_related("member").order_by("pk")
    )
    lead = next((m.member for m in memberships if m.role == Role.LEAD), None)
    attendees = [m.member for m in memberships]
    for index, (key, title, days_ago, start, end, format, hours) in enumerate(PAST):
        uid = uuid.uuid5(DEMO_NAMESPACE, f"{SLUG}:{key}")
        meeting = Meeting.objects.filter(uid=uid).first()
        if meeting is None:
            online = format == MeetingFormat.ONLINE
            meeting = Meeting(
                uid=uid,
                community=community,
                created_by=lead,
                title=title,
                agenda=typed_text("Présentation d'un cas, puis discussion."),
                starts_at=_at(days_ago, start),
                ends_at=_at(days_ago, end),
                format=format,
                venue_name="" if online else VENUE[0],
                address="" if online else VENUE[1],
                meeting_url=""
                if format == MeetingFormat.IN_PERSON
                else f"https://meet.example.org/aimq-{SLUG}-{key}",
                education_hours=hours,
            )
            meeting.full_clean(exclude=["community", "created_by"])
            meeting.save()
        mode = AttendanceMode.ONLINE if format == MeetingFormat.ONLINE else AttendanceMode.IN_PERSON
        for position, member in enumerate(attendees):
            # Everyone comes most of the time; each misses a different meeting now and then.
            missed = (position + index) % 4 == 3 and member.email != demo_member_email(2)
            if not missed:
                Attendance.objects.get_or_create(
                    meeting=meeting,
                    member=member,
                    defaults={"mode": mode, "recorded_by": lead},
                )
    return {"attendance records": Attendance.objects.count()}
