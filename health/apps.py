from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Community health")

    def ready(self) -> None:
        from health import emails  # noqa: F401  (registers the monthly summary's e-mail kind)
