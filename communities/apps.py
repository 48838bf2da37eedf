from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities of practice")

    def ready(self) -> None:
        from communities import cards, emails  # noqa: F401  (emails registers its kinds)
        from communities.personal_data import PART
        from members.personal_data import register_personal_data

        # The member's data download and account closure include the communities' part.
        register_personal_data(PART)
        # A change to what a community card shows renders the cards again.
        cards.connect()
