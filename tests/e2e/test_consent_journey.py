"""Loi 25 in the browser: a lead whose account staff opened logs in, meets the consent page,
tries to go on without consenting, then consents and reaches the page they wanted."""

import re

import pytest
from playwright.sync_api import expect

from members.models import User
from tests.e2e.conftest import field, log_in, navigation, status_message
from tests.factories import PASSWORD, CommunityFactory, LeadMembershipFactory

CONSENT = (
    "Je consens à ce que l'association recueille et utilise les renseignements de mon profil "
    "comme le décrit la politique de confidentialité."
)
CONTACT = (
    "Permettre aux membres de mes communautés de voir mon adresse courriel et mon numéro de "
    "téléphone"
)


@pytest.fixture
def opened_by_staff(db) -> User:
    community = CommunityFactory()
    return LeadMembershipFactory(
        community=community,
        member__email="helene.roy@example.org",
        member__first_name="Hélène",
        member__last_name="Roy",
        member__privacy_consent_at=None,
    ).member


def test_an_account_opened_by_staff_consents_before_anything_else(
    page, opened_by_staff, screenshot
):
    log_in(page, opened_by_staff.email, PASSWORD)

    expect(page.get_by_role("heading", name="Votre consentement")).to_be_visible()
    screenshot("consent")

    # The inbox waits until the lead consents, however they try to reach it.
    navigation(page).get_by_role("link", name=re.compile(r"^Demandes")).click()
    expect(page.get_by_role("heading", name="Votre consentement")).to_be_visible()

    # Going on without ticking the box: the page says why and keeps the other choice.
    field(page, CONTACT).check()
    page.get_by_role("button", name="Continuer").click()
    expect(
        page.get_by_text("Vous devez donner votre consentement pour utiliser le portail.")
    ).to_be_visible()
    expect(field(page, CONTACT)).to_be_checked()

    field(page, CONSENT).check()
    page.get_by_role("button", name="Continuer").click()

    expect(status_message(page, "Merci. Votre consentement est enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", name="Demandes d'adhésion à traiter")).to_be_visible()
    opened_by_staff.refresh_from_db()
    assert opened_by_staff.privacy_consent_at is not None
    assert opened_by_staff.contact_visible is True
