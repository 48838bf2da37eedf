"""Meetings as members and leads expect them, in the browser: a multi-line agenda shown as
typed (with its preview), the waiting list for a seat (an offer taken, an offer that lapses),
the lead's home page, lunch for in-person answers only. Each changed page is measured by axe
at desktop and phone width and saved as screenshots."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance, Rsvp, SeatRequest
from tests.e2e.conftest import field, mails_to, navigation, status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
)

AGENDA = """Accueil et tour de table
1. Bilan de l'inventaire des ponceaux
2. **Méthode d'inspection**
   - grille d'évaluation
   - photos géoréférencées
3. Prochaines étapes

Apportez votre plan d'intervention."""


@pytest.fixture
def community(db):
    return CommunityFactory(
        slug="voirie-municipale",
        name_fr="Voirie municipale",
        name_en="Municipal roads",
        capacity=20,
    )


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(
        community=community,
        member__first_name="Louise",
        member__last_name="Lavoie",
        member__organisation="Ville de Trois-Rivières",
    ).member


def _member(community, first, last, town, **extra):
    return MembershipFactory(
        community=community,
        member__first_name=first,
        member__last_name=last,
        member__organisation=f"Ville de {town}",
        **extra,
    ).member


def _past(community, days, title):
    from django.utils import timezone

    starts_at = (timezone.now() - timedelta(days=days)).replace(microsecond=0)
    return MeetingFactory(
        community=community,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )


