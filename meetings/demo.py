"""Demo meetings for `make run`: in each demo community, past and upcoming meetings of each
format (one in person from 9 h to 13 h with lunch and an invited expert), answers from members
and, on a past meeting, a follow-up with minutes and a recording. Safe to run again.

Rows are written directly rather than through ``meeting_schedule``: the demo would otherwise
e-mail an invitation per meeting to every demo member. The rows still pass the model's
validation (``full_clean``), and the agenda is sanitised as the service does."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from communities.models import Community, Membership, Role
from meetings.models import Attendance, FollowUp, Meeting, MeetingFormat, Rsvp, RsvpResponse
from meetings.services import LOCAL_ZONE, sanitise_agenda

DEMO_SLUGS = ["gestion-des-actifs-municipaux", "gestion-contractuelle", "ingenierie-municipale-mrc"]

# (title, days from today, start hour, end hour, format)
PLAN = [
    ("Bilan de l'hiver et priorités", -40, 13, 16, MeetingFormat.HYBRID),
    ("Retour sur les outils partagés", -12, 10, 11, MeetingFormat.ONLINE),
    ("Échange sur les appels d'offres", 9, 10, 12, MeetingFormat.ONLINE),
    ("Journée d'étude et dîner", 23, 9, 13, MeetingFormat.IN_PERSON),
    ("Rencontre d'automne", 51, 13, 16, MeetingFormat.HYBRID),
]
AGENDA = (
    "<p>Tour de table des municipalités.</p>"
    "<ul><li>Présentation d'un cas concret</li><li>Discussion</li><li>Suites à donner</li></ul>"
)


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate(timezone.now(), LOCAL_ZONE) + timedelta(days=day_offset)
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def _meeting(community: Community, lead, title, day_offset, start, end, fmt) -> Meeting:
    existing = Meeting.objects.filter(community=community, title=title).first()
    if existing is not None:
        return existing
    meeting = Meeting(
        community=community,
        created_by=lead,
        title=title,
        agenda=sanitise_agenda(AGENDA),
        starts_at=_at(day_offset, start),
        ends_at=_at(day_offset, end),
        format=fmt,
        venue_name="" if fmt == MeetingFormat.ONLINE else "Hôtel de ville, salle du conseil",
        address="" if fmt == MeetingFormat.ONLINE else "2, rue des Jardins, Québec (Québec)",
        meeting_url="" if fmt == MeetingFormat.IN_PERSON else "https://meet.example.org/aimq-demo",
        in_person_seats=None if fmt == MeetingFormat.ONLINE else 25,
        lunch_provided=fmt == MeetingFormat.IN_PERSON,
        invited_experts=(
            "Julie Gagnon, ing., Centre d'expertise en infrastructures urbaines"
            if fmt == MeetingFormat.IN_PERSON
            else ""
        ),
    )
    meeting.full_clean(exclude=["community", "created_by"])
    meeting.save()
    return meeting


def _answers(meeting: Meeting, members: list) -> None:
    """Most members answer, a few do not: the roster shows every group."""
    choices = meeting.allowed_responses
    for index, member in enumerate(members[:-2]):
        response = choices[index % len(choices)]
        eats = response == RsvpResponse.IN_PERSON and meeting.lunch_provided and index % 2 == 0
        Rsvp.objects.get_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "response": response,
                "stays_for_lunch": eats,
                "dietary_needs": "Végétarien" if eats and index % 4 == 0 else "",
            },
        )


def _follow_up(meeting: Meeting, lead, members: list) -> None:
    FollowUp.objects.get_or_create(
        meeting=meeting,
        defaults={
            "minutes": sanitise_agenda(
                "<p>Douze municipalités présentes.</p>"
                "<ul><li>Partage du gabarit d'inventaire</li>"
                "<li>Prochaine rencontre : journée d'étude</li></ul>"
            ),
            "recording_url": "https://video.example.org/aimq/bilan-hiver",
            "recording_public": False,
            "updated_by": lead,
        },
    )
    for rsvp in Rsvp.objects.filter(meeting=meeting).exclude(response=RsvpResponse.DECLINED):
        Attendance.objects.get_or_create(
            meeting=meeting,
            member_id=rsvp.member_id,
            defaults={"mode": rsvp.response, "recorded_by": lead},
        )


def load_demo() -> dict:
    for community in Community.objects.filter(slug__in=DEMO_SLUGS):
        memberships = list(
            Membership.objects.filter(community=community).select_related("member").order_by("pk")
        )
        leads = [m.member for m in memberships if m.role == Role.LEAD]
        lead = leads[0] if leads else None
        members = [m.member for m in memberships]
        for title, day_offset, start, end, fmt in PLAN:
            meeting = _meeting(community, lead, title, day_offset, start, end, fmt)
            _answers(meeting, members)
            if day_offset == PLAN[0][1]:
                _follow_up(meeting, lead, members)
    return {
        "meetings": Meeting.objects.count(),
        "meeting answers": Rsvp.objects.count(),
        "follow-ups": FollowUp.objects.count(),
    }
