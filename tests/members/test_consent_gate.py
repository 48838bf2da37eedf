"""Loi 25: an account the association opened for someone (no sign-up form, so no consent
recorded) is used only once its owner consents. The member meets the consent page before any
other page; what lets them refuse (log out, take their data, close the account) stays open."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from communities.models import JoinRequest
from members.models import User
from tests.factories import PASSWORD, CommunityFactory, StaffFactory, UserFactory
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db

CONSENT_URL = reverse("members:consent")
CONSENT_ERROR_FR = "Vous devez donner votre consentement pour utiliser le portail."
CONSENT_ERROR_EN = "You must consent to use the portal."


@pytest.fixture
def newcomer(db) -> User:
    """A member whose account staff opened: they have never consented."""
    return UserFactory(privacy_consent_at=None, contact_visible=False)


@pytest.fixture
def newcomer_client(client, newcomer):
    client.force_login(newcomer)
    return client


def _consent_url(next_path: str) -> str:
    return f"{CONSENT_URL}?{urlencode({'next': next_path})}"


def test_logging_in_leads_to_the_consent_page_first(client, newcomer):
    response = client.post(
        reverse("account_login"),
        {"login": newcomer.email, "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == _consent_url("/")
    html = page_text(response)
    assert "Votre consentement" in html
    assert "Je consens à ce que l&#x27;association recueille et utilise" in html
    assert f'href="{reverse("privacy")}"' in html


@pytest.mark.parametrize(
    "path",
    [
        reverse("home"),
        reverse("communities:list"),
        reverse("communities:my_requests"),
        reverse("members:profile"),
        reverse("members:profile_edit"),
        reverse("meetings:mine"),
    ],
)
def test_every_portal_page_waits_for_consent(newcomer_client, path):
    response = newcomer_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == _consent_url(path)


def test_a_form_posted_before_consent_changes_nothing(newcomer_client, newcomer):
    community = CommunityFactory()

    response = newcomer_client.post(
        reverse("communities:join", args=[community.slug]),
        {"motivation": "Je veux partager mes pratiques."},
    )

    assert response.status_code == 302
    assert response["Location"] == CONSENT_URL
    assert not JoinRequest.objects.filter(member=newcomer).exists()


def test_the_ways_to_refuse_stay_open(newcomer_client):
    html = page_text(newcomer_client.get(CONSENT_URL))
    for name in ("account_logout", "members:data_export", "members:account_close"):
        assert f'href="{reverse(name)}"' in html

    assert newcomer_client.get(reverse("privacy")).status_code == 200
    assert newcomer_client.get(reverse("account_logout")).status_code == 200
    assert newcomer_client.get(reverse("members:account_close")).status_code == 200
    export = newcomer_client.get(reverse("members:data_export"))
    assert export.status_code == 200
    assert export.json()["privacy"]["consent_given_at"] is None
    switched = newcomer_client.post(
        reverse("set_language"), {"language": "en", "next": CONSENT_URL}
    )
    assert switched["Location"] == CONSENT_URL


def test_consenting_records_the_date_and_the_contact_choice_then_goes_on(newcomer_client, newcomer):
    # An instant of the session's life, whatever the day the test runs: a fixed date would be
    # past the session's expiry when the clock starts weeks before it.
    moment = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        response = newcomer_client.post(
            CONSENT_URL,
            {"privacy_consent": "on", "contact_visible": "on", "next": reverse("communities:list")},
            follow=True,
        )

    assert response.redirect_chain == [(reverse("communities:list"), 302)]
    assert shown_messages(response) == ["Merci. Votre consentement est enregistré."]
    newcomer.refresh_from_db()
    assert newcomer.privacy_consent_at == moment
    assert newcomer.contact_visible is True
    assert newcomer_client.get(reverse("home")).status_code == 200


def test_contact_details_stay_hidden_unless_ticked(newcomer_client, newcomer):
    newcomer_client.post(CONSENT_URL, {"privacy_consent": "on"})

    newcomer.refresh_from_db()
    assert newcomer.privacy_consent_at is not None
    assert newcomer.contact_visible is False


def test_without_the_box_ticked_nothing_is_recorded_and_the_page_says_why(
    newcomer_client, newcomer
):
    response = newcomer_client.post(
        CONSENT_URL, {"contact_visible": "on", "next": reverse("communities:list")}
    )

    assert response.status_code == 200
    html = page_text(response)
    assert CONSENT_ERROR_FR in html
    # What the member chose is kept, and so is where they were going.
    assert re.search(r'<input type="checkbox" name="contact_visible"[^>]*\bchecked\b', html)
    assert f'name="next" value="{reverse("communities:list")}"' in html
    newcomer.refresh_from_db()
    assert newcomer.privacy_consent_at is None


def test_the_error_is_in_english_for_an_english_member(newcomer_client, english):
    response = newcomer_client.post(CONSENT_URL, {})

    assert CONSENT_ERROR_EN in page_text(response)


def test_a_next_page_off_the_portal_is_ignored(newcomer_client):
    response = newcomer_client.post(
        CONSENT_URL, {"privacy_consent": "on", "next": "https://ailleurs.example/"}
    )

    assert response["Location"] == reverse("home")


def test_a_member_who_consented_is_sent_on(member_client):
    response = member_client.get(_consent_url(reverse("communities:list")))

    assert response.status_code == 302
    assert response["Location"] == reverse("communities:list")


def test_staff_are_not_stopped(client):
    staff = StaffFactory(privacy_consent_at=None)
    client.force_login(staff)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("communities:list")).status_code == 200