def test_a_multi_line_agenda_is_previewed_then_shown_as_typed(
    page, sign_in, screenshot, csp_violations, community, lead
):
    member = _member(community, "Marc", "Mercier", "Rimouski")
    sign_in(lead)
    page.goto(reverse("meetings:schedule", args=[community.slug]))
    start = (services.timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%d")
    field(page, "Titre").fill("Inventaire des ponceaux")
    field(page, "Formule").select_option(label="En ligne")
    field(page, "Début").fill(f"{start}T09:30")
    field(page, "Fin").fill(f"{start}T11:30")
    field(page, "Lien de la rencontre en ligne").fill("https://meet.example.org/ponceaux")
    field(page, "Ordre du jour").fill(AGENDA)

    page.get_by_role("button", name="Prévisualiser l'ordre du jour").click()

    preview = page.locator("#agenda-preview")
    expect(preview.locator("ol > li")).to_have_count(3)
    expect(preview.locator("ol li ul li")).to_have_text(
        ["grille d'évaluation", "photos géoréférencées"]
    )
    expect(preview.locator("strong")).to_have_text("Méthode d'inspection")
    expect(field(page, "Ordre du jour")).to_have_value(AGENDA)  # the typed text, kept
    assert_accessible_at_both_widths(page, "meeting form with the agenda's preview")
    screenshot("meetings-ux-agenda-preview")

    page.get_by_role("button", name="Planifier la rencontre").click()
    expect(status_message(page, "La rencontre est planifiée")).to_be_visible()

    sign_in(member)
    page.reload()
    agenda = page.get_by_role("region", name="Ordre du jour")
    expect(agenda.locator("p").first).to_have_text("Accueil et tour de table")
    expect(agenda.locator("ol > li")).to_have_count(3)
    expect(agenda.locator("ol li ul li")).to_have_count(2)
    expect(agenda).to_contain_text("Apportez votre plan d'intervention.")
    invitation = mails_to(member.email)[-1]
    assert AGENDA in invitation.body
    screenshot("meetings-ux-agenda-shown")
    assert csp_violations == []


def test_a_seat_offer_is_taken_and_another_lapses(
    page, sign_in, screenshot, csp_violations, community, lead
):
    meeting = MeetingFactory(
        community=community,
        title="Journée d'étude sur les chaussées",
        format="in_person",
        meeting_url="",
        in_person_seats=2,
        lunch_provided=True,
    )
    holders = [
        _member(community, "Hélène", "Hamel", "Lévis"),
        _member(community, "Henri", "Hébert", "Gaspé"),
    ]
    for holder in holders:
        services.rsvp_set(meeting=meeting, member=holder, response="in_person")
    first = _member(community, "Paule", "Premier", "Rimouski")
    second = _member(community, "Simon", "Second", "Sherbrooke")
    services.seat_request_create(meeting=meeting, member=second)  # second asks first

    # The room is full: Paule asks for a seat.
    sign_in(first)
    page.goto(reverse("meetings:detail", args=[meeting.pk]))
    page.get_by_role("button", name="Demander une place dans la salle").click()
    expect(status_message(page, "Vous êtes sur la liste d'attente.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Vous êtes au rang 2 sur la liste d'attente")
    assert_accessible_at_both_widths(page, "meeting page, on the waiting list")
    screenshot("meetings-ux-waiting")

    # Two seats free up: both in line are offered one, by e-mail.
    for holder in holders:
        services.rsvp_set(meeting=meeting, member=holder, response="declined")
    assert [m.subject for m in mails_to(first.email)][-1].startswith(
        "[AIMQ] Une place se libère pour vous"
    )
    page.reload()
    expect(page.get_by_text("Une place dans la salle vous est réservée.")).to_be_visible()
    answer = page.get_by_role("region", name="Votre réponse")
    expect(answer.get_by_label("J'y assisterai en personne")).to_be_checked()
    assert_accessible_at_both_widths(page, "meeting page, a seat offered")
    screenshot("meetings-ux-offer")
    answer.get_by_label("Je resterai pour le dîner").check()
    answer.get_by_role("button", name="Envoyer ma réponse").click()
    expect(status_message(page, "Votre réponse est enregistrée")).to_be_visible()
    expect(answer.get_by_text("Votre réponse : en personne", exact=True)).to_be_visible()
    assert SeatRequest.objects.get(member=first).status == "accepted"

    # Simon lets his offer lapse: the sweep passes it on and tells him.
    deadline = SeatRequest.objects.get(member=second).offer_expires_at
    assert services.seat_offers_expire_due(now=deadline) == 1
    assert SeatRequest.objects.get(member=second).status == "expired"
    sign_in(second)
    page.goto(reverse("meetings:detail", args=[meeting.pk]))
    expect(page.get_by_text("Une place dans la salle vous est réservée.")).to_have_count(0)
    expect(page.get_by_role("button", name="Demander une place dans la salle")).to_have_count(0)
    assert Rsvp.objects.filter(meeting=meeting, response="in_person").count() == 1
    assert csp_violations == []


def test_the_lunch_fields_show_for_an_in_person_answer_only(
    page, sign_in, csp_violations, community, lead
):
    meeting = MeetingFactory(community=community, lunch_provided=True)
    member = _member(community, "Marc", "Mercier", "Rimouski")
    sign_in(member)
    page.goto(reverse("meetings:detail", args=[meeting.pk]))
    answer = page.get_by_role("region", name="Votre réponse")
    lunch = answer.get_by_label("Je resterai pour le dîner")

    expect(lunch).to_be_hidden()  # nothing chosen yet
    answer.get_by_label("J'y assisterai en personne").check()
    expect(lunch).to_be_visible()
    lunch.check()
    answer.get_by_label("J'y assisterai en ligne").check()
    expect(lunch).to_be_hidden()
    answer.get_by_role("button", name="Répondre").click()

    expect(status_message(page, "Votre réponse est enregistrée")).to_be_visible()
    assert Rsvp.objects.get(member=member).stays_for_lunch is False
    assert csp_violations == []


def test_the_leads_home_says_what_waits_for_them(
    page, sign_in, screenshot, csp_violations, community, lead
):
    members = [
        _member(community, first, last, town)
        for first, last, town in [
            ("Anne", "Arsenault", "Gatineau"),
            ("Zoé", "Zénon", "Laval"),
            ("Marc", "Mercier", "Rimouski"),
        ]
    ]
    JoinRequestFactory.create_batch(3, community=community)
    upcoming = MeetingFactory(community=community, title="Plan d'intervention des conduites")
    services.rsvp_set(meeting=upcoming, member=members[0], response="in_person")
    services.rsvp_set(meeting=upcoming, member=members[1], response="online")
    past = _past(community, 3, "Bilan de l'hiver")
    for member, response in zip(members, ["in_person", "online", "declined"], strict=True):
        Rsvp.objects.create(meeting=past, member=member, response=response)

    sign_in(lead)
    page.goto(reverse("home"))

    decisions = page.get_by_role("region", name="Demandes à traiter")
    expect(decisions).to_contain_text("3 demandes d'adhésion attendent votre décision")
    expect(navigation(page).get_by_role("link", name="Demandes à traiter")).to_contain_text("3")
    expect(navigation(page).get_by_role("link", name="Mes demandes d'adhésion")).to_be_visible()
    expect(page.get_by_role("region", name="Mes prochaines rencontres")).to_contain_text(
        "2 membres sur 4 ont répondu : 1 en personne, 1 en ligne, 0 absents."
    )
    after = page.get_by_role("region", name="Après vos rencontres")
    expect(after).to_contain_text("Bilan de l'hiver")
    assert_accessible_at_both_widths(page, "the lead's home")
    screenshot("meetings-ux-lead-home")

    # Attendance, by name and pre-filled from the answers.
    after.get_by_role("link", name="Consigner les présences").click()
    labels = page.locator("form label.form-label").all_text_contents()
    assert [label.strip() for label in labels][:3] == [
        "Anne Arsenault",
        "Louise Lavoie",
        "Marc Mercier",
    ]
    expect(page.get_by_label("Anne Arsenault")).to_have_value("in_person")
    expect(page.get_by_label("Zoé Zénon")).to_have_value("online")
    assert_accessible_at_both_widths(page, "attendance form, pre-filled")
    screenshot("meetings-ux-attendance")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(
        status_message(page, "Présences enregistrées : 2 membres étaient présents.")
    ).to_be_visible()
    assert Attendance.objects.filter(meeting=past).count() == 2
    expect(page.get_by_role("region", name="Présents en personne")).to_contain_text(
        "Anne Arsenault"
    )
    assert_accessible_at_both_widths(page, "roster grouped by attendance")
    screenshot("meetings-ux-roster-attendance")

    # The meeting page: who is coming, and no "cancel" once it has taken place.
    page.goto(reverse("meetings:detail", args=[upcoming.pk]))
    coming = page.get_by_role("region", name="Qui sera présent")
    expect(coming).to_contain_text("Anne Arsenault")
    expect(coming).to_contain_text("Ville de Laval")
    assert_accessible_at_both_widths(page, "meeting page with who is coming")
    screenshot("meetings-ux-who-is-coming")
    page.goto(reverse("meetings:detail", args=[past.pk]))
    manage = page.get_by_role("region", name="Pour les responsables")
    expect(manage.get_by_role("link", name="Annuler la rencontre")).to_have_count(0)
    assert csp_violations == []
