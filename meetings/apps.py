from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from aimq_portal import page_cache
        from meetings import (
            digest,  # noqa: F401  (registers its section of the weekly digest)
            emails,  # noqa: F401  (registers its e-mail kinds)
            receivers,  # noqa: F401  (connects the signal receivers)
            search_sources,  # noqa: F401  (meetings, minutes and documents in the search)
        )
        from meetings.models import MeetingReminder
        from meetings.personal_data import PART
        from members.personal_data import register_personal_data

        # The member's data download and account closure include the meetings' part.
        register_personal_data(PART)
        # The reminders' log gets a row per member and meeting; no page kept whole shows it.
        page_cache.unshown_table(MeetingReminder._meta.db_table)
