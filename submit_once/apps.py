from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmitOnceConfig(AppConfig):
    name = "submit_once"
    verbose_name = _("Forms sent once")
