from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The portal's one way out for e-mail: the outbox, the relay that sends it, rendering."""

    name = "notifications"
    verbose_name = _("E-mails")

    def ready(self) -> None:
        from notifications import builders  # noqa: F401  (registers the rendered kind)
