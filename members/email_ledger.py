"""The e-mail ledger's share of a member's personal data, in one place: every read or write of
``aimq_portal.models.EmailDelivery`` done for the data download or the closure of an account
is one of these functions. When the ledger gives way to the notifications outbox, these are
what change (their callers stay).

The ledger records which messages went out, so that none is sent twice; it names their
recipient and keeps their subject."""

from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from aimq_portal.models import EmailDelivery


def _to(addresses: Iterable[str]) -> Q:
    return reduce(or_, (Q(recipient__iexact=address) for address in addresses), Q(pk__in=[]))


def ledger_export(*, addresses: Sequence[str]) -> list[dict[str, Any]]:
    """The messages sent to the member's addresses (their own: ``member_addresses``), oldest
    first. One query."""
    deliveries = EmailDelivery.objects.filter(_to(addresses), sent_at__isnull=False)
    return [
        {"to": delivery.recipient, "subject": delivery.subject, "sent_at": delivery.sent_at}
        for delivery in deliveries.order_by("sent_at", "pk")
    ]


def ledger_forget_recipient(*, addresses: Sequence[str], replacement: str) -> int:
    """The messages to a closed account stay recorded (so none is sent twice), addressed to
    ``replacement``, which routes nowhere; a failed attempt's error, which may quote the
    address, goes. One query; returns how many rows changed."""
    return EmailDelivery.objects.filter(_to(addresses)).update(recipient=replacement, last_error="")


def ledger_forget_subjects(*, key_prefixes: Sequence[str]) -> int:
    """Empties the subjects of the messages whose key starts with one of ``key_prefixes``:
    messages about a member sent to someone else (leads told that "X asks to join"), which
    name them. The app that wrote the messages knows their keys. One query."""
    if not key_prefixes:
        return 0
    about = reduce(or_, (Q(key__startswith=prefix) for prefix in key_prefixes))
    return EmailDelivery.objects.filter(about).exclude(subject="").update(subject="")
