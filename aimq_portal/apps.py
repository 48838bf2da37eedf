from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "aimq_portal"
    verbose_name = "AIMQ"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created

        from aimq_portal import page_cache

        # Every connection, in every process, tells the page cache when data changed.
        connection_created.connect(page_cache.watch_connection)
        # A test that overrides a setting sees the pages it changes.
        setting_changed.connect(page_cache.settings_changed)


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the portal's site (aimq_portal.admin_site)."""

    default = False  # PortalConfig is this module's app; this one is named in INSTALLED_APPS
    default_site = "aimq_portal.admin_site.PortalAdminSite"
