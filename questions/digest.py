"""The questions' section of the weekly digest: the questions asked in the member's
communities since their last digest, the open ones first, then the newest. Every question of a
community is visible to its members (the digest goes to members only)."""

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from digest.registry import DigestItem, DigestRequest, digest_section
from questions.emails import question_url
from questions.models import Question


def _detail(question: Question) -> str:
    parts = []
    if question.urgent:
        parts.append(pgettext("question state", "urgent"))
    parts.append(
        pgettext("question state", "solved")
        if question.is_solved
        else pgettext("question state", "open")
    )
    count = question.answer_count
    parts.append(ngettext("%(count)d answer", "%(count)d answers", count) % {"count": count})
    return ", ".join(parts)


def _item(question: Question) -> DigestItem:
    return DigestItem(title=question.title, url=question_url(question), detail=_detail(question))


@digest_section("questions", title=_("New questions"), order=20)
def new_questions(request: DigestRequest) -> dict[tuple[int, int], list[DigestItem]]:
    """One query for the whole batch."""
    is_open = ExpressionWrapper(Q(solved_at__isnull=True), output_field=BooleanField())
    questions = (
        Question.objects.filter(
            community_id__in=request.all_communities,
            created_at__gte=request.earliest,
            created_at__lt=request.now,
        )
        .select_related("community")
        .annotate(
            is_open=is_open,
            answer_count=Count("answers", filter=Q(answers__removed_at__isnull=True)),
        )
        .order_by("-is_open", "-created_at", "-pk")
    )
    return request.per_member(questions, item=_item)
