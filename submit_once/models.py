from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A creating form sent once: the one-time token it carried and where its result is.

    The row is written in the transaction that creates the object, so the token's uniqueness
    is the "once": a second request with the same token waits for the first to commit, then
    finds this row and is sent to ``result_url``. A failed first attempt rolls the row back and
    leaves the token usable. Rows older than a token's life are pruned (``services``)."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    result_url = models.CharField(_("result"), max_length=500)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form sent")
        verbose_name_plural = _("forms sent")

    def __str__(self) -> str:
        return self.token
