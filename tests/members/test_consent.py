"""Loi 25 consent at sign-up, and the choice to show one's contact details, through the pages a
newcomer and a member use."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from members.demo import load_demo_members
from members.models import User
from tests.factories import StaffFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("account_signup")
PASSWORD = "Un-mot-de-passe-Solide-42"
CONSENT_FR = (
    "Je consens à ce que l&#x27;association recueille et utilise les renseignements de mon "
    "profil comme le décrit la politique de confidentialité."
)
CONTACT_FR = (
    "Permettre aux membres de mes communautés de voir mon adresse courriel et mon numéro de "
    "téléphone"
)
CONSENT_ERROR_FR = "Vous devez donner votre consentement pour créer un compte."
CONSENT_ERROR_EN = "You must consent to create an account."


def _sign_up(client, **extra):
    data = {"email": "nouvelle@example.org", "password1": PASSWORD, "password2": PASSWORD}
    data.update(extra)
    return client.post(SIGNUP_URL, data)


def test_signup_page_asks_for_consent_in_french_with_a_link_to_the_privacy_page(client):
    html = page_text(client.get(SIGNUP_URL))

    assert CONSENT_FR in html
    assert CONTACT_FR in html
    assert f'href="{reverse("privacy")}"' in html
    # Neither box is ticked for the newcomer.
    for name in ("privacy_consent", "contact_visible"):
        box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
        assert box, name
        assert "checked" not in box.group(0)


def test_signup_without_consent_creates_nothing_and_says_why(client):
    response = _sign_up(client)

    assert response.status_code == 200
    assert CONSENT_ERROR_FR in page_text(response)
    assert set(response.context["form"].errors) == {"privacy_consent"}
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_signup_error_is_in_english_for_an_english_visitor(client, english):
    response = _sign_up(client)

    assert CONSENT_ERROR_EN in page_text(response)


def test_signup_error_keeps_everything_typed(client):
    response = _sign_up(client, contact_visible="on")

    html = page_text(response)
    assert 'value="nouvelle@example.org"' in html
    assert html.count(f'value="{PASSWORD}"') == 2  # both password boxes
    assert re.search(r'<input type="checkbox" name="contact_visible"[^>]*\bchecked\b', html)


def test_signup_error_on_the_password_does_not_show_it_again(client):
    response = _sign_up(client, password2="Pas-le-meme-mot-42", privacy_consent="on")

    assert response.status_code == 200
    assert PASSWORD not in page_text(response)
    assert 'value="nouvelle@example.org"' in page_text(response)


def test_signup_with_consent_records_its_date_and_keeps_contact_hidden(client):
    moment = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("America/Montreal"))
    with time_machine.travel(moment, tick=False):
        response = _sign_up(client, privacy_consent="on")

    assert response.status_code == 302
    newcomer = User.objects.get(email="nouvelle@example.org")
    assert newcomer.privacy_consent_at == moment
    assert newcomer.contact_visible is False


def test_signup_records_the_choice_to_show_contact_details(client):
    _sign_up(client, privacy_consent="on", contact_visible="on")

    assert User.objects.get(email="nouvelle@example.org").contact_visible is True


def test_member_changes_the_contact_choice_in_their_profile(member_client, member):
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "organisation": member.organisation,
        "region": member.region,
        "preferred_language": "fr-ca",
        "contact_visible": "on",
    }

    page = member_client.get(reverse("members:profile_edit"))
    assert CONTACT_FR in page_text(page)
    response = member_client.post(reverse("members:profile_edit"), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.contact_visible is True

    del data["contact_visible"]
    member_client.post(reverse("members:profile_edit"), data)
    member.refresh_from_db()
    assert member.contact_visible is False


def test_profile_shows_the_contact_choice_and_the_consent_date(client, member, english):
    member.privacy_consent_at = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("UTC"))
    member.contact_visible = True
    member.save()
    client.force_login(member)

    html = page_text(client.get(reverse("members:profile")))

    assert "Visible to the members of my communities." in html
    assert "Given on March 2, 2026." in html
    assert f'href="{reverse("members:data_export")}"' in html
    assert f'href="{reverse("members:account_close")}"' in html


def test_profile_of_an_account_without_consent_says_it_is_not_recorded(client, english):
    # Only staff reach their profile without consenting (members meet the consent page first:
    # tests/members/test_consent_gate.py).
    staff = StaffFactory(privacy_consent_at=None)
    client.force_login(staff)

    html = page_text(client.get(reverse("members:profile")))

    assert "Hidden from the members of my communities" in html
    assert "Not recorded" in html


def test_demo_accounts_have_consented_and_some_show_their_contact():
    load_demo_members(count=9)

    members = User.objects.exclude(email="admin@example.org")
    assert members.count() == 9
    assert not members.filter(privacy_consent_at__isnull=True).exists()
    assert members.filter(contact_visible=True).count() == 3
