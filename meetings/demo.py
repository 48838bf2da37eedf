"""Demo meetings for `make run`: in each demo community, its own past and upcoming meetings of
each format (one in person from 9 h to 13 h with lunch and an invited expert), answers from
members, and on the past ones a follow-up whose minutes tell the attendance recorded; most of
their recordings are shared as public talks. Safe to run again.

Titles that name a season name the season of the meeting's date (the demo's dates move with
today's). Rows are written directly rather than through ``meeting_schedule``: the demo would
otherwise e-mail an invitation per meeting to every demo member. The rows still pass the
model's validation (``full_clean``); the agenda is kept as typed, as the service does."""

import textwrap
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from communities.models import Community, Membership, Role
from meetings.models import (
    Attendance,
    AttendanceMode,
    FollowUp,
    FollowUpDocument,
    Meeting,
    MeetingFormat,
    Rsvp,
    RsvpResponse,
)
from meetings.services import LOCAL_ZONE, typed_text

DEMO_SLUGS = ["gestion-des-actifs-municipaux", "gestion-contractuelle", "ingenierie-municipale-mrc"]
# Each demo meeting keeps the same calendar identifier from one load to the next: loading again
# finds it whatever its title became (a title naming a season changes with the date).
DEMO_NAMESPACE = uuid.UUID("6f1c7d1e-5b1a-4f0e-9a55-3d0c2b8a9e21")

SEASONS = {
    # month: (the season after "Bilan", after "Rencontre")
    12: ("de l'hiver", "d'hiver"),
    1: ("de l'hiver", "d'hiver"),
    2: ("de l'hiver", "d'hiver"),
    3: ("du printemps", "de printemps"),
    4: ("du printemps", "de printemps"),
    5: ("du printemps", "de printemps"),
    6: ("de l'été", "d'été"),
    7: ("de l'été", "d'été"),
    8: ("de l'été", "d'été"),
    9: ("de l'automne", "d'automne"),
    10: ("de l'automne", "d'automne"),
    11: ("de l'automne", "d'automne"),
}

CERIU = "Julie Gagnon, ing., Centre d'expertise en infrastructures urbaines"
LAWYER = "Me Sophie Laroche, avocate en droit municipal"
BIOLOGIST = "Étienne Gosselin, biologiste, ministère de l'Environnement"


@dataclass(frozen=True)
class Talk:
    """What a past meeting's follow-up shares with everyone."""

    speakers: str
    summary: str
    minutes_public: bool = False
    document: str = ""  # the title of a public document (a small PDF), if any


@dataclass(frozen=True)
class Planned:
    key: str
    title: str  # {of_season} or {season}: the season of its date
    days: int  # from today
    start: int
    end: int
    format: str
    talk: Talk | None = None  # past meetings: a public talk; None keeps the recording private
    invited_experts: str = ""


