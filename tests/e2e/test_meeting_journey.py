"""Meetings, in the browser: a member finds the community and its members, answers a hybrid
meeting (online) and downloads its calendar file; a lead schedules a meeting, then moves it.

The expected dates are written out here with their French names, not with Django's filters,
so a wrong format on the page cannot agree with itself."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting, Rsvp
from tests.e2e.conftest import field, log_in, mails_to, navigation, status_message
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
)

MONTREAL = ZoneInfo("America/Montreal")
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def in_days(days: int) -> date:
    return datetime.now(MONTREAL).date() + timedelta(days=days)


def montreal(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MONTREAL)


def shown_date(day: date) -> str:
    """How a meeting page writes the day: "jeudi 12 mars 2026"."""
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def community(db):
    return CommunityFactory(
        slug="voirie-municipale",
        name_fr="Voirie municipale",
        name_en="Municipal roads",
        capacity=10,
    )


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(
        community=community,
        member__email="louise.lavoie@example.org",
        member__first_name="Louise",
        member__last_name="Lavoie",
    ).member


@pytest.fixture
def member(community):
    return MembershipFactory(
        community=community,
        member__email="marc.mercier@example.org",
        member__first_name="Marc",
        member__last_name="Mercier",
        member__organisation="Ville de Rimouski",
    ).member


def test_member_answers_a_hybrid_meeting_online_and_downloads_its_calendar_file(
    page, screenshot, csp_violations, community, lead, member
):
    day = in_days(15)
    meeting = MeetingFactory(
        community=community,
        title="Plan d'intervention des conduites",
        starts_at=montreal(day, 9, 30),
        ends_at=montreal(day, 11, 30),
        format="hybrid",
        venue_name="Hôtel de ville de Rimouski",
        address="205, avenue de la Cathédrale, Rimouski",
        meeting_url="https://meet.example.org/plan-conduites",
    )

    log_in(page, member.email, PASSWORD)
    next_meetings = page.get_by_role("region", name="Mes prochaines rencontres")
    expect(next_meetings).to_contain_text("Plan d'intervention des conduites")
    expect(next_meetings).to_contain_text("Vous n'avez pas répondu")

    # The community and its members.
    page.get_by_role("region", name="Mes communautés").get_by_role(
        "link", name="Voirie municipale"
    ).click()
    expect(page.get_by_role("heading", name="Voirie municipale", level=1)).to_be_visible()
    expect(page.get_by_text("Vous êtes membre", exact=True)).to_be_visible()
    rows = page.get_by_role("region", name="Membres").get_by_role("row")
    expect(rows.filter(has_text="Louise Lavoie")).to_contain_text("Responsable")
    expect(rows.filter(has_text="Marc Mercier")).to_contain_text("Ville de Rimouski")
    screenshot("journey-meeting-community")

    # The meeting, its place and its online link.
    page.get_by_role("region", name="Rencontres").get_by_role(
        "link", name="Plan d'intervention des conduites"
    ).click()
    expect(page.get_by_role("heading", name="Plan d'intervention des conduites")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{shown_date(day)}, 9 h 30 – 11 h 30")
    expect(main).to_contain_text("Hybride (en personne et en ligne)")
    expect(main).to_contain_text("Hôtel de ville de Rimouski")
    expect(main.get_by_role("link", name="https://meet.example.org/plan-conduites")).to_be_visible()

    # The answer: online.
    answer = page.get_by_role("region", name="Votre réponse")
    answer.get_by_label("J'y assisterai en ligne").check()
    answer.get_by_role("button", name="Répondre").click()

    expect(
        status_message(page, "Votre réponse est enregistrée : J'y assisterai en ligne.")
    ).to_be_visible()
    expect(answer.get_by_text("Votre réponse : en ligne", exact=True)).to_be_visible()
    expect(answer.get_by_label("J'y assisterai en ligne")).to_be_checked()
    expect(answer.get_by_role("button", name="Modifier ma réponse")).to_be_visible()
    assert Rsvp.objects.get(meeting=meeting, member=member).response == "online"
    screenshot("journey-meeting-answered")

    # The calendar file: the meeting at its Montreal time, with the link for a member.
    with page.expect_download() as download_info:
        answer.get_by_role(
            "link", name="Fichier de calendrier .ics : Outlook, Apple et autres"
        ).click()
    download = download_info.value
    assert download.suggested_filename == f"rencontre-{meeting.pk}.ics"
    # Long lines are folded (RFC 5545): a line break followed by a space continues the line.
    ics = download.path().read_text(encoding="utf-8").replace("\r\n ", "")
    lines = ics.splitlines()
    assert "SUMMARY:Plan d'intervention des conduites" in lines
    assert f"DTSTART;TZID=America/Montreal:{day:%Y%m%d}T093000" in lines
    assert f"DTEND;TZID=America/Montreal:{day:%Y%m%d}T113000" in lines
    assert "URL:https://meet.example.org/plan-conduites" in lines
    assert "BEGIN:VTIMEZONE" in lines

    # Back home, the answer shows beside the meeting.
    navigation(page).get_by_role("link", name="Accueil").click()
    next_meetings = page.get_by_role("region", name="Mes prochaines rencontres")
    expect(next_meetings).to_contain_text("Plan d'intervention des conduites")
    expect(next_meetings.get_by_text("Votre réponse : en ligne", exact=True)).to_be_visible()
    assert csp_violations == []


def test_lead_schedules_a_meeting_then_moves_it(
    page, screenshot, csp_violations, community, lead, member
):
    first_day, new_day = in_days(20), in_days(27)

    log_in(page, lead.email, PASSWORD)
    page.get_by_role("region", name="Mes communautés").get_by_role(
        "link", name="Voirie municipale"
    ).click()
    expect(page.get_by_text("Vous êtes responsable de cette communauté")).to_be_visible()
    page.get_by_role("link", name="Planifier une rencontre").click()

    expect(
        page.get_by_role("heading", name="Planifier une rencontre de Voirie municipale")
    ).to_be_visible()
    field(page, "Titre").fill("Inventaire des ponceaux")
    field(page, "Formule").select_option(label="Hybride (en personne et en ligne)")
    field(page, "Début").fill(f"{first_day:%Y-%m-%d}T09:30")
    field(page, "Fin").fill(f"{first_day:%Y-%m-%d}T11:30")
    field(page, "Lieu").fill("Salle du conseil")
    field(page, "Adresse").fill("1, rue Principale, Trois-Rivières")
    field(page, "Lien de la rencontre en ligne").fill("https://meet.example.org/ponceaux")
    field(page, "Ordre du jour").fill("Tour de table; méthode d'inspection des ponceaux.")
    screenshot("journey-meeting-schedule-form")
    page.get_by_role("button", name="Planifier la rencontre").click()

    expect(
        status_message(page, "La rencontre est planifiée; les membres sont invités par courriel.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Inventaire des ponceaux")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{shown_date(first_day)}, 9 h 30 – 11 h 30")
    expect(main).to_contain_text("Salle du conseil")
    meeting = Meeting.objects.get(community=community, title="Inventaire des ponceaux")
    assert (meeting.starts_at, meeting.ends_at) == (
        montreal(first_day, 9, 30),
        montreal(first_day, 11, 30),
    )
    assert meeting.format == "hybrid"
    assert meeting.created_by == lead
    invitations = mails_to(member.email)
    assert [m.subject for m in invitations] == [
        "[AIMQ] Nouvelle rencontre de Voirie municipale : Inventaire des ponceaux"
    ]
    screenshot("journey-meeting-scheduled")

    # A week later, in the afternoon.
    page.get_by_role("region", name="Pour les responsables").get_by_role(
        "link", name="Modifier la rencontre"
    ).click()
    expect(page.get_by_role("heading", name="Modifier la rencontre")).to_be_visible()
    expect(field(page, "Début")).to_have_value(f"{first_day:%Y-%m-%d}T09:30")
    field(page, "Début").fill(f"{new_day:%Y-%m-%d}T13:30")
    field(page, "Fin").fill(f"{new_day:%Y-%m-%d}T15:30")
    page.get_by_role("button", name="Enregistrer les modifications").click()

    expect(status_message(page, "La rencontre est mise à jour.")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{shown_date(new_day)}, 13 h 30 – 15 h 30")
    expect(main).not_to_contain_text(shown_date(first_day))
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == (
        montreal(new_day, 13, 30),
        montreal(new_day, 15, 30),
    )
    assert meeting.sequence == 1
    update = mails_to(member.email)[-1]
    assert update.subject == "[AIMQ] Rencontre modifiée : Inventaire des ponceaux"
    screenshot("journey-meeting-moved")

    # The community page lists it at its new date.
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name="Voirie municipale"
    ).click()
    expect(page.get_by_role("region", name="Rencontres")).to_contain_text(
        f"{shown_date(new_day)}, 13 h 30 – 15 h 30"
    )
    assert csp_violations == []
