"""The questions' reads, at a fixed number of queries whatever the size of the community.

These also give a search index what it needs: ``question_text`` and ``answer_text`` (what a
question or an answer says), ``question_community_id`` (whose members may see it: the
community's members and staff only, see ``questions.permissions``) and ``question_path``."""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.urls import reverse

from communities.models import Community
from questions.models import Answer, Question


class Filter:
    ALL = ""
    OPEN = "open"
    SOLVED = "solved"
    URGENT = "urgent"
    VALUES = (OPEN, SOLVED, URGENT)


def question_list(*, community: Community, status: str = Filter.ALL) -> QuerySet[Question]:
    """Open questions first, then the newest; each with its author and its count of answers
    (removed ones not counted)."""
    questions = (
        Question.objects.filter(community=community)
        .select_related("author")
        .annotate(
            answer_count=Count("answers", filter=Q(answers__removed_at__isnull=True)),
        )
    )
    if status == Filter.OPEN:
        questions = questions.open()
    elif status == Filter.SOLVED:
        questions = questions.solved()
    elif status == Filter.URGENT:
        questions = questions.filter(urgent=True)
    # Only whether it is solved orders first: solved questions then sort by the date asked.
    is_open = ExpressionWrapper(Q(solved_at__isnull=True), output_field=BooleanField())
    return questions.annotate(is_open=is_open).order_by("-is_open", "-created_at", "-pk")


def question_for(*, community: Community, pk: int) -> Question | None:
    return (
        Question.objects.select_related("community", "author")
        .filter(community=community, pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Thread:
    """A question's answers as the page shows them: the one that solved it first (if any),
    then the others in the order they were written."""

    solution: Answer | None
    others: list[Answer]

    @property
    def count(self) -> int:
        return sum(1 for answer in self.all if not answer.is_removed)

    @property
    def all(self) -> list[Answer]:
        return ([self.solution] if self.solution else []) + self.others


def thread(question: Question) -> Thread:
    answers = list(
        Answer.objects.filter(question=question)
        .select_related("author", "removed_by")
        .order_by("created_at", "pk")
    )
    solution = next((answer for answer in answers if answer.is_solution), None)
    return Thread(solution=solution, others=[a for a in answers if a is not solution])


def member_questions(user) -> QuerySet[Question]:
    return Question.objects.filter(author=user).select_related("community")


def member_answers(user) -> QuerySet[Answer]:
    return Answer.objects.filter(author=user).select_related("question__community")


# For a search index


def visible_questions(user) -> QuerySet[Question]:
    """The questions ``user`` may read: those of their communities; every one for staff;
    none for a visitor."""
    if not user.is_authenticated:
        return Question.objects.none()
    if user.is_staff:
        return Question.objects.all()
    return Question.objects.filter(community__memberships__member=user)


def question_text(question: Question) -> str:
    return f"{question.title}\n{question.details}"


def answer_text(answer: Answer) -> str:
    """Empty for an answer removed by moderation: what it said is no longer shown."""
    return "" if answer.is_removed else answer.body


def question_community_id(question: Question) -> int:
    return question.community_id


def question_path(question: Question) -> str:
    return reverse("questions:detail", args=[question.community.slug, question.pk])


def answer_path(answer: Answer) -> str:
    return f"{question_path(answer.question)}#answer-{answer.pk}"
