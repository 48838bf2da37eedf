"""Who an outbox message goes to: an account (then its address and language are read when the
message is sent) or a bare address (staff addresses from the settings, before any staff
account exists)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None = None

    @property
    def key(self) -> str:
        """How the message key names the recipient: the account, else the address."""
        return str(self.user_id) if self.user_id is not None else self.email.lower()


def recipient_of(user) -> Recipient:
    return Recipient(email=user.email, user_id=user.pk)


def as_recipient(who) -> Recipient:
    return who if isinstance(who, Recipient) else recipient_of(who)


def staff_recipients() -> list[Recipient]:
    """The active staff accounts, or the addresses of STAFF_NOTIFICATION_EMAILS when there is
    none yet (a fresh installation)."""
    staff = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("pk")
        .values_list("pk", "email")
    )
    return [Recipient(email=email, user_id=pk) for pk, email in staff] or [
        Recipient(email=email) for email in settings.STAFF_NOTIFICATION_EMAILS
    ]
