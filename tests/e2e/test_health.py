"""Community health in the browser: staff open the overview and a community's page, a lead
opens their community's page from the community page. Measured by axe at desktop and phone
width and saved as screenshots (the charts must read on a phone)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, LeadMembershipFactory, StaffFactory
from tests.health.conftest import _meeting, _question, _resource


@pytest.fixture
def community(db):
    community = CommunityFactory(slug="voirie", name_fr="Voirie municipale", name_en="Roads")
    now = timezone.now()
    for months_ago, in_person, online in ((10, 8, 3), (7, 0, 9), (4, 6, 4), (1, 5, 6)):
        _meeting(
            community,
            now - timedelta(days=30 * months_ago),
            "hybrid" if in_person else "online",
            in_person=in_person,
            online=online,
        )
    for days_ago in (200, 90, 40, 10):
        _resource(community, now - timedelta(days=days_ago))
        _question(community, now - timedelta(days=days_ago + 3), answers_after_hours=[4, 20])
    return community


def test_staff_open_the_overview_and_a_lead_their_communitys_page(
    page, sign_in, community, screenshot
):
    lead = LeadMembershipFactory(community=community).member

    sign_in(StaffFactory())
    page.goto(reverse("home"))
    page.get_by_role("button", name=page.locator("#account-menu-button").inner_text()).click()
    page.get_by_role("link", name="Santé des communautés").click()
    expect(page.get_by_role("heading", name="Santé des communautés", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Voirie municipale").first).to_be_visible()
    assert_accessible_at_both_widths(page, "the health overview")
    screenshot("health-overview")

    page.get_by_role("link", name="Voirie municipale").first.click()
    expect(page.get_by_role("img", name="Présence par rencontre, 12 derniers mois")).to_be_visible()
    assert_accessible_at_both_widths(page, "a community's health")

    sign_in(lead)
    page.goto(reverse("communities:detail", args=[community.slug]))
    page.get_by_role("link", name="Voir la santé de la communauté").click()
    expect(page.get_by_role("img", name="Activité entre les rencontres, par mois")).to_be_visible()
    page.get_by_text("Les chiffres sous forme de tableau").first.click()
    expect(page.get_by_role("cell", name="8", exact=True).first).to_be_visible()
    assert_accessible_at_both_widths(page, "a community's health, its table open")
    screenshot("health-community")
