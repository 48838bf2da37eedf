"""The privacy page (Loi 25): who answers for personal information, what is collected, who sees
what, how long it is kept and the member's rights, with links to exercise them."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.helpers import page_text

pytestmark = pytest.mark.django_db

PRIVACY_URL = reverse("privacy")


def test_privacy_page_names_the_configured_officer(client, settings):
    settings.PRIVACY_OFFICER = "Mme Hélène Dufour, secrétaire générale"
    settings.PRIVACY_OFFICER_EMAIL = "protection@aimq.example"

    html = page_text(client.get(PRIVACY_URL))

    assert "Mme Hélène Dufour, secrétaire générale" in html
    assert 'href="mailto:protection@aimq.example"' in html


def test_privacy_officer_comes_from_the_environment():
    # Settings are read once per process: a fresh interpreter reads the variables.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.test",
        "PRIVACY_OFFICER": "Jean Responsable",
        "PRIVACY_OFFICER_EMAIL": "jean@aimq.example",
    }
    code = (
        "from django.conf import settings\n"
        "print(settings.PRIVACY_OFFICER, settings.PRIVACY_OFFICER_EMAIL, sep='|')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == "Jean Responsable|jean@aimq.example", result.stderr


def test_privacy_page_explains_who_sees_what_and_the_rights(client, english):
    html = page_text(client.get(PRIVACY_URL))

    for section in (
        "What we collect and why",
        "Who sees what",
        "How long we keep it",
        "Your rights",
    ):
        assert section in html
    assert "e-mail address and phone number only if you allow it" in html
    assert "The leads of a community and the association" in html
    assert "Former member" in html


def test_privacy_page_links_a_member_to_their_rights_and_shows_their_consent(
    client, member, english
):
    member.privacy_consent_at = datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo("UTC"))
    member.save()
    client.force_login(member)

    html = page_text(client.get(PRIVACY_URL))

    assert f'href="{reverse("members:data_export")}"' in html
    assert f'href="{reverse("members:profile_edit")}"' in html
    assert f'href="{reverse("members:account_close")}"' in html
    assert "You gave your consent on Jan. 15, 2026." in html


def test_privacy_page_says_what_stays_after_closing_and_why(client, english):
    html = " ".join(page_text(client.get(PRIVACY_URL)).split())

    assert "What stays after you close your account, and why" in html
    assert "The messages leads wrote with their decisions" in html
    assert "The administration log" in html
    assert "What you wrote as a lead" in html
    assert "An address added to an account and not confirmed gives access to nothing" in html
