"""Sending the outbox: claim a batch, build it, send it over one connection, record each send.

Exactly once, as far as a database can promise it:
- A message is *claimed* before it is sent: one transaction picks due pending rows (``FOR
  UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent relays take different rows) and stamps them
  with this run's token and a lease (``claimed_until``). Nobody else claims a row while its
  lease runs.
- The lease (OUTBOX_LEASE_SECONDS) is longer than a task may live (CELERY_TASK_TIME_LIMIT), so a
  live relay never loses its rows; a relay that dies (killed worker, lost machine) leaves rows
  whose lease runs out: the next sweep claims them again. A crash delays, it does not lose.
- A message is marked sent right after the mail server accepted it, by a conditional UPDATE.

The duplicate window: a message goes out twice only when the server accepted it and the relay
died (or its connection to the database failed) before that UPDATE, a few milliseconds; or when
the server accepted it but its answer was lost to the send timeout. Its lease then runs out and
it is sent again, with the same Message-ID, which lets mail clients tell it is the same.

A mail server that refuses one message (a bad address) costs that message an attempt, retried
later with back-off (``retry_delay``) and failed after OUTBOX_MAX_ATTEMPTS; one that stops
answering or drops the connection ends the run, and every unsent claim is released for the
next run."""

import logging
import random
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from notifications import registry
from notifications.models import MessageStatus, OutboxMessage
from notifications.registry import Skip

logger = logging.getLogger(__name__)

# The server refused this message (a bad address, a rejected content): the others may go.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)
# Otherwise the connection failed (smtplib's errors are OSErrors, as are time-outs and refused
# connections): the rest of the batch would fail the same way.
CONNECTION_ERRORS = (OSError,)


def lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 30 s, 1 min, 2 min … doubling up to an hour, with a
    little jitter so that messages failed together are not retried together."""
    base = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base * random.uniform(0.9, 1.1))


@dataclass
class RelayReport:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    batches: int = 0
    more: bool = False  # its time box ran out with messages maybe left: a successor may go on
    server_down: bool = False  # the mail server failed: the next sweep tries again
    errors: list[str] = field(default_factory=list)


def _claim_in_one_statement(*, size: int, now: datetime, token: str) -> list[int]:
    """PostgreSQL: picks and stamps the batch in one statement, ``WITH picked AS MATERIALIZED
    (SELECT … FOR UPDATE SKIP LOCKED) UPDATE … WHERE id IN (SELECT pk FROM picked) RETURNING
    id``: concurrent relays skip each other's rows, and a claim costs one round trip. The inner
    SELECT is the ORM's ``claimable`` (one place for the rule)."""
    table = OutboxMessage._meta.db_table
    picked = (
        OutboxMessage.objects.claimable(now)
        .order_by("next_attempt_at", "pk")
        .select_for_update(skip_locked=True)
        .values("pk")[:size]
    )
    with transaction.atomic():  # FOR UPDATE compiles only inside a transaction
        picked_sql, picked_params = picked.query.sql_with_params()
        with db_connection.cursor() as cursor:
            cursor.execute(
                # MATERIALIZED: the batch is picked once. As a plain subquery of the IN, the
                # planner may scan it again for each row (a nested loop), and each scan skips
                # the rows the previous one just locked: a LIMIT 1 then claimed two messages.
                f'WITH "picked" AS MATERIALIZED ({picked_sql}) '  # noqa: S608
                f'UPDATE "{table}" SET "claimed_by" = %s, "claimed_until" = %s '
                f'WHERE "id" IN (SELECT "pk" FROM "picked") RETURNING "id"',
                [*picked_params, token, now + lease()],
            )
            return [row[0] for row in cursor.fetchall()]


def claim_batch(*, size: int, now: datetime | None = None) -> list[OutboxMessage]:
    """Claims up to ``size`` due messages for this run and returns them, oldest first."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if db_connection.vendor == "postgresql":
        ids = _claim_in_one_statement(size=size, now=now, token=token)
        if not ids:
            return []
        return list(
            OutboxMessage.objects.filter(pk__in=ids).select_related("recipient").order_by("pk")
        )
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.claimable(now)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        # Conditional as well: on SQLite, which has no row locks, two relays may read the same
        # ids; the one whose UPDATE comes second finds them claimed and takes none.
        OutboxMessage.objects.filter(pk__in=ids).claimable(now).update(
            claimed_by=token, claimed_until=now + lease()
        )
    return list(
        OutboxMessage.objects.filter(pk__in=ids, claimed_by=token)
        .select_related("recipient")
        .order_by("pk")
    )


def _build(messages: list[OutboxMessage]) -> dict[int, registry.Built | Exception]:
    built: dict[int, registry.Built | Exception] = {}
    by_kind: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for kind, of_kind in by_kind.items():
        try:
            built.update(registry.builder_for(kind)(of_kind))
        except Exception as error:
            # A builder's bug (or a lookup that failed) costs its messages an attempt; the
            # other kinds of the batch go on.
            logger.exception("Could not build %d outbox message(s) of kind %s", len(of_kind), kind)
            built.update({message.pk: error for message in of_kind})
    return built


# The conditional UPDATE of _mark_sent, as SQL: it runs for every message, and the ORM's
# building of it cost more than the statement itself (about 0.45 of 0.7 ms a message).
_OUTBOX_TABLE = OutboxMessage._meta.db_table
_MARK_SENT_SQL = (
    f'UPDATE "{_OUTBOX_TABLE}" SET "status" = %s, "sent_at" = %s, "subject" = %s, '  # noqa: S608
    '"to_email" = %s, "attempts" = "attempts" + 1, "claimed_until" = NULL, "last_error" = %s, '
    '"body_text" = %s, "body_html" = %s WHERE "id" = %s AND "status" = %s'
)


def _mark_sent(message: OutboxMessage, email) -> None:
    """Records a send right after the server accepted it, one message at a time, so that a
    worker's death resends at most the message in flight."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT_SQL,
            [
                MessageStatus.SENT.value,
                db_connection.ops.adapt_datetimefield_value(timezone.now()),
                str(email.subject)[:255],
                (email.to[0] if email.to else message.to_email).lower(),
                "",  # last_error
                # A rendered message may carry a secret link (password reset): not kept once sent.
                "",  # body_text
                "",  # body_html
                message.pk,
                MessageStatus.PENDING.value,
            ],
        )


