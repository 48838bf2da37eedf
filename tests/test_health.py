"""/healthz: what a load balancer or monitor asks before sending traffic."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from aimq_portal import health
from aimq_portal.celery import app as celery_app

# Nothing listens on port 1: connecting fails at once with "connection refused".
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_broker(monkeypatch):
    """The health check connects for real, to a broker URL where nothing listens."""
    connect = celery_app.connection_for_write
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda **kwargs: connect(UNREACHABLE_BROKER, **kwargs)
    )


class _FailingConnection:
    def cursor(self):
        raise OperationalError("connection to server at 127.0.0.1 failed")


def test_healthy_portal_answers_200_json(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_answers_503_at_once(client, db, unreachable_broker, monkeypatch):
    # Connection refused is known at once: the check answers without sleeping between retries
    # (kombu's retry loop sleeps through kombu.utils.functional.sleep), so a monitor is never
    # kept waiting by a broker that is down.
    sleeps = []
    monkeypatch.setattr("kombu.utils.functional.sleep", sleeps.append)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}
    assert sleeps == []


def test_failing_database_answers_503(client, db, monkeypatch):
    monkeypatch.setattr(health, "connection", _FailingConnection())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "broker": "ok"}


def test_healthz_accepts_only_get(client, db):
    assert client.post(reverse("healthz")).status_code == 405
