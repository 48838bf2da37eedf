"""The language switcher, in the browser: a member goes through the pages of their journey
(home, communities, their community, a meeting, their profile) in French, switches to English,
goes through them again in English, then switches back to French. The switcher keeps the
member on the page they were reading, and <html lang> follows the language."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in, navigation, open_account_menu
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
)


def switch_language(page, button: str) -> None:
    """Clicks the switcher and checks the member is still on the same page."""
    address = page.url
    navigation(page).get_by_role("button", name=button).click()
    expect(page).to_have_url(address)


def expect_language(page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)


def heading(page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def test_language_switcher_turns_the_member_pages_to_english_and_back(
    page, screenshot, csp_violations
):
    community = CommunityFactory(
        slug="eau-potable",
        name_fr="Eau potable",
        name_en="Drinking water",
        mandate_fr="Partager les pratiques de traitement de l'eau potable.",
        mandate_en="Sharing drinking water treatment practices.",
    )
    LeadMembershipFactory(community=community)
    member = MembershipFactory(
        community=community, member__first_name="Marc", member__last_name="Mercier"
    ).member
    MeetingFactory(community=community, title="Clauses de pénalité")

    # In French, as the portal starts.
    log_in(page, member.email, PASSWORD)
    expect_language(page, "fr-CA")
    expect(heading(page, "Communautés de pratique de l'AIMQ")).to_be_visible()

    # To English on the home page, then through the journey's pages.
    switch_language(page, "English")
    expect_language(page, "en")
    expect(heading(page, "AIMQ communities of practice")).to_be_visible()
    expect(page.get_by_role("region", name="My communities")).to_contain_text("Drinking water")
    screenshot("journey-language-home-en")

    navigation(page).get_by_role("link", name="Communities", exact=True).click()
    expect_language(page, "en")
    expect(heading(page, "Communities of practice")).to_be_visible()
    expect(page.get_by_role("article").filter(has_text="Drinking water")).to_contain_text(
        "You are a member"
    )
    screenshot("journey-language-communities-en")

    page.get_by_role("link", name="Drinking water").click()
    expect_language(page, "en")
    expect(heading(page, "Drinking water")).to_be_visible()
    expect(page.get_by_role("region", name="Mandate")).to_contain_text(
        "Sharing drinking water treatment practices."
    )
    expect(page.get_by_text("You are a member of this community.")).to_be_visible()
    screenshot("journey-language-community-en")

    page.get_by_role("region", name="Meetings").get_by_role(
        "link", name="Clauses de pénalité"
    ).click()
    expect_language(page, "en")
    expect(heading(page, "Clauses de pénalité")).to_be_visible()
    answer = page.get_by_role("region", name="Your answer")
    expect(answer.get_by_label("I will attend online")).to_be_visible()
    expect(
        answer.get_by_role("link", name="Calendar file (.ics): Outlook, Apple, others")
    ).to_be_visible()
    expect(answer.get_by_role("link", name=re.compile("^Add to Google Calendar"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Montreal time")
    screenshot("journey-language-meeting-en")

    open_account_menu(page, "Marc Mercier")
    navigation(page).get_by_role("link", name="My profile").click()
    expect_language(page, "en")
    expect(heading(page, "My profile")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Preferred language")
    screenshot("journey-language-profile-en")

    # Back to French on the profile, then back through the same pages.
    switch_language(page, "Français")
    expect_language(page, "fr-CA")
    expect(heading(page, "Mon profil")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Langue préférée")
    screenshot("journey-language-profile-fr")

    navigation(page).get_by_role("link", name="Accueil").click()
    expect_language(page, "fr-CA")
    expect(heading(page, "Communautés de pratique de l'AIMQ")).to_be_visible()
    page.get_by_role("region", name="Mes prochaines rencontres").get_by_role(
        "link", name="Clauses de pénalité"
    ).click()

    expect_language(page, "fr-CA")
    answer = page.get_by_role("region", name="Votre réponse")
    expect(answer.get_by_label("J'y assisterai en ligne")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Heure de Montréal")
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name="Eau potable"
    ).click()

    expect_language(page, "fr-CA")
    expect(heading(page, "Eau potable")).to_be_visible()
    expect(page.get_by_role("region", name="Mandat")).to_contain_text(
        "Partager les pratiques de traitement de l'eau potable."
    )
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role(
        "link", name="Communautés"
    ).click()

    expect_language(page, "fr-CA")
    expect(heading(page, "Communautés de pratique")).to_be_visible()
    expect(page.get_by_role("article").filter(has_text="Eau potable")).to_contain_text(
        "Vous êtes membre"
    )
    expect(page.get_by_role("main")).not_to_contain_text(re.compile(r"You are a member|Seats"))
    assert csp_violations == []