def _mark_skipped(message: OutboxMessage, reason: str) -> None:
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.PENDING).update(
        status=MessageStatus.SKIPPED, skipped_because=reason[:200], claimed_until=None
    )


def _mark_failed_attempt(message: OutboxMessage, error: BaseException) -> str:
    """Counts a failed attempt: retried after a back-off, or failed for good. Returns which."""
    attempts = message.attempts + 1
    gave_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.PENDING).update(
        status=MessageStatus.FAILED if gave_up else MessageStatus.PENDING,
        attempts=attempts,
        next_attempt_at=timezone.now() + retry_delay(attempts),
        claimed_until=None,
        last_error=repr(error)[:2000],
    )
    return "failed" if gave_up else "retried"


def _release(messages: list[OutboxMessage], error: BaseException | None = None) -> None:
    """Gives back claims this run will not use, without counting an attempt: the next run takes
    them at once. The error that stopped the run is shown to staff."""
    if not messages:
        return
    changes = {"claimed_until": None}
    if error is not None:
        changes["last_error"] = repr(error)[:2000]
    OutboxMessage.objects.filter(
        pk__in=[message.pk for message in messages], status=MessageStatus.PENDING
    ).update(**changes)


def _count(report: "RelayReport", outcome: str, error: BaseException) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)
    report.errors.append(repr(error))


def _send_batch(messages: list[OutboxMessage], connection, report: RelayReport) -> bool:
    """Sends a claimed batch; False when the connection failed and the run must stop."""
    built = _build(messages)
    for index, message in enumerate(messages):
        result = built.get(message.pk, LookupError("the builder gave nothing"))
        if isinstance(result, Skip):
            _mark_skipped(message, result.reason)
            report.skipped += 1
            continue
        if isinstance(result, Exception):
            _count(report, _mark_failed_attempt(message, result), result)
            continue
        try:
            connection.send_messages([result])
        except SoftTimeLimitExceeded:
            # Whether the server took this one is unknown: it keeps its claim and goes again
            # when the lease ends (the duplicate window). The rest is released.
            _release(messages[index + 1 :])
            raise
        except MESSAGE_ERRORS as error:
            logger.warning("Mail server refused outbox message %s: %r", message.pk, error)
            _count(report, _mark_failed_attempt(message, error), error)
            continue
        except CONNECTION_ERRORS as error:
            logger.warning("Mail server unreachable, outbox run stopped: %r", error)
            _count(report, _mark_failed_attempt(message, error), error)
            _release(messages[index + 1 :], error)
            report.server_down = True
            return False
        except Exception as error:
            logger.exception("Outbox message %s could not be sent", message.pk)
            _count(report, _mark_failed_attempt(message, error), error)
            continue
        _mark_sent(message, result)
        report.sent += 1
    return True


def _commit_without_waiting_for_the_disk(on: bool) -> None:
    """On PostgreSQL, the relay's "sent" marks commit without waiting for the write-ahead log
    to reach the disk (synchronous_commit off, for this connection while it relays): a mark per
    message then costs a round trip, not a disk flush. The mark is still durable against a
    worker's death (the server has it); only a crash of the database server itself within a
    fraction of a second could lose the last marks, and those messages would be sent again."""
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        return
    with db_connection.cursor() as cursor:
        cursor.execute(f"SET synchronous_commit TO {'OFF' if on else 'DEFAULT'}")


def relay(
    *,
    batch_size: int | None = None,
    time_box: float | None = None,
    on_full_batch: Callable[[], None] | None = None,
) -> RelayReport:
    """Sends due messages, a batch at a time over one mail-server connection, until none is due
    or ``time_box`` seconds have passed (then ``report.more`` says more may be waiting).
    ``on_full_batch`` is called once, when a first batch comes full: more are likely waiting,
    and another relay may help."""
    batch_size = batch_size or settings.OUTBOX_BATCH_SIZE
    time_box = settings.OUTBOX_RELAY_SECONDS if time_box is None else time_box
    started = time.monotonic()
    report = RelayReport()
    connection = None
    try:
        _commit_without_waiting_for_the_disk(True)
        while True:
            if time.monotonic() - started > time_box:
                report.more = True
                break
            messages = claim_batch(size=batch_size)
            if not messages:
                break
            report.batches += 1
            if report.batches == 1 and len(messages) == batch_size and on_full_batch:
                on_full_batch()
            if connection is None:
                connection = get_connection(fail_silently=False)
                try:
                    connection.open()
                except CONNECTION_ERRORS as error:
                    logger.warning("Mail server unreachable: %r", error)
                    _release(messages, error)
                    report.server_down = True
                    report.errors.append(repr(error))
                    connection = None
                    break
            if not _send_batch(messages, connection, report):
                break
            if len(messages) < batch_size:
                break
    finally:
        _commit_without_waiting_for_the_disk(False)
        if connection is not None:
            try:
                connection.close()
            except Exception:  # closing a broken connection must not hide what happened
                logger.debug("Closing the mail connection failed", exc_info=True)
    return report
