"""The headers a reverse proxy sets (X-Forwarded-Proto, X-Forwarded-For, X-Real-IP) are
trusted only when the settings say a proxy sets them: when gunicorn is reached directly, anyone
can send them, to pass for https or to dodge the per-IP rate limits."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

BASE_DIR = Path(__file__).resolve().parent.parent
PRINT_PROXY_SETTINGS = (
    "import json, django\n"
    "from django.conf import settings\n"
    "django.setup()\n"
    "print(json.dumps([settings.SECURE_PROXY_SSL_HEADER, settings.ALLAUTH_TRUSTED_PROXY_COUNT,"
    " settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER]))\n"
)


def _production_proxy_settings(**env_vars) -> list:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portail.example.org",
        "DATABASE_URL": "postgres://u:p@localhost/db",
        **env_vars,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT_PROXY_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_trusts_no_proxy_header_unless_told():
    assert _production_proxy_settings() == [None, 0, None]


@pytest.mark.parametrize("header", ["X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO"])
def test_production_behind_a_proxy_reads_the_headers_it_is_told(header):
    values = _production_proxy_settings(
        SECURE_PROXY_SSL_HEADER=header,
        ALLAUTH_TRUSTED_PROXY_COUNT="1",
        ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
    )

    assert values == [["HTTP_X_FORWARDED_PROTO", "https"], 1, "X-Real-IP"]


# What the settings change for a request


@pytest.fixture
def https_only(settings):
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_a_forged_https_header_does_not_pass_for_https(client, db, https_only):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_behind_a_proxy_its_https_header_is_believed(client, db, https_only):
    https_only.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200


def _log_ins(client, forwarded_for: list[str]) -> list[int]:
    with time_machine.travel(timezone.now(), tick=False):
        return [
            client.post(
                reverse("account_login"),
                {"login": f"x{n}@example.org", "password": "x"},
                headers={"X-Forwarded-For": address},
            ).status_code
            for n, address in enumerate(forwarded_for)
        ]


# ACCOUNT_RATE_LIMITS["login"]: 30 attempts a minute per IP, the 31st is refused.
THIRTY_ONE_ADDRESSES = [f"203.0.113.{n}" for n in range(1, 32)]


def test_a_forged_client_ip_does_not_dodge_the_per_ip_limit(client, db):
    assert _log_ins(client, THIRTY_ONE_ADDRESSES)[-1] == 429


def test_behind_a_proxy_each_client_ip_is_counted_apart(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    assert 429 not in _log_ins(client, THIRTY_ONE_ADDRESSES)
    assert _log_ins(client, ["203.0.113.1"] * 30)[-1] == 429
