from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "aimq_portal"
    verbose_name = "AIMQ"


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin on the portal's site (aimq_portal.admin_site)."""

    default = False  # PortalConfig is this module's app; this one is named in INSTALLED_APPS
    default_site = "aimq_portal.admin_site.PortalAdminSite"