PLANS = {
    "gestion-des-actifs-municipaux": {
        "venue": ("Hôtel de ville de Québec, salle du conseil", "2, rue des Jardins, Québec"),
        "meetings": [
            Planned(
                "inventaire",
                "Inventaire des conduites : retour d'expérience",
                -75,
                13,
                16,
                MeetingFormat.HYBRID,
                talk=Talk(
                    speakers=CERIU,
                    summary="Comment trois villes ont constitué l'inventaire de leurs conduites "
                    "d'eau potable et d'égout : sources de données, inspections télévisées, "
                    "erreurs à éviter.",
                    minutes_public=True,
                    document="Diapositives – inventaire des conduites",
                ),
            ),
            Planned(
                "bilan-chaussees",
                "Bilan {of_season} des chaussées",
                -20,
                10,
                12,
                MeetingFormat.ONLINE,
                talk=Talk(
                    speakers="Marc-André Dion, ing., Ville de Sherbrooke",
                    summary="L'indice d'état des chaussées mesuré cette saison et ce qu'il "
                    "change aux priorités du plan d'intervention.",
                ),
            ),
            Planned(
                "priorisation",
                "Plan d'intervention : priorisation",
                9,
                10,
                12,
                MeetingFormat.ONLINE,
            ),
            Planned(
                "journee-etude",
                "Journée d'étude sur la gestion des actifs",
                23,
                9,
                13,
                MeetingFormat.IN_PERSON,
                invited_experts=CERIU,
            ),
            Planned(
                "saison",
                "Rencontre {season} des gestionnaires d'actifs",
                51,
                13,
                16,
                MeetingFormat.HYBRID,
            ),
        ],
    },
    "gestion-contractuelle": {
        "venue": (
            "Hôtel de ville de Longueuil, salle Jacques-Cartier",
            "4250, chemin de la Savane, Longueuil",
        ),
        "meetings": [
            Planned(
                "penalites",
                "Clauses de pénalité et suivi des contrats",
                -60,
                13,
                15,
                MeetingFormat.HYBRID,
                talk=Talk(
                    speakers=LAWYER,
                    summary="Rédiger des clauses de pénalité qui tiennent, et documenter les "
                    "retards d'un entrepreneur pour pouvoir les appliquer.",
                ),
            ),
            Planned(
                "appels-offres",
                "Retour sur les appels d'offres {of_season}",
                -12,
                10,
                11,
                MeetingFormat.ONLINE,
            ),
            Planned(
                "entretien",
                "Échange sur les contrats d'entretien",
                12,
                10,
                12,
                MeetingFormat.ONLINE,
            ),
            Planned(
                "cadre-legal",
                "Journée d'étude : le cadre légal des contrats municipaux",
                30,
                9,
                13,
                MeetingFormat.IN_PERSON,
                invited_experts=LAWYER,
            ),
            Planned(
                "saison",
                "Rencontre {season} de la gestion contractuelle",
                58,
                13,
                16,
                MeetingFormat.HYBRID,
            ),
        ],
    },
    "ingenierie-municipale-mrc": {
        "venue": (
            "MRC de Rivière-du-Loup, salle du conseil",
            "310, rue Saint-Pierre, Rivière-du-Loup",
        ),
        "meetings": [
            Planned(
                "ingenierie-partagee",
                "Ingénierie partagée entre municipalités",
                -45,
                13,
                16,
                MeetingFormat.HYBRID,
                talk=Talk(
                    speakers="Annie Pelletier, ing., MRC de Rivière-du-Loup",
                    summary="Un service d'ingénierie régional au service de quinze "
                    "municipalités : ententes, tarification et partage des projets.",
                ),
            ),
            Planned(
                "ponceaux",
                "Ponceaux et cours d'eau : bilan {of_season}",
                -8,
                10,
                12,
                MeetingFormat.ONLINE,
                talk=Talk(
                    speakers=BIOLOGIST,
                    summary="Les autorisations requises pour remplacer un ponceau, et les "
                    "délais à prévoir.",
                ),
            ),
            Planned(
                "aide-financiere",
                "Programmes d'aide financière : mode d'emploi",
                16,
                10,
                12,
                MeetingFormat.ONLINE,
            ),
            Planned(
                "journee-regionale",
                "Journée régionale des ingénieurs de MRC",
                37,
                9,
                13,
                MeetingFormat.IN_PERSON,
                invited_experts=BIOLOGIST,
            ),
            Planned("saison", "Rencontre {season} des MRC", 65, 13, 16, MeetingFormat.HYBRID),
        ],
    },
}
AGENDA = """Tour de table des municipalités.

1. Présentation d'un cas concret
2. **Discussion** en petits groupes
3. Suites à donner
"""


