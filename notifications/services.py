"""Writing to the outbox, and what staff can do with it.

``outbox_enqueue`` is called by the other apps' services inside their own transaction: the
messages are rows of that transaction, so they exist exactly when the change does. After the
commit the relay is kicked through the broker; if the broker does not answer, nothing fails:
the beat sweeps the outbox every minute (``notifications.tasks.relay_outbox``)."""

import logging
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notifications.models import MessageStatus, OutboxMessage
from notifications.recipients import Recipient, as_recipient

logger = logging.getLogger(__name__)

RENDERED = "notifications.rendered"


def outbox_kick() -> None:
    """Asks a worker to send what is pending now, if the broker answers. Never raises: a
    member's action must not fail because the broker is down; the beat sends it later."""
    from notifications.tasks import relay_outbox

    try:
        relay_outbox.apply_async(retry=False)
    except Exception:
        logger.warning("Broker unreachable: the outbox will be sent by the next sweep.")


def kick_after_commit() -> None:
    """Kicks the relay once the current transaction commits (at once outside a transaction);
    nothing if it rolls back."""
    transaction.on_commit(outbox_kick, robust=True)


def outbox_messages(
    *, kind: str, key: str, recipients: Iterable, params: dict | None = None
) -> list[OutboxMessage]:
    """The unsaved rows of one event: a message of ``kind`` per recipient (an account or a
    ``Recipient``), keyed ``<key>:to:<recipient>``. For a sweep that writes many events at once
    with ``outbox_write``; otherwise use ``outbox_enqueue``."""
    rows = []
    for who in recipients:
        recipient: Recipient = as_recipient(who)
        rows.append(
            OutboxMessage(
                key=f"{key}:to:{recipient.key}",
                kind=kind,
                params=params or {},
                recipient_id=recipient.user_id,
                to_email=recipient.email.lower(),
            )
        )
    return rows


def outbox_write(rows: list[OutboxMessage], *, kick: bool = True) -> int:
    """Writes rows in bulk, in the current transaction. A message already written under its key
    is left as it is, so writing the same event twice sends it once. The relay is kicked after
    the commit. Returns how many messages were offered."""
    if not rows:
        return 0
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if kick:
        kick_after_commit()
    return len(rows)


def outbox_enqueue(*, kind: str, key: str, recipients: Iterable, params: dict | None = None) -> int:
    """Writes one message of ``kind`` per recipient (an account or a ``Recipient``), keyed
    ``<key>:to:<recipient>``, in the current transaction, and kicks the relay after the commit.
    A message already written under its key is left as it is, so writing the same event twice
    sends it once. Returns how many messages were offered."""
    return outbox_write(outbox_messages(kind=kind, key=key, recipients=recipients, params=params))


def outbox_enqueue_rendered(
    *, to: str, subject: str, body_text: str, body_html: str = "", recipient_id: int | None = None
) -> OutboxMessage:
    """A message already rendered (allauth's account e-mails). Each is its own event, so its
    key is new."""
    message = OutboxMessage.objects.create(
        key=f"rendered:{uuid.uuid4().hex}",
        kind=RENDERED,
        recipient_id=recipient_id,
        to_email=to.lower(),
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
    )
    kick_after_commit()
    return message


def message_resend(*, message: OutboxMessage) -> bool:
    """Staff send a failed message again: it is pending once more, with its attempts counted
    from zero. A message that was sent, or is still pending, is left as it is."""
    updated = OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
        last_error="",
    )
    if updated:
        kick_after_commit()
    return bool(updated)


def messages_forget_address(*, user_id: int, addresses: Iterable[str], replacement: str) -> int:
    """Account closure: the outbox keeps which messages went out (so none is sent twice), not
    to whom: ``replacement`` (an address that routes nowhere) takes the place of the member's.
    Messages still pending for the account are not sent. ``addresses`` must be the member's
    own (confirmed) ones: another's history is never touched."""
    addresses = [address.lower() for address in addresses]
    to_member = OutboxMessage.objects.filter(recipient_id=user_id) | OutboxMessage.objects.filter(
        to_email__in=addresses
    )
    to_member.filter(status=MessageStatus.PENDING).update(
        status=MessageStatus.SKIPPED, skipped_because="account closed", claimed_until=None
    )
    return to_member.update(to_email=replacement.lower(), last_error="", body_text="", body_html="")


def messages_forget_subjects(*, kind: str, param: str, values: Iterable) -> int:
    """Empties the subjects of the messages of ``kind`` whose parameter ``param`` is one of
    ``values``: messages about a member sent to someone else ("X asks to join", to the leads),
    which name them. The app that wrote the messages knows their kind and parameters."""
    values = list(values)
    if not values:
        return 0
    return (
        OutboxMessage.objects.filter(kind=kind, **{f"params__{param}__in": values})
        .exclude(subject="")
        .update(subject="")
    )
