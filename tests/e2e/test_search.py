"""The search in the browser: a member searches from the navbar and finds a resource by a word
of its PDF, highlighted; a visitor does not find it, and is told what to try. On a phone the
search box is in the menu. Measured by axe at desktop and phone width, and saved as
screenshots."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from library import services as library_services
from library.models import Kind, Visibility
from tests.e2e.conftest import DESKTOP, PHONE, navigation
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.search.documents import make_pdf


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def community(db):
    return CommunityFactory(slug="voirie", name_fr="Voirie municipale", name_en="Municipal roads")


def test_a_member_finds_a_resource_by_a_word_of_its_pdf(page, sign_in, community, screenshot):
    member = MembershipFactory(community=community, member__first_name="Annie").member
    library_services.resource_create(
        community=community,
        author=member,
        title="Guide d'entretien des réseaux",
        kind=Kind.GUIDE,
        visibility=Visibility.COMMUNITY,
        file=SimpleUploadedFile(
            "guide.pdf",
            make_pdf("Inspection annuelle", "Curage des égouts sanitaires et des regards"),
            content_type="application/pdf",
        ),
    )
    MeetingFactory(community=community, title="Rencontre sur les égouts pluviaux")

    sign_in(member)
    # From 1200 to 1399 px the navbar holds the search button alone: it opens the search page.
    page.goto(reverse("home"))
    navigation(page).get_by_role("button", name="Lancer la recherche").click()
    expect(page.get_by_role("searchbox", name="Mots à chercher")).to_be_focused()
    # Wider, the box itself.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(reverse("home"))
    search_box = navigation(page).get_by_role("searchbox", name="Mots à chercher")
    search_box.fill("egouts sanitaires")
    search_box.press("Enter")

    result = page.get_by_role("link", name="Guide d'entretien des réseaux")
    expect(result).to_be_visible()
    expect(page.locator("mark", has_text="égouts").first).to_be_visible()
    expect(page.get_by_text("Ressource de bibliothèque").first).to_be_visible()
    page.set_viewport_size(DESKTOP)
    assert_accessible_at_both_widths(page, "the search results")
    screenshot("search-results")

    result.click()
    expect(page.get_by_role("heading", name="Guide d'entretien des réseaux")).to_be_visible()

    # A visitor does not find the community's resource: only the public meeting.
    page.context.clear_cookies()
    page.goto(reverse("search:search") + "?q=egouts")
    expect(page.get_by_role("link", name="Rencontre sur les égouts pluviaux")).to_be_visible()
    expect(page.get_by_role("link", name="Guide d'entretien des réseaux")).to_have_count(0)

    page.goto(reverse("search:search") + "?q=sanitaires")
    expect(page.get_by_role("heading", name="Aucun résultat pour « sanitaires »")).to_be_visible()
    expect(page.get_by_role("link", name="Connectez-vous")).to_be_visible()
    assert_accessible_at_both_widths(page, "a search without results")
    screenshot("search-no-results")

    page.goto(reverse("search:search"))
    assert_accessible_at_both_widths(page, "the search page")
    screenshot("search-empty")


def test_on_a_phone_the_search_box_is_in_the_menu(page, community):
    MeetingFactory(community=community, title="Atelier de signalisation")
    page.set_viewport_size(PHONE)
    page.goto(reverse("home"))

    navigation(page).get_by_role("button", name="Afficher ou masquer le menu").click()
    search_box = navigation(page).get_by_role("searchbox", name="Mots à chercher")
    search_box.fill("signalisation")
    navigation(page).get_by_role("button", name="Lancer la recherche").click()

    expect(page.get_by_role("link", name="Atelier de signalisation")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
