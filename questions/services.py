"""The questions' writes: asking, answering, editing, solving and moderating.

Solving and moderation lock the question's row, so that its ``solved_at`` and its answers'
flags change together; the partial unique index (one solution per question) and the check
(a removed answer solves nothing) hold even if a path forgot the lock."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from members.models import User
from questions import emails
from questions.models import Answer, Question
from questions.permissions import viewer_for


@transaction.atomic
def question_ask(
    *,
    community: Community,
    author: User,
    title: str,
    details: str,
    urgent: bool = False,
    attachment: UploadedFile | None = None,
) -> Question:
    if not viewer_for(author, community).can_ask:
        raise PermissionDenied
    question = Question.objects.create(
        community=community,
        author=author,
        title=title,
        details=details,
        urgent=urgent,
        attachment=attachment or "",
    )
    emails.notify_question_asked(question)
    return question


@transaction.atomic
def question_update(*, question: Question, editor: User, title: str, details: str) -> Question:
    """Its author rewords it; the urgency and the attachment stay as asked."""
    if not viewer_for(editor, question.community).can_edit_question(question):
        raise PermissionDenied
    question.title = title
    question.details = details
    question.save(update_fields=["title", "details", "updated_at"])
    return question


@transaction.atomic
def answer_post(*, question: Question, author: User, body: str) -> Answer:
    if not viewer_for(author, question.community).can_answer:
        raise PermissionDenied
    answer = Answer.objects.create(question=question, author=author, body=body)
    emails.notify_answer_posted(answer)
    return answer


EDIT_WINDOW_CLOSED = _("The time to edit this answer is over: it stays as it was.")


@transaction.atomic
def answer_update(*, answer: Answer, editor: User, body: str) -> Answer:
    """Its author may edit it for ``QUESTIONS_ANSWER_EDIT_MINUTES`` after writing it; after
    that, or once moderation removed it, a ValidationError says so."""
    answer = (
        Answer.objects.select_for_update().select_related("question__community").get(pk=answer.pk)
    )
    viewer = viewer_for(editor, answer.question.community)
    if not (viewer.can_see and viewer.is_author_of(answer)):
        raise PermissionDenied
    if not viewer.can_edit_answer(answer):
        raise ValidationError(EDIT_WINDOW_CLOSED, code="edit_window_closed")
    answer.body = body
    answer.edited_at = timezone.now()
    answer.save(update_fields=["body", "edited_at"])
    return answer


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("community").get(pk=question.pk)


@transaction.atomic
def answer_remove(*, answer: Answer, moderator: User) -> Answer:
    """A lead of the community (or staff) removes an answer: it stays in the thread as removed
    by moderation, with who removed it and when. If it had solved the question, the question
    is open again."""
    question = _locked(answer.question)
    if not viewer_for(moderator, question.community).can_moderate:
        raise PermissionDenied
    answer = Answer.objects.get(pk=answer.pk, question=question)
    if answer.is_removed:
        return answer  # removed by another moderator meanwhile: one record, theirs
    if answer.is_solution:
        question.solved_at = None
        question.save(update_fields=["solved_at"])
    answer.is_solution = False
    answer.removed_at = timezone.now()
    answer.removed_by = moderator
    answer.save(update_fields=["is_solution", "removed_at", "removed_by"])
    return answer


@transaction.atomic
def question_solve(*, question: Question, answer: Answer, member: User) -> Question:
    """The question's author marks the answer that solved it (another one marked before is
    unmarked)."""
    question = _locked(question)
    if not viewer_for(member, question.community).can_solve(question):
        raise PermissionDenied
    answer = Answer.objects.filter(pk=answer.pk, question=question).first()
    if answer is None or answer.is_removed:
        raise ValidationError(_("This answer can no longer be marked."), code="answer_removed")
    question.answers.filter(is_solution=True).exclude(pk=answer.pk).update(is_solution=False)
    if not answer.is_solution:
        answer.is_solution = True
        answer.save(update_fields=["is_solution"])
    question.solved_at = timezone.now()
    question.save(update_fields=["solved_at"])
    return question


@transaction.atomic
def question_unsolve(*, question: Question, member: User) -> Question:
    question = _locked(question)
    if not viewer_for(member, question.community).can_solve(question):
        raise PermissionDenied
    question.answers.filter(is_solution=True).update(is_solution=False)
    question.solved_at = None
    question.save(update_fields=["solved_at"])
    return question


def questions_delete(questions) -> None:
    """Staff delete questions from the admin: their threads go with them, and their
    attachments leave the storage once the deletion commits (a rollback keeps them)."""
    with transaction.atomic():
        files = [
            (question.attachment.storage, question.attachment.name)
            for question in questions
            if question.attachment
        ]
        for question in questions:
            question.delete()
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
