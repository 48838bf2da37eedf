"""The outbox: every message is written with the change it tells of, sent once, never lost.

The relay is tested layer by layer: the claim (a message being sent is not claimed again; a
dead worker's claim is taken again after its lease), the send (a refused message is retried
with back-off, a dropped connection releases the rest, a message no longer true is skipped)."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import relay as relay_module
from notifications.models import OutboxMessage
from notifications.recipients import Recipient
from notifications.relay import claim_batch, relay
from notifications.services import outbox_enqueue, outbox_enqueue_rendered
from tests.factories import UserFactory
from tests.notifications.kinds import NOTE

pytestmark = pytest.mark.django_db


def _write(key="note:1", recipients=None, **params) -> list[OutboxMessage]:
    recipients = recipients if recipients is not None else [UserFactory()]
    outbox_enqueue(kind=NOTE, key=key, recipients=recipients, params=params)
    return list(OutboxMessage.objects.filter(key__startswith=f"{key}:").order_by("pk"))


def _status(message: OutboxMessage) -> str:
    message.refresh_from_db()
    return message.status


# Writing


def test_messages_written_in_a_transaction_that_rolls_back_never_exist():
    member = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(kind=NOTE, key="note:rolled-back", recipients=[member])
        raise RuntimeError("the change failed")

    assert not OutboxMessage.objects.exists()


def test_writing_the_same_message_twice_keeps_one_row():
    member = UserFactory()
    outbox_enqueue(kind=NOTE, key="note:twice", recipients=[member])
    outbox_enqueue(kind=NOTE, key="note:twice", recipients=[member])

    assert OutboxMessage.objects.count() == 1


def test_a_bare_address_is_written_in_lower_case_and_keyed_by_it():
    outbox_enqueue(kind=NOTE, key="note:staff", recipients=[Recipient(email="Staff@Example.org")])

    message = OutboxMessage.objects.get()
    assert (message.key, message.to_email, message.recipient_id) == (
        "note:staff:to:staff@example.org",
        "staff@example.org",
        None,
    )


# Sending


def test_the_relay_sends_what_is_pending_once():
    member = UserFactory(email="ginette@example.org")
    (message,) = _write(title="Bonjour", recipients=[member])

    first, second = relay(), relay()

    assert (first.sent, second.sent) == (1, 0)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ginette@example.org"], "Bonjour")]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.subject) == ("sent", 1, "Bonjour")
    assert message.sent_at is not None and message.claimed_until is None


def test_a_message_carries_a_message_id_that_stays_the_same_for_the_same_message():
    (message,) = _write(key="note:id")
    relay()
    first_id = mail.outbox[0].extra_headers["Message-ID"]
    # Sent again (staff resent it, or its first send's acknowledgement was lost).
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending", sent_at=None)
    relay()

    assert mail.outbox[1].extra_headers["Message-ID"] == first_id
    assert first_id.startswith("<") and first_id.endswith("@example.org>")
    assert len({first_id, _sent_id_of(key="note:other")}) == 2


def _sent_id_of(key: str) -> str:
    _write(key=key)
    relay()
    return mail.outbox[-1].extra_headers["Message-ID"]


def test_a_message_goes_to_the_address_the_member_has_when_it_is_sent():
    member = UserFactory(email="ancienne@example.org")
    _write(recipients=[member])
    member.email = "nouvelle@example.org"
    member.save()

    relay()

    assert mail.outbox[0].to == ["nouvelle@example.org"]


def test_a_message_no_longer_wanted_is_skipped_with_its_reason():
    (message,) = _write(skip="the meeting was cancelled")

    report = relay()

    assert (report.sent, report.skipped, mail.outbox) == (0, 1, [])
    message.refresh_from_db()
    assert (message.status, message.skipped_because) == ("skipped", "the meeting was cancelled")


def test_a_message_to_a_closed_account_is_skipped():
    member = UserFactory(is_active=False)
    (message,) = _write(recipients=[member])

    relay()

    assert mail.outbox == [] and _status(message) == "skipped"


# The claim: a message in the hands of a relay is not sent by another


def test_a_message_being_sent_is_not_claimed_again():
    _write()
    held = claim_batch(size=10)

    assert len(held) == 1
    assert claim_batch(size=10) == []
    assert relay().sent == 0 and mail.outbox == []


def test_a_claim_whose_worker_died_is_taken_again_once_its_lease_has_run_out(settings):
    settings.OUTBOX_LEASE_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        (message,) = _write()
        claim_batch(size=10)  # the worker that claimed it died before sending

    with time_machine.travel(start + timedelta(seconds=599), tick=False):
        assert relay().sent == 0
    with time_machine.travel(start + timedelta(seconds=601), tick=False):
        assert relay().sent == 1
        assert relay().sent == 0

    assert len(mail.outbox) == 1 and _status(message) == "sent"


def test_claims_take_the_oldest_due_messages_first():
    older = _write(key="note:older")[0]
    newer = _write(key="note:newer")[0]

    assert [m.pk for m in claim_batch(size=1)] == [older.pk]
    assert [m.pk for m in claim_batch(size=1)] == [newer.pk]


@pytest.mark.postgres
def test_on_postgresql_a_claim_is_one_update_returning_what_it_took():
    """The batch is picked and stamped by one statement (FOR UPDATE SKIP LOCKED inside), then
    read with its recipients: two statements per batch, whatever its size."""
    for number in range(5):
        _write(key=f"note:{number}")
    with CaptureQueriesContext(connection) as queries:
        claimed = claim_batch(size=3)

    statements = [query["sql"] for query in queries if not query["sql"].startswith("SAVEPOINT")]
    statements = [sql for sql in statements if not sql.startswith("RELEASE SAVEPOINT")]
    assert len(claimed) == 3
    assert len(statements) == 2
    assert statements[0].startswith("WITH") and "SKIP LOCKED" in statements[0]
    assert "UPDATE" in statements[0] and "RETURNING" in statements[0]
    assert len(claim_batch(size=10)) == 2  # the other two, not the three held


@pytest.mark.postgres
def test_on_postgresql_claims_of_one_take_one_each_time_with_hash_plans_off():
    """The full suite once saw a claim of one take two: as a plain ``id IN (subquery)`` the
    planner may scan the subquery again, and each scan skips the rows the last one locked.
    The batch is now a MATERIALIZED CTE, scanned once. (This test did not reproduce that
    plan in isolation; it holds the claim's size and its order under unusual plans.)"""
    for number in range(20):
        _write(key=f"note:{number}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_outboxmessage")
    with transaction.atomic():
        with connection.cursor() as cursor:
            for setting in (
                "enable_hashjoin",
                "enable_mergejoin",
                "enable_hashagg",
                "enable_material",
            ):
                cursor.execute(f"SET LOCAL {setting} = off")
        claims = [[message.pk for message in claim_batch(size=1)] for _ in range(5)]

    oldest = list(OutboxMessage.objects.order_by("next_attempt_at", "pk").values_list("pk")[:5])
    assert claims == [[pk] for (pk,) in oldest]


# Failures


def test_a_refused_message_is_retried_later_and_the_rest_of_the_batch_goes():
    good, bad = UserFactory(email="bonne@example.org"), UserFactory(email="mauvaise@example.org")
    _write(key="note:batch", recipients=[bad, good])
    real_send = mail.backends.locmem.EmailBackend.send_messages

    def refuse_one(backend, messages):
        if messages[0].to == ["mauvaise@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"mauvaise@example.org": (550, b"unknown")})
        return real_send(backend, messages)

    start = timezone.now()
    with (
        time_machine.travel(start, tick=False),
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse_one),
    ):
        report = relay()
    assert (report.sent, report.retried) == (1, 1)
    refused = OutboxMessage.objects.get(to_email="mauvaise@example.org")
    assert (refused.status, refused.attempts) == ("pending", 1)
    assert "550" in refused.last_error
    # Back-off: about 30 seconds after a first failure, not at once.
    assert timedelta(seconds=25) <= refused.next_attempt_at - start <= timedelta(seconds=35)
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert relay().sent == 0

    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        assert relay().sent == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["bonne@example.org", "mauvaise@example.org"]


@override_settings(OUTBOX_MAX_ATTEMPTS=3)
def test_a_message_refused_every_time_fails_after_its_last_attempt():
    (message,) = _write()
    moment = timezone.now()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPRecipientsRefused({}),
    ):
        for _ in range(5):
            moment += timedelta(hours=2)
            with time_machine.travel(moment, tick=False):
                relay()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)


