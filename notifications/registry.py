"""Which builder turns an outbox message of each kind into an e-mail.

Apps register their kinds when they load (their ``emails`` module, imported by their
AppConfig.ready), so this app never imports the apps above it. A builder receives the claimed
messages of its kind, a batch at a time, and answers for each an e-mail to send or a ``Skip``
(the message is no longer true: a meeting cancelled before its reminder went out)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from notifications.models import OutboxMessage


@dataclass(frozen=True)
class Skip:
    """The message is not sent; ``reason`` is shown to staff in the outbox."""

    reason: str


Built = EmailMessage | Skip
BatchBuilder = Callable[[list["OutboxMessage"]], dict[int, Built]]

_builders: dict[str, BatchBuilder] = {}


def _register(kind: str, builder: BatchBuilder) -> None:
    if kind in _builders and _builders[kind] is not builder:
        raise ImproperlyConfigured(f"Two builders for the e-mail kind {kind!r}.")
    _builders[kind] = builder


def message_kind(kind: str) -> Callable:
    """Registers a builder of one message: ``(message) -> EmailMessage | Skip``."""

    def register(build: Callable[["OutboxMessage"], Built]) -> Callable:
        def build_batch(messages: Iterable["OutboxMessage"]) -> dict[int, Built]:
            return {message.pk: build(message) for message in messages}

        build_batch.__qualname__ = build.__qualname__
        _register(kind, build_batch)
        return build

    return register


def batch_message_kind(kind: str) -> Callable:
    """Registers a builder of a batch, for kinds sent by the thousand (reminders), so that it
    reads what the batch needs in a few queries: ``(messages) -> {message.pk: EmailMessage |
    Skip}``."""

    def register(build_batch: BatchBuilder) -> BatchBuilder:
        _register(kind, build_batch)
        return build_batch

    return register


def builder_for(kind: str) -> BatchBuilder:
    try:
        return _builders[kind]
    except KeyError:
        raise LookupError(f"No builder is registered for the e-mail kind {kind!r}.") from None


def registered_kinds() -> list[str]:
    return sorted(_builders)
