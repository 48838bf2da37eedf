"""A community in preparation, in the browser: a visitor finds it on the front door, logs in
and comes back to say they are interested; staff see the count and open it; the member follows
the e-mail's link and asks to join first. Measured by axe at desktop and phone width and saved
as screenshots."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communities.models import CommunityStatus, Interest, JoinRequest
from tests.e2e.conftest import field, mails_to, status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import PASSWORD, CommunityFactory, StaffFactory, UserFactory

NAME = "Automatisation et numérique municipal"


@pytest.fixture
def preparing(db):
    return CommunityFactory(
        slug="automatisation",
        name_fr=NAME,
        name_en="Municipal automation",
        summary_fr="Automates, SCADA et télémétrie des réseaux.",
        mandate_fr="Partager les pratiques d'automatisation des usines et des réseaux.",
        status=CommunityStatus.PREPARATION,
    )


def test_a_member_is_interested_staff_open_it_and_the_member_asks_first(
    page, sign_in, preparing, screenshot
):
    member = UserFactory(email="annie.gagnon@example.org", first_name="Annie", last_name="Gagnon")
    detail = reverse("communities:detail", args=[preparing.slug])

    # The front door shows the community in preparation, with its proposed mandate.
    page.goto("/")
    card = page.get_by_role("article").filter(has_text=NAME)
    expect(card.get_by_text("En préparation")).to_be_visible()
    expect(card.get_by_text("Partager les pratiques d'automatisation")).to_be_visible()
    screenshot("preparation-front-door")
    card.get_by_role("link", name=re.compile("Ça m'intéresse")).click()

    # Log in first, then back to the community's page.
    field(page, "Courriel").fill(member.email)
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(re.compile(re.escape(detail) + "$"))
    expect(page.get_by_role("heading", name="Mandat proposé")).to_be_visible()
    expect(page.get_by_role("button", name="Demander à adhérer")).to_have_count(0)
    assert_accessible_at_both_widths(page, "a community in preparation")

    page.get_by_role("button", name=re.compile("Ça m'intéresse")).click()
    expect(status_message(page, "vous intéresse")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Retirer mon intérêt"))).to_be_visible()
    assert Interest.objects.filter(community=preparing, member=member).exists()
    screenshot("preparation-interested")

    # Staff see how many are interested and open the community.
    page.context.clear_cookies()
    sign_in(StaffFactory())
    page.goto(reverse("communities:list"))
    expect(page.get_by_text("1 membre intéressé")).to_be_visible()
    assert_accessible_at_both_widths(page, "the community list with one in preparation")
    screenshot("preparation-list-staff")
    page.goto(detail)
    page.get_by_role("button", name="Ouvrir la communauté").click()
    expect(status_message(page, f"{NAME} est ouverte.")).to_be_visible()

    # The member gets one e-mail; its link leads to the join form, open to them first.
    [message] = mails_to(member.email)
    assert f"{NAME} est ouverte" in message.subject
    link = urlsplit(re.search(r"https?://\S+#participation-heading", message.body).group(0))
    assert link.path == detail
    page.context.clear_cookies()
    sign_in(member)
    # From elsewhere: a jump within the page staff left would not load it again.
    page.goto(reverse("home"))
    page.goto(f"{link.path}#{link.fragment}")
    expect(page.get_by_text("En ouverture")).to_be_visible()
    field(page, "Pourquoi souhaitez-vous vous joindre à cette communauté?").fill(
        "J'automatise les postes de pompage de notre ville."
    )
    assert_accessible_at_both_widths(page, "a community just opened, for an interested member")
    screenshot("preparation-opened-join")
    page.get_by_role("button", name="Demander à adhérer").click()
    expect(status_message(page, "Votre demande")).to_be_visible()
    assert JoinRequest.objects.filter(community=preparing, member=member).exists()

    # Someone who was not interested waits for the head start to end.
    page.context.clear_cookies()
    sign_in(UserFactory())
    page.goto(detail)
    expect(page.get_by_text("vient d'ouvrir")).to_be_visible()
    expect(page.get_by_role("button", name="Demander à adhérer")).to_have_count(0)
    screenshot("preparation-head-start-others")
