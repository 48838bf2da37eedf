"""A year of past meetings with their attendance, and library resources spread over the past
months, for the demo communities: the health pages' charts show a year of life. Loading again
changes nothing (a meeting is found again by its calendar identifier, a resource by its
community and title)."""

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from communities.models import Community, Membership, Role
from library.models import Kind, Resource
from meetings.demo import DEMO_SLUGS
from meetings.models import Attendance, AttendanceMode, Meeting, MeetingFormat
from meetings.services import LOCAL_ZONE, typed_text

HEALTH_NAMESPACE = uuid.UUID("0d7f5a52-8e0b-4a53-9a3c-5c0e2f1b7d44")

# Days ago, format: every other month or so, the in-person day in the autumn.
PAST_MEETINGS = [
    (335, MeetingFormat.ONLINE, "Tour de table des projets"),
    (280, MeetingFormat.HYBRID, "Partage des devis et gabarits"),
    (220, MeetingFormat.ONLINE, "Retour sur les appels d'offres"),
    (160, MeetingFormat.IN_PERSON, "Visite de chantier et échanges"),
    (100, MeetingFormat.HYBRID, "Bilan des travaux et priorités"),
]
# Days ago: older resources, so that the activity chart covers more than the past week.
PAST_RESOURCES = [
    (300, "Bilan annuel des travaux", Kind.LESSON),
    (190, "Présentation de la rencontre de printemps", Kind.PRESENTATION),
    (75, "Devis type de marquage de chaussée", Kind.SPECIFICATION),
]


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate(timezone.now(), LOCAL_ZONE) - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def _attendance(meeting: Meeting, members: list, lead) -> None:
    """Most members came (a few had a conflict); at a hybrid meeting one in three online."""
    for index, member in enumerate(members):
        if (index + meeting.starts_at.month) % 4 == 0:
            continue
        if meeting.format == MeetingFormat.ONLINE:
            mode = AttendanceMode.ONLINE
        elif meeting.format == MeetingFormat.IN_PERSON or index % 3:
            mode = AttendanceMode.IN_PERSON
        else:
            mode = AttendanceMode.ONLINE
        Attendance.objects.get_or_create(
            meeting=meeting, member=member, defaults={"mode": mode, "recorded_by": lead}
        )


def load_demo() -> dict:
    for community in Community.objects.filter(slug__in=DEMO_SLUGS).order_by("pk"):
        memberships = list(
            Membership.objects.filter(community=community).select_related("member").order_by("pk")
        )
        members = [m.member for m in memberships]
        lead = next((m.member for m in memberships if m.role == Role.LEAD), None)
        for number, (days_ago, format, subject) in enumerate(PAST_MEETINGS, start=1):
            uid = uuid.uuid5(HEALTH_NAMESPACE, f"{community.slug}:{number}")
            meeting = Meeting.objects.filter(uid=uid).first()
            if meeting is None:
                starts_at = _at(days_ago, 13)
                meeting = Meeting.objects.create(
                    uid=uid,
                    community=community,
                    created_by=lead,
                    # Distinct across communities, and no season in the title.
                    title=f"{subject} – {community.name_fr}",
                    agenda=typed_text("Tour de table et échanges entre municipalités."),
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=3),
                    format=format,
                    venue_name="" if format == MeetingFormat.ONLINE else "Hôtel de ville",
                    address="" if format == MeetingFormat.ONLINE else "1, rue Principale",
                    meeting_url=""
                    if format == MeetingFormat.IN_PERSON
                    else f"https://meet.example.org/aimq-{community.slug}-{number}",
                )
            _attendance(meeting, members, lead)
        for index, (days_ago, title, kind) in enumerate(PAST_RESOURCES):
            resource, created = Resource.objects.get_or_create(
                community=community,
                title=title,
                defaults={
                    "author": members[index % len(members)] if members else None,
                    "kind": kind,
                    "url": "https://www.aimq.qc.ca/",
                },
            )
            if created:
                Resource.objects.filter(pk=resource.pk).update(created_at=_at(days_ago, 10))
    return {"attendance": Attendance.objects.count()}
