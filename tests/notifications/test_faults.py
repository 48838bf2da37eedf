"""Faults the outbox is built for: the broker down while members act, a worker killed between
its claim and its send, two relays at once. In each, messages lost: 0; duplicated: 0."""

import logging
import os
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aimq_portal.celery import app
from communities.models import JoinRequest
from meetings.models import Meeting
from notifications.models import OutboxMessage
from notifications.relay import relay
from notifications.services import outbox_enqueue
from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MembershipFactory,
    UserFactory,
)
from tests.notifications.kinds import NOTE

BASE_DIR = Path(settings.BASE_DIR)


def _closed_port() -> int:
    """A port on which nothing listens: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _broker_at(url: str):
    """Points the Celery app at ``url`` (for publishing), as if the broker had moved or died."""
    previous = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def _sent_once_each(expected: list[str]) -> None:
    delivered = sorted(address for message in mail.outbox for address in message.to)
    assert delivered == sorted(expected), "a message was lost or sent twice"


@pytest.mark.django_db(transaction=True)
def test_members_act_while_the_broker_is_down_and_nothing_is_lost(client):
    community = CommunityFactory()
    leads = [LeadMembershipFactory(community=community).member for _ in range(2)]
    fellow = MembershipFactory(community=community).member
    newcomer = UserFactory()
    starts_at = (timezone.now() + timedelta(days=20)).replace(microsecond=0)

    with _broker_at(f"redis://127.0.0.1:{_closed_port()}/0"):
        client.force_login(newcomer)
        asked = client.post(
            reverse("communities:join", args=[community.slug]),
            {"motivation": "Je veux partager nos devis."},
        )
        client.force_login(leads[0])
        scheduled = client.post(
            reverse("meetings:schedule", args=[community.slug]),
            {
                "title": "Bilan de l'hiver",
                "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": timezone.localtime(starts_at + timedelta(hours=3)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "format": "online",
                "meeting_url": "https://meet.example.org/bilan",
            },
        )

    assert asked.status_code == 302 and scheduled.status_code == 302
    assert JoinRequest.objects.filter(member=newcomer).exists()
    assert Meeting.objects.filter(title="Bilan de l'hiver").exists()
    assert mail.outbox == [] and OutboxMessage.objects.filter(status="pending").count() == 5

    # The broker is back; the beat's sweep runs the relay.
    relay()
    relay()

    # Two leads told of the request; the two leads and the member invited.
    _sent_once_each([lead.email for lead in leads] * 2 + [fellow.email])


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_after_an_outage_a_real_worker_delivers_everything_once():
    members = [UserFactory() for _ in range(4)]
    with _broker_at(f"redis://127.0.0.1:{_closed_port()}/0"):
        outbox_enqueue(kind=NOTE, key="note:outage", recipients=members)
    assert OutboxMessage.objects.filter(status="pending").count() == 4

    done = threading.Event()

    def on_postrun(sender=None, retval=None, **kwargs):
        relayed = sender is not None and sender.name == "notifications.tasks.relay_outbox"
        if relayed and not OutboxMessage.objects.filter(status="pending").exists():
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    app.control.purge()
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
            # What beat sends every minute.
            app.send_task("notifications.tasks.relay_outbox")
            assert done.wait(timeout=30), "the worker did not empty the outbox"
    finally:
        task_postrun.disconnect(on_postrun)

    _sent_once_each([member.email for member in members])


def test_the_kick_never_raises_when_the_broker_refuses(caplog):
    from notifications.services import outbox_kick

    # A real worker started earlier in the run may have raised the root logger's level.
    caplog.set_level(logging.WARNING, logger="notifications.services")
    with _broker_at(f"redis://127.0.0.1:{_closed_port()}/0"):
        outbox_kick()

    assert "Broker unreachable" in caplog.text


KILLED_WORKER = """
import sys
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "tests.notifications.hanging_backend.EmailBackend"
import tests.notifications.kinds  # registers the kind of message sent
from notifications.relay import relay
relay()
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_its_claim_and_its_send_delays_the_message_it_does_not_lose_it(
    settings,
):
    member = UserFactory()
    outbox_enqueue(kind=NOTE, key="note:killed", recipients=[member])
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aimq_portal.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        # The backend prints this once it holds the claimed message, then hangs.
        assert worker.stdout.readline().strip() == "sending"
    finally:
        worker.kill()
        worker.wait()

    message = OutboxMessage.objects.get()
    assert message.status == "pending" and message.claimed_until > timezone.now()
    assert relay().sent == 0  # its lease still holds

    with time_machine.travel(message.claimed_until + timedelta(seconds=1), tick=False):
        assert relay().sent == 1
        assert relay().sent == 0
    _sent_once_each([member.email])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_message_once():
    members = [UserFactory() for _ in range(40)]
    outbox_enqueue(kind=NOTE, key="note:race", recipients=members)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            relay(batch_size=5)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    _sent_once_each([member.email for member in members])
