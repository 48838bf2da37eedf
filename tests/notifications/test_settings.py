"""Sends and tasks have limits, set from the environment."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection
from django.test import override_settings

from aimq_portal.celery import app

BASE_DIR = Path(settings.BASE_DIR)


def _settings_of(code: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.dev",
        "AIMQ_VAR_DIR": "/tmp/aimq-settings-test",
        **env_vars,
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_timeout_of_email_url_reaches_the_smtp_connection():
    result = _settings_of(
        "print(settings.EMAIL_TIMEOUT, settings.EMAIL_HOST)",
        EMAIL_URL="smtp://mail.example.org:25?timeout=7",
    )

    assert result.stdout.split() == ["7", "mail.example.org"], result.stderr


def test_sends_time_out_by_default():
    result = _settings_of("print(settings.EMAIL_TIMEOUT)", EMAIL_URL="smtp://mail.example.org:25")

    assert result.stdout.strip() == "20", result.stderr


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_TIMEOUT=4)
def test_the_smtp_backend_uses_the_timeout():
    assert get_connection().timeout == 4


def test_tasks_run_under_the_time_limits_of_the_settings():
    result = _settings_of(
        "from aimq_portal.celery import app; "
        "print(app.conf.task_soft_time_limit, app.conf.task_time_limit, "
        "settings.OUTBOX_LEASE_SECONDS)",
        CELERY_TASK_SOFT_TIME_LIMIT="50",
        CELERY_TASK_TIME_LIMIT="60",
    )

    assert result.stdout.split() == ["50", "60", "120"], result.stderr
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT


def test_a_lease_shorter_than_a_task_may_live_is_refused():
    result = _settings_of("", CELERY_TASK_TIME_LIMIT="300", OUTBOX_LEASE_SECONDS="200")

    assert result.returncode != 0
    assert "OUTBOX_LEASE_SECONDS must be longer than CELERY_TASK_TIME_LIMIT" in result.stderr
