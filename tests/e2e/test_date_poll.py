"""Finding a date in the browser: a lead proposes three dates, two members answer, the lead
sees the answers best first and schedules the best option as a meeting (the members invited).
Measured by axe at desktop and phone width and saved as screenshots."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from notifications.models import OutboxMessage
from scheduling.models import DatePoll
from tests.e2e.conftest import field, status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory


@pytest.fixture
def community(db):
    return CommunityFactory(slug="voirie", name_fr="Voirie municipale", name_en="Municipal roads")


def _day(days: int) -> str:
    return timezone.localdate(timezone.now() + timedelta(days=days)).isoformat()


def test_a_lead_proposes_dates_members_answer_and_the_best_is_scheduled(
    page, sign_in, community, screenshot
):
    lead = LeadMembershipFactory(community=community, member__first_name="Léa").member
    annie = MembershipFactory(community=community, member__first_name="Annie").member
    luc = MembershipFactory(community=community, member__first_name="Luc").member

    sign_in(lead)
    page.goto(reverse("communities:detail", args=[community.slug]))
    expect(page.get_by_text("Aucun sondage de dates n'est ouvert.")).to_be_visible()
    page.get_by_role("link", name="Proposer des dates").click()
    field(page, "Titre").fill("Rencontre du printemps")
    field(page, "Fermeture des réponses").fill(f"{_day(10)}T17:00")
    rows = [(_day(30), "Hôtel de ville de Drummondville"), (_day(32), ""), (_day(35), "")]
    for index, (day, place) in enumerate(rows):
        option = page.get_by_role("group", name=f"Option {index + 1}")
        option.get_by_label("Date").fill(day)
        option.get_by_label("Début").fill("09:00")
        option.get_by_label("Fin").fill("11:30")
        if place:
            option.get_by_label("Formule").select_option(label="En personne")
            option.get_by_label("Lieu").fill(place)
    assert_accessible_at_both_widths(page, "the proposal form")
    screenshot("date-poll-form")
    page.get_by_role("button", name="Proposer ces dates").click()

    expect(
        status_message(page, "Les dates sont proposées; les membres sont sondés par courriel.")
    ).to_be_visible()
    poll = DatePoll.objects.get()
    assert poll.options.count() == 3

    # Annie: yes to the first, if needed to the second, no to the third; Luc: yes, yes, no.
    for member, choices in ((annie, ("Oui", "Si nécessaire", "Non")), (luc, ("Oui", "Oui", "Non"))):
        sign_in(member)
        page.goto(reverse("communities:detail", args=[community.slug]))
        if member == annie:
            assert_accessible_at_both_widths(page, "the community page with an open poll")
        page.get_by_role("link", name="Rencontre du printemps").click()
        groups = page.locator("form fieldset")
        for index, choice in enumerate(choices):
            groups.nth(index).get_by_label(choice, exact=True).check()
        if member == annie:
            assert_accessible_at_both_widths(page, "the answer form")
            screenshot("date-poll-answer")
        page.get_by_role("button", name="Enregistrer mes réponses").click()
        expect(status_message(page, "Vos réponses sont enregistrées.")).to_be_visible()

    sign_in(lead)
    page.goto(reverse("scheduling:detail", args=[community.slug, poll.pk]))
    table = page.get_by_role("table").first
    expect(table.get_by_role("columnheader", name="Oui")).to_be_visible()
    first_row = table.get_by_role("row").nth(1)
    expect(first_row).to_contain_text("Meilleure")
    expect(first_row).to_contain_text("Hôtel de ville de Drummondville")
    expect(page.get_by_role("table").nth(1)).to_contain_text("Annie")
    assert_accessible_at_both_widths(page, "the poll's answers")
    screenshot("date-poll-answers")

    first_row.get_by_role("link", name="Planifier cette option").click()
    expect(field(page, "Lieu")).to_have_value("Hôtel de ville de Drummondville")
    field(page, "Adresse").fill("415, rue Lindsay, Drummondville")
    assert_accessible_at_both_widths(page, "the scheduling form")
    page.get_by_role("button", name="Planifier la rencontre").click()

    expect(status_message(page, "La rencontre est planifiée")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.starts_at == poll.options.order_by("starts_at").first().starts_at
    assert DatePoll.objects.get().meeting == meeting
    invited = OutboxMessage.objects.filter(kind="meetings.notice")
    assert {annie.pk, luc.pk} <= set(invited.values_list("recipient_id", flat=True))
    screenshot("date-poll-meeting")

    page.goto(reverse("scheduling:list", args=[community.slug]))
    expect(page.get_by_text("Rencontre planifiée")).to_be_visible()
    assert_accessible_at_both_widths(page, "the list of date polls")
    screenshot("date-poll-list")
