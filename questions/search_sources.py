"""Questions in the portal's search: each question found by its title, details, the text of
its attachment and of its answers (not those removed by moderation), by its community's
members and staff only, as its pages are."""

from django.db.models import Prefetch
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from questions.models import Answer, Question
from questions.selectors import answer_text, question_path
from search.extraction import extract_file_text
from search.registry import Audience, Document, SearchSource, register, watch


@receiver(pre_save, sender=Question, dispatch_uid="questions:attachment_text")
def _read_attachment_text(
    sender, instance: Question, raw=False, update_fields=None, **kwargs
) -> None:
    """Reads the attachment's words once, before it is stored (an attachment never changes
    after the question is asked); a file that cannot be read has none, and the question is
    asked all the same (search.extraction never raises). A save of chosen fields (solved, an
    edit) would not keep them: the search reads them then, once (_attachment_text)."""
    if raw or update_fields is not None:
        return
    if instance.attachment_text is None and instance.attachment:
        instance.attachment_text = extract_file_text(instance.attachment)


def _attachment_text(question: Question) -> str:
    if not question.attachment:
        return ""
    if question.attachment_text is None:  # attached before the search read files: read it now
        question.attachment_text = extract_file_text(question.attachment)
        Question.objects.filter(pk=question.pk).update(attachment_text=question.attachment_text)
    return question.attachment_text


def _document(question: Question) -> Document:
    answers = [answer_text(answer) for answer in question.indexed_answers]
    return Document(
        title=question.title,
        body="\n".join(
            part for part in (question.details, _attachment_text(question), *answers) if part
        ),
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
