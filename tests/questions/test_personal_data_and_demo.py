"""A member's questions and answers in their data download; on account closure they stay in
their threads without their author. The demo questions load once."""

import pytest
from django.core.management import call_command

from members.selectors import member_data_export
from members.services import account_close
from questions import services
from questions.models import Answer, Question
from tests.questions.conftest import answer, ask

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_members_questions_and_answers(community, asker, peer, lead):
    question = ask(community, asker, urgent=True)
    mine = answer(question, peer, "Un pont Bailey.")
    removed = answer(question, peer, "Hors sujet.")
    services.answer_remove(answer=removed, moderator=lead)
    services.question_solve(question=question, answer=mine, member=asker)

    asked = member_data_export(user=asker)["questions_asked"]
    assert [(q["title"], q["urgent"]) for q in asked] == [(question.title, True)]
    assert asked[0]["solved_at"] is not None
    answers = member_data_export(user=peer)["questions_answers"]
    assert [(a["answer"], a["solved_the_question"]) for a in answers] == [
        ("Un pont Bailey.", True),
        ("Hors sujet.", False),
    ]
    assert answers[1]["removed_by_moderation_at"] is not None
    assert member_data_export(user=lead)["questions_asked"] == []


def test_closing_an_account_keeps_its_questions_and_answers_without_their_author(
    community, asker, peer, lead
):
    question = ask(community, asker)
    reply = answer(question, peer)
    services.answer_remove(answer=answer(question, asker, "Précision"), moderator=lead)
    account_close(user=peer)
    account_close(user=lead)

    reply.refresh_from_db()
    assert reply.author is None and reply.body
    assert reply.author_name == "Ancien membre"
    assert not Answer.objects.filter(removed_by__isnull=False).exists()
    assert Answer.objects.filter(removed_at__isnull=False).count() == 1
    account_close(user=asker)
    question.refresh_from_db()
    assert question.author is None and question.title


def test_demo_questions_load_once_with_one_solved_and_one_urgent():
    call_command("load_demo_data", stdout=None)
    counts = (Question.objects.count(), Answer.objects.count())
    call_command("load_demo_data", stdout=None)
    assert (Question.objects.count(), Answer.objects.count()) == counts
    assert Question.objects.filter(urgent=True).exists()
    solved = Question.objects.solved().first()
    assert solved.answers.filter(is_solution=True).count() == 1
    assert Question.objects.open().filter(answers__isnull=True).exists()
