"""A community's library in the browser: a member finds it empty, shares a template with a
link and tags, finds it again by its tag, and a fellow member marks it useful. Measured by axe
at desktop and phone width and saved as screenshots."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import field, status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import CommunityFactory, MembershipFactory


@pytest.fixture
def community(db):
    return CommunityFactory(slug="voirie", name_fr="Voirie municipale", name_en="Municipal roads")


def test_a_member_shares_a_template_and_a_fellow_finds_it_useful(
    page, sign_in, community, screenshot
):
    author = MembershipFactory(community=community, member__first_name="Annie").member
    fellow = MembershipFactory(community=community, member__first_name="Luc").member

    sign_in(author)
    page.goto(reverse("library:community", args=[community.slug]))
    expect(page.get_by_text("Aucune ressource n'a encore été partagée ici.")).to_be_visible()
    screenshot("library-empty")

    page.get_by_role("link", name="Partager une ressource").first.click()
    field(page, "Titre").fill("Gabarit de devis de déneigement")
    field(page, "Type").select_option(label="Gabarit")
    field(page, "Mots-clés").fill("déneigement, appel d'offres")
    field(page, "Lien").fill("https://example.org/gabarit-deneigement")
    assert_accessible_at_both_widths(page, "the resource form")
    page.get_by_role("button", name="Partager la ressource").click()

    expect(status_message(page, "La ressource est ajoutée à la bibliothèque.")).to_be_visible()
    expect(page.get_by_role("heading", name="Gabarit de devis de déneigement")).to_be_visible()

    sign_in(fellow)
    page.goto(reverse("library:community", args=[community.slug]) + "?tag=déneigement")
    page.get_by_role("link", name="Gabarit de devis de déneigement").click()
    page.get_by_role("button", name="Indiquer comme utile").click()
    expect(status_message(page, "Vous avez indiqué que cette ressource est utile.")).to_be_visible()
    expect(page.get_by_role("button", name="Utile (retirer la mention)")).to_be_visible()
    assert_accessible_at_both_widths(page, "the resource page")
    screenshot("library-resource")

    page.goto(reverse("library:community", args=[community.slug]))
    expect(page.get_by_text("1 membre l'a trouvée utile")).to_be_visible()
    assert_accessible_at_both_widths(page, "the library")
    screenshot("library")
