"""Notification choices in the browser: a member of two communities chooses on their page,
then follows the one-click link of an e-mail (signed out) and changes their mind with a button.
Measured by axe at desktop and phone width and saved as screenshots."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communities import notification_links
from communities.models import Membership
from tests.e2e.conftest import status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, MembershipFactory


@pytest.fixture
def roads(db):
    return CommunityFactory(slug="voirie", name_fr="Voirie municipale", name_en="Municipal roads")


@pytest.fixture
def water(db):
    return CommunityFactory(slug="eaux", name_fr="Eaux pluviales", name_en="Storm water")


def _choice(member, community) -> str:
    return Membership.objects.get(member=member, community=community).notifications


def test_a_member_chooses_then_changes_their_mind_from_an_email(
    page, sign_in, roads, water, screenshot
):
    member = MembershipFactory(community=roads, member__first_name="Annie").member
    MembershipFactory(community=water, member=member)

    sign_in(member)
    page.goto(reverse("members:profile"))
    page.get_by_role("link", name="Mes notifications").click()
    roads_group = page.get_by_role("group", name="Voirie municipale")
    expect(roads_group.get_by_label("Une synthèse hebdomadaire")).to_be_checked()
    roads_group.get_by_label("Chaque nouvelle question et réponse").check()
    page.get_by_role("group", name="Eaux pluviales").get_by_label("Rien").check()
    assert_accessible_at_both_widths(page, "the notification choices")
    screenshot("notification-choices")
    page.get_by_role("button", name="Enregistrer mes choix").click()

    expect(status_message(page, "Vos choix de notifications sont enregistrés.")).to_be_visible()
    assert (_choice(member, roads), _choice(member, water)) == ("every", "nothing")

    # Signed out, as when reading the e-mail elsewhere: the link of "a weekly digest".
    page.context.clear_cookies()
    url = notification_links.choice_url(user_id=member.pk, community_id=roads.pk, choice="digest")
    page.goto(urlsplit(url).path)
    expect(page.get_by_role("heading", name="Voirie municipale")).to_be_visible()
    expect(page.get_by_text("Vous recevrez une synthèse hebdomadaire.")).to_be_visible()
    assert _choice(member, roads) == "digest"
    assert_accessible_at_both_widths(page, "the one-click link's page")
    screenshot("notification-link")

    page.get_by_role("button", name="Rien").click()
    expect(status_message(page, "Votre choix est enregistré.")).to_be_visible()
    expect(page.get_by_text("Vous ne recevrez plus ses nouvelles par courriel")).to_be_visible()
    assert _choice(member, roads) == "nothing"
