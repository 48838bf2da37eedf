"""The continuing-education attestations issued to members, kept so that anyone holding one can
check on a public page that it is genuine (its code).

An attestation is issued when the member downloads it: downloading again the same year with the
same content (the same meetings, hours and name) gives back the same record and code; a change
in what it attests issues a new one. Older ones stay genuine: they attested what was true on
their day."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: a code read aloud or copied from paper is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 8·10^17: not to be guessed, even without the rate limit


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Attestation(models.Model):
    code = models.CharField(_("verification code"), max_length=CODE_LENGTH, unique=True)
    # Empty once the member's account is closed: the record stays, anonymised, so that an
    # attestation already handed to a professional order can still be checked.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attestations",
        verbose_name=_("member"),
    )
    # The name as printed on the attestation (a later change of name does not rewrite it).
    holder_name = models.CharField(_("holder"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    activity_count = models.PositiveSmallIntegerField(_("activities"))
    # A digest of what the attestation states (name, year, each activity and its hours): the
    # same content is the same attestation.
    content_digest = models.CharField(_("content digest"), max_length=64)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Two clicks at once on "download" give one attestation, not two.
            models.UniqueConstraint(
                fields=["member", "year", "content_digest"],
                condition=Q(member__isnull=False),
                name="one_attestation_per_member_year_and_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} ({self.year})"

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    @property
    def holder_is_gone(self) -> bool:
        return self.member_id is None
