"""One answer solves a question, whatever two clicks do at once: real threads with their own
PostgreSQL connections (see tests/communities/test_concurrency.py)."""

import pytest

from questions import services
from questions.models import Answer, Question
from tests.communities.test_concurrency import _run_together
from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_answers_marked_at_once_leave_one_solution():
    community = CommunityFactory(capacity=10)
    asker = MembershipFactory(community=community).member
    peers = [MembershipFactory(community=community).member for _ in range(4)]
    question = services.question_ask(
        community=community, author=asker, title="Ponceau", details="Effondré."
    )
    answers = [services.answer_post(question=question, author=p, body="Idée") for p in peers]

    outcomes = _run_together(
        [
            lambda answer=answer: services.question_solve(
                question=question, answer=answer, member=asker
            )
            for answer in answers
        ]
    )

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert Answer.objects.filter(question=question, is_solution=True).count() == 1
    assert Question.objects.get(pk=question.pk).is_solved


def test_a_removal_racing_a_solve_never_leaves_a_removed_solution():
    community = CommunityFactory(capacity=10)
    lead = LeadMembershipFactory(community=community).member
    asker = MembershipFactory(community=community).member
    peer = MembershipFactory(community=community).member
    question = services.question_ask(
        community=community, author=asker, title="Clause", details="Pénalité ?"
    )
    answer = services.answer_post(question=question, author=peer, body="0,1 % par jour")

    _run_together(
        [
            lambda: services.question_solve(question=question, answer=answer, member=asker),
            lambda: services.answer_remove(answer=answer, moderator=lead),
        ]
    )

    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.is_removed
    assert not answer.is_solution and not question.is_solved
