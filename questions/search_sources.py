"""Questions in the portal's search: each question found by its title, details and the text of
its answers (not those removed by moderation), by its community's members and staff only, as
its pages are."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from questions.models import Answer, Question
from questions.selectors import answer_text, question_path
from search.registry import Audience, Document, SearchSource, register, watch


def _document(question: Question) -> Document:
    answers = [answer_text(answer) for answer in question.indexed_answers]
    return Document(
        title=question.title,
        body="\n".join(part for part in (question.details, *answers) if part),
        url=question_path(question),
        audience=Audience.COMMUNITY,
        community_id=question.community_id,
        updated_at=question.updated_at,
    )


SOURCE = register(
    SearchSource(
        name="questions.question",
        label=_("Question"),
        queryset=lambda: Question.objects.select_related("community").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("pk"), to_attr="indexed_answers")
        ),
        document=_document,
    )
)
watch(Question, SOURCE)
watch(Answer, SOURCE, pks=lambda answer: [answer.question_id])
