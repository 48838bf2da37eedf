"""A reminder goes through a real Celery worker on the real Redis broker.

start_worker runs the worker in threads of this process, so the locmem mail.outbox is shared;
the test database must be committed for the worker's own connection (transaction=True)."""

import threading
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.utils import timezone

from aimq_portal.celery import app
from meetings import services
from tests.factories import MeetingFactory, MembershipFactory


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_reminder_is_sent_through_a_real_worker():
    # Due a minute ago: "1 day before" a meeting starting in a day less a minute.
    starts_at = timezone.now() + timedelta(days=1) - timedelta(minutes=1)
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        meeting = MeetingFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
        member = MembershipFactory(community=meeting.community).member
    sent = threading.Event()
    outcomes = []

    def on_postrun(sender=None, retval=None, state=None, **kwargs):
        if sender is not None and sender.name == "notifications.tasks.relay_outbox":
            outcomes.append((state, retval))
            if retval and retval.get("sent"):
                sent.set()

    task_postrun.connect(on_postrun, weak=False)
    app.control.purge()  # messages left by an earlier, interrupted run
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
            # The sweep writes the reminder and, once committed, kicks the relay on the broker.
            assert services.reminders_enqueue_due() == 1
            assert sent.wait(timeout=30), f"the worker did not send the reminder: {outcomes}"
    finally:
        task_postrun.disconnect(on_postrun)

    assert [m.to for m in mail.outbox] == [[member.email]]
    assert meeting.title in mail.outbox[0].subject
