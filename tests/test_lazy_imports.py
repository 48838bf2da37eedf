"""A web worker loads only what serving pages needs.

gunicorn's workers each import the portal (no preload): a library imported at the top of a view,
a URLconf, a template tag library or the package's ``__init__`` costs every worker its memory,
even when only a download, a feed or a background task uses it. These libraries are imported
where they are used instead; this test fails when one of them comes back at the top of a module
that every worker imports. Each case runs in a fresh interpreter, as a worker starts.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# What only some requests or only the Celery worker need, and where each is imported instead.
LAZY = {
    "celery": "the task modules and the worker (aimq_portal/__init__.py)",
    "kombu": "Celery's transport",
    "billiard": "Celery's process pool",
    "reportlab": "attestations.views.download (the PDF)",
    "PIL": "ReportLab's images",
    "pypdf": "search.extraction (an upload's text)",
    "xml.etree.ElementTree": "search.extraction (an upload's text)",
    "icalendar": "meetings.ics (the feed and the invitations)",
    "markdown_it": "meetings.formatting (an agenda, minutes or a text as typed)",
    "nh3": "meetings.formatting (the formatted text's cleaning)",
}

SERVE_A_PAGE = """
import json, sys
from aimq_portal.wsgi import application  # what a gunicorn worker imports
from django.test import Client
from django.urls import get_resolver

get_resolver().url_patterns  # every view module, as the first request imports them
response = Client().get("/confidentialite/", secure=True)
assert response.status_code == 200, response.status_code
loaded = [name for name in sys.modules if name.split(".")[0] in LAZY or name in LAZY]
print(json.dumps(loaded))
"""

KICK_AFTER_A_COMMIT = """
import json, sys
from aimq_portal.wsgi import application
from notifications.services import kick_after_commit
from celery import current_app

kick_after_commit()  # outside a transaction: at once
print(json.dumps([current_app.main, current_app.conf.broker_url]))
"""


def _worker(code: str, var_dir: Path) -> subprocess.CompletedProcess:
    # The production settings as the benchmark serves them (no real database needed: the page
    # reads none), and a clean environment: nothing from the caller's shell leaks in.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "tests.gunicorn_settings",
        "SECRET_KEY": "lazy-imports-" + "k" * 50,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "False",
        "ALLOW_SQLITE": "True",
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "AIMQ_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "ERROR",
    }
    return subprocess.run(
        [sys.executable, "-c", f"LAZY = {sorted(LAZY)!r}\n{code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_web_worker_serves_pages_without_the_heavy_libraries(tmp_path):
    result = _worker(SERVE_A_PAGE, tmp_path)

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == [], {name: LAZY.get(name.split(".")[0], LAZY.get(name)) for name in loaded}


def test_a_web_worker_kicks_the_relay_through_the_portal_app(tmp_path):
    # Celery is loaded by the kick itself; the task is sent with the portal's configuration (here
    # the embedded filesystem broker), not Celery's default app and its unconfigured broker.
    result = _worker(KICK_AFTER_A_COMMIT, tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["aimq_portal", "filesystem://"]
    assert list((tmp_path / "broker" / "out").glob("*.msg")), "no message reached the broker"
