from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlySummarySent(models.Model):
    """The staff's health summary of one month, claimed: the row is written with the summary's
    outbox messages in one transaction, and the unique month keeps a second beat (or the same
    beat run twice) from writing another."""

    # The first day (Montréal date) of the month.
    month = models.DateField(_("month"), unique=True)
    recipients = models.PositiveIntegerField(_("staff members written to"), default=0)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly health summary")
        verbose_name_plural = _("monthly health summaries")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")
