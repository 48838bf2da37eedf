"""The outbox: one row per e-mail the portal must send.

A service that changes something people must hear about writes the messages here, in its own
transaction (``notifications.services.outbox_enqueue``): if the change commits, the messages
exist; if it rolls back, they never did. The relay (``notifications.relay``) sends them later,
whatever happened to the broker in between."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (no longer relevant)")


class OutboxMessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=MessageStatus.PENDING)

    def claimable(self, now):
        """Pending, due, and not held by a live claim (a claim whose lease ran out was a worker
        that died: its messages are claimed again)."""
        return self.pending().filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), next_attempt_at__lte=now
        )


class OutboxMessage(models.Model):
    """One message to one recipient.

    ``key`` names the event and the recipient (``join-request:12:submitted:to:7``); it is
    unique, so whatever writes the same message twice (a retried service, two beats at once)
    writes one row, and the relay sends each row once. ``kind`` names the registered builder
    that turns the row into an e-mail when it is sent (see ``notifications.registry``), from
    ``params`` (ids) and fresh data; a builder may decide the message is no longer relevant
    (a meeting cancelled before its reminder went out): the row is then ``skipped``."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # Lower case, so that one index answers "every message to this address" (the data export).
    to_email = models.EmailField(_("address"), max_length=254, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    # Messages rendered when they are written (allauth's), rather than by a builder when sent.
    # The body may hold a secret link (password reset): it is cleared once the message is sent.
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)

    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # The claim of the relay run sending the message, and until when it holds (a lease).
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    skipped_because = models.CharField(_("not sent because"), max_length=200, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # What the relay reads at every tick: the pending rows only, however long the history.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            ),
            models.Index(fields=["kind", "status"], name="outbox_kind_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.key
