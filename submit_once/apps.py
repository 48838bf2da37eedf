from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmitOnceConfig(AppConfig):
    name = "submit_once"
    verbose_name = _("Forms sent once")

    def ready(self) -> None:
        from aimq_portal import page_cache
        from submit_once.forms import TOKEN_FIELD, new_token

        # A page kept whole (aimq_portal.page_cache) gives each of its responses its own
        # one-time token: two tabs of one page are two submissions.
        page_cache.fill_afresh(
            rb'name="(?:[\w-]+-)?' + TOKEN_FIELD.encode() + rb'" value="([^"]+)"',
            lambda request: new_token(),
        )
