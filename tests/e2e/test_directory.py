"""Who knows what, in the browser: a member ticks their areas of expertise on their profile and
chooses to be listed; another member opens the directory from the navbar, asks "who has done a
pavement-management plan in Abitibi?" and finds her, with the contact details she chose to
show. Measured by axe at desktop and phone width and saved as screenshots."""

from django.urls import reverse
from playwright.sync_api import expect

from members.models import Region
from members.vocabulary import vocabulary_seed
from tests.e2e.conftest import PHONE, field, navigation, status_message
from tests.e2e.test_accessibility import assert_accessible_at_both_widths
from tests.factories import UserFactory


def test_a_member_lists_her_expertise_and_another_finds_her(page, sign_in, screenshot, db):
    vocabulary_seed()  # the live server's database is flushed between browser tests
    emilie = UserFactory(
        first_name="Émilie",
        last_name="Gauthier",
        organisation="MRC d'Abitibi",
        region=Region.MAURICIE,
        email="emilie.gauthier@example.org",
        phone="819 555-0107",
    )
    # Pavements too, but elsewhere: the region filter must leave him out.
    UserFactory(
        first_name="Hugo",
        last_name="Fortin",
        organisation="Ville de Lévis",
        region=Region.CHAUDIERE_APPALACHES,
        directory_listed=True,
    ).expertise_areas.set([])
    seeker = UserFactory(first_name="Luc", last_name="Roy")

    sign_in(emilie)
    page.goto(reverse("members:profile_edit"))
    field(page, "Région administrative").select_option(label="Abitibi-Témiscamingue")
    page.get_by_label("Gestion des chaussées").check()
    page.get_by_label("Plans d’intervention").check()
    field(page, "Autres domaines d'expertise").fill("Auscultation des chaussées au géoradar")
    page.get_by_label("M'inscrire au répertoire des membres").check()
    page.get_by_label(
        "Afficher mon adresse courriel et mon numéro de téléphone dans le répertoire des membres"
    ).check()
    assert_accessible_at_both_widths(page, "the profile form with the areas of expertise")
    screenshot("profile-form-areas")
    page.get_by_role("button", name="Enregistrer").click()
    expect(status_message(page, "Votre profil a été enregistré.")).to_be_visible()
    expect(
        page.get_by_text("Inscrit, avec mon adresse courriel et mon numéro de téléphone.")
    ).to_be_visible()

    sign_in(seeker)
    page.goto(reverse("home"))
    navigation(page).get_by_role("link", name="Répertoire").click()
    expect(page.get_by_role("heading", name="Répertoire des membres")).to_be_visible()
    page.get_by_label("Domaine d'expertise").select_option(label="Gestion des chaussées")
    page.get_by_label("Région administrative").select_option(label="Abitibi-Témiscamingue")
    page.get_by_role("button", name="Rechercher").click()

    expect(page.get_by_role("heading", name="1 membre")).to_be_visible()
    result = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Émilie Gauthier")
    )
    expect(result).to_contain_text("MRC d'Abitibi")
    expect(result).to_contain_text("Plans d’intervention")
    expect(result.get_by_role("link", name="emilie.gauthier@example.org")).to_be_visible()
    assert "area=gestion-des-chaussees" in page.url and "region=08" in page.url
    assert_accessible_at_both_widths(page, "the directory")
    screenshot("directory-search")

    # The text box ignores case and accents; nothing found says so.
    page.get_by_label("Nom, organisme ou expertise").fill("GEORADAR")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="Émilie Gauthier")).to_be_visible()
    page.get_by_label("Nom, organisme ou expertise").fill("télédétection")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucun membre ne correspond à cette recherche.")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert_accessible_at_both_widths(page, "the directory without results")
    screenshot("directory-empty-search")
