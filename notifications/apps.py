from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The portal's one way out for e-mail: the outbox, the relay that sends it, rendering."""

    name = "notifications"
    verbose_name = _("E-mails")

    def ready(self) -> None:
        from aimq_portal import page_cache
        from notifications import builders  # noqa: F401  (registers the rendered kind)
        from notifications.models import OutboxMessage

        # The relay writes a row per e-mail; no page kept whole shows the outbox.
        page_cache.unshown_table(OutboxMessage._meta.db_table)
