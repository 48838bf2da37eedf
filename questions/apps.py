from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Questions to peers")

    def ready(self) -> None:
        from members.personal_data import register_personal_data
        from questions import (
            digest,  # noqa: F401  (registers its section of the weekly digest)
            emails,  # noqa: F401  (registers its e-mail kinds)
            search_sources,  # noqa: F401  (the questions in the portal's search)
        )
        from questions.personal_data import PART

        # The member's data download and account closure include their questions and answers.
        register_personal_data(PART)
