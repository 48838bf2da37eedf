"""What pages and exports read from the outbox."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from notifications.models import MessageStatus, OutboxMessage


def messages_sent_to(
    *, user_id: int, addresses: Iterable[str], kind: str | None = None
) -> QuerySet[OutboxMessage]:
    """The messages (of ``kind``, or all) sent to an account or to any of ``addresses`` (the
    ones that are its own: its login address and those it confirmed), oldest first. Both
    columns are indexed; addresses are stored in lower case."""
    addresses = [address.lower() for address in addresses]
    messages = OutboxMessage.objects.filter(Q(recipient_id=user_id) | Q(to_email__in=addresses))
    if kind is not None:
        messages = messages.filter(kind=kind)
    return (
        messages.filter(status=MessageStatus.SENT)
        .only("to_email", "subject", "sent_at", "kind", "params")
        .order_by("sent_at", "pk")
    )
