"""French first: French by default, English once chosen, and the choice remembered."""

from django.conf import settings
from django.urls import reverse

# allauth's own French catalogue translates "Remember Me"; our catalogue is not needed here.
FRENCH_LABEL = "Se souvenir de moi"
ENGLISH_LABEL = "Remember Me"


def test_french_is_served_by_default(client, db):
    response = client.get(reverse("account_login"))

    html = response.content.decode()
    assert '<html lang="fr-CA">' in html
    assert FRENCH_LABEL in html
    assert response["Content-Language"] == "fr-ca"


def test_browser_language_does_not_override_french(client, db):
    response = client.get(reverse("account_login"), headers={"accept-language": "en-US,en"})

    assert '<html lang="fr-CA">' in response.content.decode()


def test_choosing_english_switches_and_is_remembered(client, db):
    login_url = reverse("account_login")

    switched = client.post(reverse("set_language"), {"language": "en", "next": login_url})

    assert switched.status_code == 302
    assert switched["Location"] == login_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(login_url).content.decode()
    assert '<html lang="en">' in html
    assert ENGLISH_LABEL in html
    # ... and on the next request too.
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_choosing_french_again_switches_back(client, db, english):
    client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})

    assert '<html lang="fr-CA">' in client.get(reverse("home")).content.decode()


def test_signed_in_member_without_a_choice_gets_their_preferred_language(client, member):
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    client.force_login(member)

    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_the_language_switcher_wins_over_the_preferred_language(client, member):
    member.preferred_language = "en"
    member.save(update_fields=["preferred_language"])
    client.force_login(member)

    client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})

    assert '<html lang="fr-CA">' in client.get(reverse("home")).content.decode()


def test_times_are_written_the_quebec_way_in_french():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.template.defaultfilters import date as date_filter
    from django.utils import translation

    moment = datetime(2026, 11, 25, 13, 40, tzinfo=ZoneInfo("America/Montreal"))
    with translation.override("fr-ca"):
        assert date_filter(moment, "DATETIME_FORMAT") == "25 novembre 2026, 13\xa0h\xa040"
        assert date_filter(moment, "TIME_FORMAT") == "13\xa0h\xa040"
        morning = moment.replace(hour=9, minute=5)
        assert date_filter(morning, "TIME_FORMAT") == "9\xa0h\xa005"
