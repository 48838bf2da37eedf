from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Members' directory")

    def ready(self) -> None:
        # The listed members in the portal's search, kept fresh on each change.
        from directory import search_sources  # noqa: F401
