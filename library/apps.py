from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Library")

    def ready(self) -> None:
        from library import digest  # noqa: F401  (registers its section of the weekly digest)
        from library.personal_data import PART
        from members.personal_data import register_personal_data

        # The member's data download and account closure include the library's part.
        register_personal_data(PART)
        # Resources in the portal's search, kept fresh on each change.
        from library import search_sources  # noqa: F401
