"""Who may do what with a community's questions, computed once per request into a ``Viewer``
that views, templates and services share.

Questions are the community's business: only its members and the association's staff see
them (and may ask and answer). The question's author marks the answer that solved it; an
answer's author may edit it for a short while (``QUESTIONS_ANSWER_EDIT_MINUTES``); the
community's leads and staff remove answers (moderation)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from communities.models import Community, Membership, Role
from questions.models import Answer, Question


@dataclass(frozen=True)
class Viewer:
    """A reader of one community's questions: who they are and their role there."""

    user_id: int | None
    is_staff: bool
    role: str | None  # Role.MEMBER, Role.LEAD, or None when not a member

    @property
    def is_member(self) -> bool:
        return self.role is not None

    @property
    def can_see(self) -> bool:
        return self.is_staff or self.is_member

    @property
    def can_ask(self) -> bool:
        return self.can_see

    @property
    def can_answer(self) -> bool:
        return self.can_see

    @property
    def can_moderate(self) -> bool:
        return self.is_staff or self.role == Role.LEAD

    def is_author_of(self, item: Question | Answer) -> bool:
        return self.user_id is not None and item.author_id == self.user_id

    def can_edit_question(self, question: Question) -> bool:
        return self.can_see and self.is_author_of(question)

    def can_solve(self, question: Question) -> bool:
        """Only the one who asked says which answer solved their question."""
        return self.can_see and self.is_author_of(question)

    def can_edit_answer(self, answer: Answer, *, now: datetime | None = None) -> bool:
        return (
            self.can_see
            and self.is_author_of(answer)
            and not answer.is_removed
            and (now or timezone.now()) < edit_deadline(answer)
        )

    def can_remove_answer(self, answer: Answer) -> bool:
        return self.can_moderate and not answer.is_removed


def edit_deadline(answer: Answer) -> datetime:
    return answer.created_at + timedelta(minutes=settings.QUESTIONS_ANSWER_EDIT_MINUTES)


def viewer_for(user, community: Community) -> Viewer:
    """One query for a signed-in member, none for a visitor."""
    if not user.is_authenticated:
        return Viewer(user_id=None, is_staff=False, role=None)
    role = (
        Membership.objects.filter(community=community, member=user)
        .values_list("role", flat=True)
        .first()
    )
    return Viewer(user_id=user.pk, is_staff=user.is_staff, role=role)
