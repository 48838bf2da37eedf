from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    """The talks the communities share with anyone interested: the recordings a lead marked
    public, listed, searchable and in a feed. Above meetings: it only reads their follow-ups."""

    name = "talks"
    verbose_name = _("Talks")

    def ready(self) -> None:
        from talks import search_sources  # noqa: F401  (the public talks in the search)
