from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "aimq_portal"
    verbose_name = "AIMQ"
