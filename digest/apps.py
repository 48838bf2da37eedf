from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestConfig(AppConfig):
    name = "digest"
    verbose_name = _("Weekly digest")

    def ready(self) -> None:
        from digest import emails  # noqa: F401  (registers its e-mail kind)
        from digest.personal_data import PART
        from members.personal_data import register_personal_data

        register_personal_data(PART)