def demo_pdf(title: str, *lines: str) -> bytes:
    """A one-page PDF with real text (a title, then lines), so that the demo's documents can be
    opened and found by the words they hold, as members' documents are."""
    from io import BytesIO

    # ReportLab is only needed when the demo data is loaded (and for attestations): never by a
    # web worker at start-up.
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=LETTER)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 720, title)
    page.setFont("Helvetica", 11)
    for number, line in enumerate(lines):
        page.drawString(72, 690 - 16 * number, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _day(day_offset: int) -> date:
    return timezone.localdate(timezone.now(), LOCAL_ZONE) + timedelta(days=day_offset)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def _title(plan: Planned, day: date) -> str:
    of_season, season = SEASONS[day.month]
    return plan.title.format(of_season=of_season, season=season)


def _meeting(community: Community, lead, venue: tuple[str, str], plan: Planned) -> Meeting:
    uid = uuid.uuid5(DEMO_NAMESPACE, f"{community.slug}:{plan.key}")
    existing = Meeting.objects.filter(uid=uid).first()
    if existing is not None:
        return existing
    day = _day(plan.days)
    online = plan.format == MeetingFormat.ONLINE
    meeting = Meeting(
        uid=uid,
        community=community,
        created_by=lead,
        title=_title(plan, day),
        agenda=typed_text(AGENDA),
        starts_at=_at(day, plan.start),
        ends_at=_at(day, plan.end),
        format=plan.format,
        venue_name="" if online else venue[0],
        address="" if online else venue[1],
        meeting_url=""
        if plan.format == MeetingFormat.IN_PERSON
        else f"https://meet.example.org/aimq-{community.slug}-{plan.key}",
        in_person_seats=None if online else 25,
        lunch_provided=plan.format == MeetingFormat.IN_PERSON,
        invited_experts=plan.invited_experts,
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


def _attendance(meeting: Meeting, lead) -> list[Attendance]:
    """Those who said they would come came, but one of them (someone always has a conflict)."""
    coming = list(
        Rsvp.objects.filter(meeting=meeting)
        .exclude(response=RsvpResponse.DECLINED)
        .order_by("member_id")
    )
    for rsvp in coming[1:]:
        Attendance.objects.get_or_create(
            meeting=meeting,
            member_id=rsvp.member_id,
            defaults={"mode": rsvp.response, "recorded_by": lead},
        )
    return list(Attendance.objects.filter(meeting=meeting).select_related("member"))


def _minutes(attended: list[Attendance]) -> str:
    """Minutes that tell the attendance as recorded."""
    in_person = sum(1 for a in attended if a.mode == AttendanceMode.IN_PERSON)
    online = len(attended) - in_person
    organisations = len({a.member.organisation for a in attended if a.member.organisation})
    parts = []
    if in_person:
        parts.append(f"{in_person} en personne")
    if online:
        parts.append(f"{online} en ligne")
    return typed_text(
        f"{len(attended)} membres présents, {' et '.join(parts)}, de {organisations} "
        "organisations.\n\n"
        "- Présentation suivie d'une période de questions\n"
        "- Partage des gabarits entre municipalités\n"
        "- Prochaine rencontre : journée d'étude\n"
    )


def _follow_up(meeting: Meeting, lead, plan: Planned) -> None:
    if FollowUp.objects.filter(meeting=meeting).exists():
        return
    attended = _attendance(meeting, lead)
    talk = plan.talk
    followup = FollowUp.objects.create(
        meeting=meeting,
        minutes=_minutes(attended),
        recording_url=f"https://video.example.org/aimq/{meeting.community.slug}/{plan.key}",
        recording_public=talk is not None,
        minutes_public=bool(talk and talk.minutes_public),
        documents_public=bool(talk and talk.document),
        speakers=talk.speakers if talk else "",
        public_summary=talk.summary if talk else "",
        published_at=meeting.ends_at + timedelta(days=2) if talk else None,
        posting_revision=1,
        updated_by=lead,
    )
    if talk and talk.document:
        FollowUpDocument.objects.create(
            followup=followup,
            title=talk.document,
            file=ContentFile(
                demo_pdf(talk.document, talk.speakers, *textwrap.wrap(talk.summary, 90)),
                name=f"{plan.key}.pdf",
            ),
            uploaded_by=lead,
        )


def load_demo() -> dict:
    for community in Community.objects.filter(slug__in=DEMO_SLUGS):
        plan = PLANS[community.slug]
        memberships = list(
            Membership.objects.filter(community=community).select_related("member").order_by("pk")
        )
        leads = [m.member for m in memberships if m.role == Role.LEAD]
        lead = leads[0] if leads else None
        members = [m.member for m in memberships]
        for planned in plan["meetings"]:
            meeting = _meeting(community, lead, plan["venue"], planned)
            _answers(meeting, members)
            if planned.days < 0:
                _follow_up(meeting, lead, planned)
    return {
        "meetings": Meeting.objects.count(),
        "meeting answers": Rsvp.objects.count(),
        "follow-ups": FollowUp.objects.count(),
        "public talks": FollowUp.objects.filter(recording_public=True).count(),
    }
