"""The questions' section of the weekly digest: the questions asked in the member's
communities since their last digest, open ones first, then the newest."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from digest.services import digests_enqueue
from questions.models import Answer, Question
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 7:00 in Montréal: when the beat runs.
MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("America/Montreal"))


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def roads(clock):
    return CommunityFactory(name_fr="Voirie municipale", name_en="Municipal roads")


@pytest.fixture
def reader(roads):
    """On the digest (the default choice)."""
    return MembershipFactory(community=roads, member__first_name="Rachel").member


def _question(community, title: str, *, days_ago: float, **fields) -> Question:
    author = MembershipFactory(community=community).member
    question = Question.objects.create(
        community=community, author=author, title=title, details=".", **fields
    )
    Question.objects.filter(pk=question.pk).update(created_at=MONDAY - timedelta(days=days_ago))
    return question


def _digest_of(member):
    [message] = [message for message in mail.outbox if message.to == [member.email]]
    return message


def _sweep(run_tasks) -> int:
    with run_tasks():
        return digests_enqueue()


def test_new_questions_are_listed_open_ones_first_then_the_newest(run_tasks, reader, roads):
    solved = _question(roads, "Clause de pénalité de retard", days_ago=1)
    Answer.objects.create(question=solved, author=reader, body="0,1 %", is_solution=True)
    Question.objects.filter(pk=solved.pk).update(solved_at=MONDAY - timedelta(hours=5))
    _question(roads, "Logiciel de requêtes citoyennes", days_ago=4)
    _question(roads, "Ponceau effondré", days_ago=2, urgent=True)
    _question(roads, "Question d’il y a un mois", days_ago=30)
    _question(CommunityFactory(), "Question d’une autre communauté", days_ago=1)

    _sweep(run_tasks)

    body = _digest_of(reader).body
    assert "Nouvelles questions\u00a0:" in body
    ponceau = body.index("Ponceau effondré — urgente, ouverte, 0 réponse")
    logiciel = body.index("Logiciel de requêtes citoyennes — ouverte, 0 réponse")
    clause = body.index("Clause de pénalité de retard — résolue, 1 réponse")
    assert ponceau < logiciel < clause
    assert "il y a un mois" not in body
    assert "autre communauté" not in body
    assert f"/communautes/{roads.slug}/questions/{solved.pk}/" in body


def test_a_new_question_alone_makes_a_digest(run_tasks, reader, roads):
    _question(roads, "Ponceau effondré", days_ago=2)

    _sweep(run_tasks)
    assert "Ponceau effondré" in _digest_of(reader).body
