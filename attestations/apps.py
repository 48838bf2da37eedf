from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttestationsConfig(AppConfig):
    name = "attestations"
    verbose_name = _("Continuing-education attestations")

    def ready(self) -> None:
        from attestations.personal_data import PART
        from members.personal_data import register_personal_data

        # The member's data download and account closure include their attestations.
        register_personal_data(PART)
