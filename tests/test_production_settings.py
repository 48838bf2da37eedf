"""Production settings refuse to start on an unsafe configuration.

Each case runs in a fresh interpreter: settings are read once per process.
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
GOOD_KEY = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
GOOD_ENV = {
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "portail.example.org",
    # `check --deploy` does not connect to the database.
    "DATABASE_URL": "postgres://u:p@localhost/db",
}
LOAD_SETTINGS = (
    "import django\n"
    "from django.core.exceptions import ImproperlyConfigured\n"
    "try:\n"
    "    django.setup()\n"
    "except ImproperlyConfigured as error:\n"
    "    print('ImproperlyConfigured:', error)\n"
    "    raise SystemExit(3)\n"
)


def _run(args: list[str], **env_vars: str) -> subprocess.CompletedProcess:
    # A clean environment: nothing from the developer's or CI's shell leaks into the case.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.production",
        **env_vars,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def _without(name: str) -> dict:
    return {key: value for key, value in GOOD_ENV.items() if key != name}


@pytest.mark.parametrize(
    ("case", "env_vars", "complaint"),
    [
        ("missing secret key", _without("SECRET_KEY"), "SECRET_KEY"),
        ("short secret key", {**GOOD_ENV, "SECRET_KEY": "x" * 49}, "SECRET_KEY"),
        (
            "development key",
            {**GOOD_ENV, "SECRET_KEY": "dev-only-insecure-key-never-use-in-production-xxxxxx"},
            "SECRET_KEY",
        ),
        ("missing allowed hosts", _without("ALLOWED_HOSTS"), "ALLOWED_HOSTS"),
        ("any host allowed", {**GOOD_ENV, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ("SQLite by default", _without("DATABASE_URL"), "DATABASE_URL"),
    ],
)
def test_production_refuses_an_unsafe_configuration(case, env_vars, complaint):
    result = _run(["-c", LOAD_SETTINGS], **env_vars)

    assert result.returncode == 3, f"{case}: {result.stdout}{result.stderr}"
    assert "ImproperlyConfigured" in result.stdout
    assert complaint in result.stdout


def test_production_starts_on_a_safe_configuration():
    result = _run(["-c", LOAD_SETTINGS], **GOOD_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_passes_without_warnings_on_a_safe_configuration():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **GOOD_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


# What production serves: values and headers, read in a fresh interpreter with the production
# settings. The page read needs no database (the privacy page, anonymous); static files are
# served from the source folders because `collectstatic` builds the manifest only at deploy.
SERVE_A_PAGE = (
    "import json\n"
    "import django\n"
    "django.setup()\n"
    "from django.conf import settings as s\n"
    "from django.test import Client\n"
    "from django.test.utils import override_settings\n"
    "plain = {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}\n"
    "with override_settings(STORAGES={**s.STORAGES, 'staticfiles': plain}):\n"
    "    client = Client(HTTP_HOST='portail.example.org')\n"
    "    over_http = client.get('/confidentialite/')\n"
    "    over_https = client.get('/confidentialite/', secure=True)\n"
    "csrf = over_https.cookies.get(s.CSRF_COOKIE_NAME)\n"
    "print(json.dumps({\n"
    "    'settings': {name: getattr(s, name) for name in [\n"
    "        'DEBUG', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_AGE',\n"
    "        'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE',\n"
    "        'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT',\n"
    "        'ACCOUNT_RATE_LIMITS', 'MIDDLEWARE']},\n"
    "    'http': [over_http.status_code, over_http.get('Location', '')],\n"
    "    'https': [over_https.status_code, dict(over_https.headers)],\n"
    "    'csrf_cookie_secure': bool(csrf and csrf['secure']),\n"
    "}))\n"
)


@pytest.fixture(scope="module")
def production():
    import json

    result = _run(["-c", SERVE_A_PAGE], **GOOD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_sessions_expire(production):
    values = production["settings"]

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert 0 < values["SESSION_COOKIE_AGE"] <= 60 * 60 * 24 * 30
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False
    assert production["csrf_cookie_secure"] is True


def test_production_sends_plain_http_to_https(production):
    assert production["settings"]["SECURE_SSL_REDIRECT"] is True
    assert production["http"] == [301, "https://portail.example.org/confidentialite/"]


def test_production_pages_carry_hsts_and_the_content_security_policy(production):
    status, headers = production["https"]
    assert status == 200
    assert production["settings"]["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 180
    assert production["settings"]["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=" in hsts and "includeSubDomains" in hsts
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "csp.middleware.CSPMiddleware" in production["settings"]["MIDDLEWARE"]


def test_production_keeps_the_login_and_signup_rate_limits(production):
    limits = production["settings"]["ACCOUNT_RATE_LIMITS"]

    assert limits["login"] and limits["signup"]
    assert "/key" in limits["login_failed"]
