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