def test_a_dropped_connection_stops_the_run_and_releases_the_rest_untouched():
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    _write(key="note:drop", recipients=[first, second, third])

    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("connection lost"),
    ):
        report = relay()

    assert report.server_down and (report.sent, report.retried) == (0, 1)
    tried, *released = OutboxMessage.objects.order_by("pk")
    assert (tried.attempts, tried.status) == (1, "pending")
    for message in released:
        assert (message.attempts, message.claimed_until, message.status) == (0, None, "pending")
        assert "connection lost" in message.last_error
    assert relay().sent == 2  # the released ones go at the next run, the failed one later


def test_a_builder_that_fails_costs_its_messages_an_attempt_and_other_kinds_go_on():
    broken = _write(key="note:broken", explode=True)[0]
    member = UserFactory()
    outbox_enqueue_rendered(to=member.email, subject="Autre", body_text="Texte")

    report = relay()

    assert report.sent == 1 and [m.subject for m in mail.outbox] == ["Autre"]
    broken.refresh_from_db()
    assert (broken.status, broken.attempts) == ("pending", 1)
    assert "the builder failed" in broken.last_error


def test_a_silent_mail_server_times_out_instead_of_holding_the_worker(settings):
    """A server that accepts the connection and then says nothing: the send gives up after
    EMAIL_TIMEOUT, the message waits for the next run."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    (message,) = _write()
    try:
        report = relay()
    finally:
        listener.close()

    assert report.server_down and report.sent == 0
    message.refresh_from_db()
    assert message.status == "pending" and "timed out" in message.last_error.lower()


# A run's limits


def test_a_run_stops_at_its_time_box_and_says_more_may_wait():
    _write(key="note:many", recipients=[UserFactory() for _ in range(3)])
    clock = iter([0.0, 0.0, 100.0, 100.0])

    with mock.patch.object(relay_module.time, "monotonic", lambda: next(clock)):
        report = relay(batch_size=1, time_box=50)

    assert report.sent == 1 and report.more


def test_a_full_first_batch_calls_for_help_once():
    _write(key="note:many", recipients=[UserFactory() for _ in range(5)])
    calls = []

    report = relay(batch_size=2, on_full_batch=lambda: calls.append(1))

    assert report.sent == 5 and report.batches == 3 and calls == [1]


# Account messages (allauth) rendered when written


def test_a_rendered_message_forgets_its_body_once_sent():
    member = UserFactory()
    message = outbox_enqueue_rendered(
        to=member.email,
        subject="Réinitialisation",
        body_text="Lien secret : https://portail/reset/abc",
        body_html="<p>Lien secret</p>",
        recipient_id=member.pk,
    )

    relay()

    assert "Lien secret" in mail.outbox[0].body
    message.refresh_from_db()
    assert (message.status, message.body_text, message.body_html) == ("sent", "", "")
    assert message.subject == "Réinitialisation"


def test_pending_messages_are_read_through_the_partial_index():
    names = {index.name for index in OutboxMessage._meta.indexes}
    assert "outbox_pending_due" in names
    assert OutboxMessage._meta.get_field("to_email").db_index
