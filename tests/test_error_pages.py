"""The error pages people meet speak French first, say what happened and lead back home."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import page_text


def test_an_unknown_address_gives_the_portals_not_found_page(client, db):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    html = page_text(response)
    assert "Page introuvable" in html
    assert f'href="{reverse("home")}"' in html
    assert 'lang="fr-CA"' in html


def test_the_not_found_page_follows_the_language_switcher(client, db, english):
    response = client.get("/nowhere/")

    assert "Page not found" in page_text(response)


def test_a_form_sent_without_its_csrf_token_explains_what_to_do(db, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("members:profile_edit"), {"first_name": "Ana"})

    assert response.status_code == 403
    html = page_text(response)
    assert "Le formulaire a expiré" in html
    assert "rechargez la page" in html


def test_too_many_log_in_attempts_are_told_in_french(client, db):
    url = reverse("account_login")
    with time_machine.travel(timezone.now(), tick=False):
        for attempt in range(31):
            # A different address each time: allauth's per-IP limit (30 a minute) trips.
            response = client.post(url, {"login": f"x{attempt}@example.org", "password": "x"})

    assert response.status_code == 429
    html = page_text(response)
    assert "Trop de tentatives" in html
    assert 'lang="fr-CA"' in html


@pytest.mark.parametrize(
    "language, expected", [("fr-ca", "Erreur du serveur"), ("en", "Server error")]
)
def test_the_server_error_page_renders_without_a_request(language, expected):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        html = render_to_string("500.html")

    assert expected in html
    assert 'href="/"' in html
