from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailDelivery(models.Model):
    """One row per e-mail the portal must send once (a notification, a reminder...).

    ``key`` names the message and its recipient; its uniqueness plus the conditional claim in
    ``aimq_portal.mail.send_once`` make a second send impossible, whatever runs twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
