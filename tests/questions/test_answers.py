"""An answer's life: edited by its author for a short while only, removed by moderation with
a record of who and when."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from questions.models import Answer
from tests.factories import StaffFactory
from tests.questions.conftest import answer

pytestmark = pytest.mark.django_db

WRITTEN = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("America/Montreal"))


def edit_url(reply) -> str:
    question = reply.question
    return reverse("questions:answer_edit", args=[question.community.slug, question.pk, reply.pk])


def remove_url(reply) -> str:
    question = reply.question
    return reverse("questions:answer_remove", args=[question.community.slug, question.pk, reply.pk])


def detail(client, question) -> str:
    url = reverse("questions:detail", args=[question.community.slug, question.pk])
    return client.get(url).content.decode()


def test_the_author_edits_an_answer_within_the_window(client, question, peer, time_machine):
    time_machine.move_to(WRITTEN, tick=False)
    reply = answer(question, peer, "Un pont Bailey.")
    client.force_login(peer)
    time_machine.move_to(WRITTEN + timedelta(minutes=14), tick=False)
    assert edit_url(reply) in detail(client, question)
    page = client.get(edit_url(reply))
    assert "Vous pouvez la modifier jusqu'à 9\u00a0h\u00a015." in page.content.decode()
    response = client.post(edit_url(reply), {"body": "Un pont Bailey, loué 18 000 $ par mois."})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "Un pont Bailey, loué 18 000 $ par mois."
    assert reply.edited_at is not None
    assert "modifiée" in detail(client, question)


def test_after_the_window_the_button_goes_and_a_post_is_refused(
    client, question, peer, time_machine
):
    time_machine.move_to(WRITTEN, tick=False)
    reply = answer(question, peer, "Un pont Bailey.")
    client.force_login(peer)
    time_machine.move_to(WRITTEN + timedelta(minutes=15), tick=False)
    assert edit_url(reply) not in detail(client, question)
    response = client.post(edit_url(reply), {"body": "Trop tard"}, follow=True)
    assert "Le délai pour modifier cette réponse est passé" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Un pont Bailey."


def test_the_window_is_a_setting(client, question, peer, settings, time_machine):
    settings.QUESTIONS_ANSWER_EDIT_MINUTES = 60
    time_machine.move_to(WRITTEN, tick=False)
    reply = answer(question, peer)
    client.force_login(peer)
    time_machine.move_to(WRITTEN + timedelta(minutes=59), tick=False)
    assert client.get(edit_url(reply)).status_code == 200


def test_nobody_else_edits_an_answer(client, question, peer, lead, asker):
    reply = answer(question, peer, "Un pont Bailey.")
    for other in (lead, asker, StaffFactory()):
        client.force_login(other)
        assert client.post(edit_url(reply), {"body": "Réécrite"}).status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Un pont Bailey."


def test_an_empty_edit_is_refused_beside_the_field(client, question, peer):
    reply = answer(question, peer)
    client.force_login(peer)
    response = client.post(edit_url(reply), {"body": ""})
    assert response.status_code == 200
    assert "body" in response.context["form"].errors


@pytest.mark.parametrize("moderator", ["lead", "staff"])
def test_a_lead_or_staff_removes_an_answer_and_the_removal_is_recorded(
    client, question, peer, lead, asker, moderator, time_machine
):
    time_machine.move_to(WRITTEN, tick=False)
    reply = answer(question, peer, "Propos déplacés sur un collègue.")
    client.force_login(asker)
    client.post(reverse("questions:solve", args=[question.community.slug, question.pk, reply.pk]))
    who = lead if moderator == "lead" else StaffFactory()
    client.force_login(who)
    assert "Propos déplacés" in client.get(remove_url(reply)).content.decode()
    time_machine.move_to(WRITTEN + timedelta(hours=2), tick=False)
    response = client.post(remove_url(reply), follow=True)
    assert "La réponse est retirée de la discussion." in response.content.decode()

    reply.refresh_from_db()
    question.refresh_from_db()
    assert reply.removed_by == who
    assert reply.removed_at == WRITTEN + timedelta(hours=2)
    # It no longer solves the question.
    assert not reply.is_solution and not question.is_solved

    client.force_login(peer)
    page = detail(client, question)
    assert "Réponse retirée par la modération" in page
    assert "Propos déplacés" not in page
    assert "0 réponse" in page
    # Its author can no longer edit it, even within the window.
    time_machine.move_to(WRITTEN + timedelta(minutes=5), tick=False)
    response = client.post(edit_url(reply), {"body": "Je corrige"}, follow=True)
    assert "Cette réponse a été retirée par la modération" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Propos déplacés sur un collègue."


def test_members_and_authors_do_not_moderate(client, question, peer, asker):
    reply = answer(question, peer)
    for who in (peer, asker):
        client.force_login(who)
        assert client.get(remove_url(reply)).status_code == 403
        assert client.post(remove_url(reply)).status_code == 403
    assert not Answer.objects.filter(removed_at__isnull=False).exists()
    assert remove_url(reply) not in detail(client, question)


def test_a_removed_answer_cannot_be_marked_as_the_solution(client, question, peer, lead, asker):
    reply = answer(question, peer)
    client.force_login(lead)
    client.post(remove_url(reply))
    client.force_login(asker)
    url = reverse("questions:solve", args=[question.community.slug, question.pk, reply.pk])
    response = client.post(url, follow=True)
    assert (
        "Cette réponse ne peut plus être indiquée comme la solution." in response.content.decode()
    )
    question.refresh_from_db()
    assert not question.is_solved


def test_an_answer_is_found_only_under_its_own_question(client, community, asker, peer, lead):
    from tests.questions.conftest import ask

    first = ask(community, asker, title="Première")
    second = ask(community, asker, title="Seconde")
    reply = answer(first, peer)
    client.force_login(lead)
    url = reverse("questions:answer_remove", args=[community.slug, second.pk, reply.pk])
    assert client.post(url).status_code == 404
