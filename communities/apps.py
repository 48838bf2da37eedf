from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities of practice")

    def ready(self) -> None:
        from communities import emails  # noqa: F401  (registers its e-mail kinds)
