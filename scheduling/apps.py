from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Finding a date")

    def ready(self) -> None:
        from members.personal_data import register_personal_data
        from scheduling import emails  # noqa: F401  (registers its e-mail kinds)
        from scheduling.personal_data import PART

        # The member's data download and account closure include their answers to polls.
        register_personal_data(PART)
