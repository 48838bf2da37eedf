"""The search index: one row per thing a search can find, written by the sources the apps
register (search.registry) and read by search.selectors."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Community


class Audience(models.TextChoices):
    """Who may find an entry. Checked in SQL by search.selectors.visible_entries."""

    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in members")
    # Members of at least one community: the library's "all the association's members".
    ASSOCIATION = "association", _("Members of any community")
    COMMUNITY = "community", _("The community's members")
    STAFF = "staff", _("Staff")


class SearchEntry(models.Model):
    source = models.CharField(_("source"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    updated_at = models.DateTimeField(_("updated"))
    # Lower-cased, accents stripped (search.text.normalise): the embedded SQLite search (left
    # empty on PostgreSQL, which reads search_vector).
    plain_title = models.TextField(_("normalised title"), blank=True)
    plain = models.TextField(_("normalised text"), blank=True)
    # PostgreSQL only: kept by a trigger (migration 0002) from the title (weight A) and the text
    # (weight B), stemmed in French and in English, accents ignored. Always NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="one_entry_per_object"),
            models.CheckConstraint(
                condition=~Q(audience="community") | Q(community__isnull=False),
                name="community_audience_has_a_community",
            ),
        ]
        # No index on the audience: it keeps most rows, and the planner would pick it over the
        # GIN index of the words (migration 0002), which keeps few.

    def __str__(self) -> str:
        return f"{self.source} #{self.object_id}: {self.title}"
