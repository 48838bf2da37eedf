from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """A member's digest of one week, claimed: the row is written with the digest's outbox
    message, in one transaction, and the unique constraint keeps a second sweep (or a second
    beat running at the same time) from writing another."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digests_sent",
        verbose_name=_("member"),
    )
    # The Monday (Montréal date) of the week.
    week = models.DateField(_("week of"))
    # What the digest covers: from ``since`` to when it was written.
    since = models.DateTimeField(_("news since"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        ordering = ["-week", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "week"], name="one_digest_per_member_and_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.week}"
