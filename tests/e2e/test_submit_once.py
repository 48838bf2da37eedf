"""A double click on "Planifier la rencontre": the browser sends the form once, and the button
is disabled after the first click (the server refuses a second sending anyway: see
tests/test_submit_once.py)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import field


def test_a_double_click_on_schedule_sends_the_form_once_and_disables_the_button(
    page, live_server, sign_in, lively, csp_violations
):
    sign_in(lively.lead)
    day = timezone.localdate() + timedelta(days=20)
    page.goto(f"/rencontres/nouvelle/{lively.community.slug}/")
    field(page, "Titre").fill("Inventaire des ponceaux")
    field(page, "Formule").select_option(label="En ligne")
    field(page, "Début").fill(f"{day:%Y-%m-%d}T09:30")
    field(page, "Fin").fill(f"{day:%Y-%m-%d}T11:30")
    field(page, "Lien de la rencontre en ligne").fill("https://meet.example.org/ponceaux")
    # Each sending is answered "204 No Content": the browser stays on the form, as it does
    # while a slow server has not answered yet.
    sent = []

    def answer(route):
        sent.append(route.request.post_data)
        route.fulfill(status=204)

    page.route("**/rencontres/nouvelle/**", answer)
    button = page.get_by_role("button", name="Planifier la rencontre")

    button.dblclick()

    expect(button).to_be_disabled()
    page.wait_for_load_state()
    assert len(sent) == 1
    assert "submit_token=" in sent[0]
    assert csp_violations == []
