"""A kind of message for the outbox's own tests: its parameters say what the message holds, or
that it is no longer wanted, or that building it fails."""

from django.core.mail import EmailMultiAlternatives

from notifications.registry import Skip, message_kind
from notifications.rendering import address_of, message_id

NOTE = "tests.note"


@message_kind(NOTE)
def build_note(message):
    if message.params.get("skip"):
        return Skip(message.params["skip"])
    if message.params.get("explode"):
        raise RuntimeError("the builder failed")
    address = address_of(message)
    if isinstance(address, Skip):
        return address
    to, _language = address
    return EmailMultiAlternatives(
        subject=message.params.get("title", "Une note"),
        body="Une note.",
        to=[to],
        headers={"Message-ID": message_id(message.key)},
    )
