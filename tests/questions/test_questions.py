"""Questions to peers through the pages, as each persona uses them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from questions.models import Answer, Question
from tests.factories import StaffFactory, UserFactory
from tests.helpers import pager_links
from tests.questions.conftest import answer, ask

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")


def list_url(community) -> str:
    return reverse("questions:list", args=[community.slug])


def detail_url(question) -> str:
    return reverse("questions:detail", args=[question.community.slug, question.pk])


def post_question(client, community, **fields):
    data = {"title": "Clause de pénalité de retard", "details": "Quel montant par jour ?"}
    data.update(fields)
    return client.post(reverse("questions:ask", args=[community.slug]), data)


def post_answer(client, question, body="0,1 % du contrat par jour.", **extra):
    url = reverse("questions:answer", args=[question.community.slug, question.pk])
    return client.post(url, {"body": body, **extra})


def test_a_member_asks_a_peer_answers_and_the_author_marks_it_solved(
    client, community, asker, peer
):
    client.force_login(asker)
    empty = client.get(list_url(community)).content.decode()
    assert "Aucune question n'a encore été posée ici." in empty

    response = post_question(client, community, urgent="on")
    question = Question.objects.get()
    assert response.url == detail_url(question)
    assert (question.author, question.urgent, question.is_solved) == (asker, True, False)
    page = client.get(response.url).content.decode()
    assert "Clause de pénalité de retard" in page
    assert "Aucune réponse pour l'instant" in page

    client.force_login(peer)
    response = post_answer(client, question)
    reply = Answer.objects.get()
    assert response.url == f"{detail_url(question)}#answer-{reply.pk}"
    assert reply.author == peer
    # Only the question's author may say it is solved.
    assert (
        "Cette réponse a résolu ma question"
        not in client.get(detail_url(question)).content.decode()
    )
    solve = reverse("questions:solve", args=[community.slug, question.pk, reply.pk])
    assert client.post(solve).status_code == 403

    client.force_login(asker)
    response = client.post(solve, follow=True)
    assert "La question est indiquée comme résolue par cette réponse." in response.content.decode()
    question.refresh_from_db()
    reply.refresh_from_db()
    assert question.is_solved and reply.is_solution


def test_a_solved_question_shows_its_answer_first_and_can_be_unmarked(
    client, community, asker, peer, lead, question
):
    first = answer(question, lead, "Première réponse, qui n’a pas aidé.")
    second = answer(question, peer, "La réponse qui a tout réglé.")
    client.force_login(asker)
    client.post(reverse("questions:solve", args=[community.slug, question.pk, second.pk]))

    response = client.get(detail_url(question))
    assert [a.pk for a in response.context["thread"].all] == [second.pk, first.pk]
    page = response.content.decode()
    assert page.index("La réponse qui a tout réglé.") < page.index("Première réponse")
    assert "A résolu la question" in page

    # Marking another answer moves the mark.
    client.post(reverse("questions:solve", args=[community.slug, question.pk, first.pk]))
    assert list(Answer.objects.filter(is_solution=True)) == [first]

    response = client.post(reverse("questions:unsolve", args=[community.slug, question.pk]))
    assert response.url == detail_url(question)
    question.refresh_from_db()
    assert not question.is_solved
    assert not Answer.objects.filter(is_solution=True).exists()
    assert client.get(detail_url(question)).context["thread"].solution is None


def test_only_the_author_unmarks(client, community, asker, peer, question):
    reply = answer(question, peer)
    client.force_login(asker)
    client.post(reverse("questions:solve", args=[community.slug, question.pk, reply.pk]))
    client.force_login(peer)
    assert (
        client.post(reverse("questions:unsolve", args=[community.slug, question.pk])).status_code
        == 403
    )
    question.refresh_from_db()
    assert question.is_solved


def test_the_list_shows_open_questions_first_then_the_newest_and_filters(
    client, community, asker, peer, time_machine
):
    time_machine.move_to(datetime(2026, 3, 2, 14, tzinfo=MONTREAL))
    oldest_open = ask(community, asker, title="Logiciel de requêtes citoyennes")
    time_machine.move_to(datetime(2026, 3, 3, 14, tzinfo=MONTREAL))
    solved = ask(community, asker, title="Clause de pénalité")
    time_machine.move_to(datetime(2026, 3, 4, 14, tzinfo=MONTREAL))
    urgent = ask(community, peer, title="Ponceau effondré", urgent=True)
    reply = answer(solved, peer)
    client.force_login(asker)
    client.post(reverse("questions:solve", args=[community.slug, solved.pk, reply.pk]))

    titles = [q.title for q in client.get(list_url(community)).context["page"].object_list]
    assert titles == ["Ponceau effondré", "Logiciel de requêtes citoyennes", "Clause de pénalité"]

    def filtered(status):
        page = client.get(list_url(community), {"status": status}).context["page"]
        return {q.pk for q in page.object_list}

    assert filtered("open") == {oldest_open.pk, urgent.pk}
    assert filtered("solved") == {solved.pk}
    assert filtered("urgent") == {urgent.pk}
    assert filtered("nonsense") == {oldest_open.pk, urgent.pk, solved.pk}
    page = client.get(list_url(community)).content.decode()
    assert "Urgente" in page and "Résolue" in page and "1 réponse" in page


def test_a_filter_without_match_says_so(client, community, asker, question):
    client.force_login(asker)
    page = client.get(list_url(community), {"status": "solved"}).content.decode()
    assert "Aucune question ne correspond à ce filtre." in page


def test_the_list_is_paginated(client, community, asker):
    for number in range(21):
        Question.objects.create(community=community, author=asker, title=f"Q{number}", details=".")
    client.force_login(asker)
    first = client.get(list_url(community))
    assert len(first.context["page"].object_list) == 20
    second = client.get(list_url(community), {"page": 2})
    assert [q.title for q in second.context["page"].object_list] == ["Q0"]


def test_the_filter_survives_paging(client, community, asker, peer):
    for number in range(21):
        ask(community, asker, title=f"Urgente {number}", urgent=True)
    ask(community, peer, title="Pas pressée")
    client.force_login(asker)
    first = client.get(list_url(community), {"status": "urgent"})
    links = pager_links(first, "Pages of questions")
    assert links["Suivante"] == links["2"] == "?status=urgent&page=2"

    second = client.get(list_url(community) + links["Suivante"])
    assert [q.title for q in second.context["page"].object_list] == ["Urgente 0"]
    assert pager_links(second, "Pages of questions")["Précédente"] == "?status=urgent&page=1"
    assert '<li class="page-item active" aria-current="page"><span class="page-link">2</span>' in (
        second.content.decode()
    )


def test_nothing_typed_is_lost_on_an_error(client, community, asker, question):
    client.force_login(asker)
    response = post_question(client, community, title="", details="Mon long contexte")
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "Mon long contexte" in response.content.decode()
    assert Question.objects.count() == 1

    response = post_answer(client, question, body="")
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert not Answer.objects.exists()


def test_a_title_on_two_lines_is_refused(client, community, asker):
    client.force_login(asker)
    response = post_question(client, community, title="Ponceau\neffondré")
    assert "title" in response.context["form"].errors


def test_a_question_or_answer_sent_twice_is_created_once(client, community, asker, question):
    client.force_login(asker)
    token = (
        client.get(reverse("questions:ask", args=[community.slug]))
        .context["form"]["submit_token"]
        .value()
    )
    first = post_question(client, community, submit_token=token)
    second = post_question(client, community, submit_token=token)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Question.objects.count() == 2  # the fixture's and this one

    token = client.get(detail_url(question)).context["form"]["submit_token"].value()
    first = post_answer(client, question, submit_token=token)
    second = post_answer(client, question, submit_token=token)
    assert first.status_code == second.status_code == 302
    assert Answer.objects.count() == 1


def test_the_author_edits_the_question(client, community, asker, peer, question):
    url = reverse("questions:edit", args=[community.slug, question.pk])
    client.force_login(peer)
    assert client.get(url).status_code == 403
    assert "Modifier votre question" not in client.get(detail_url(question)).content.decode()
    client.force_login(asker)
    assert "Modifier votre question" in client.get(detail_url(question)).content.decode()
    form = client.get(url).context["form"]
    assert form.initial["title"] == question.title
    response = client.post(url, {"title": "Ponceau effondré (rang 4)", "details": "Précisions."})
    assert response.url == detail_url(question)
    question.refresh_from_db()
    assert (question.title, question.details) == ("Ponceau effondré (rang 4)", "Précisions.")
    response = client.post(url, {"title": "", "details": "Gardé"})
    assert response.status_code == 200 and "Gardé" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "list_status", "can_ask"),
    [
        ("visitor", 302, False),
        ("signed_in_nobody", 404, False),
        ("outsider", 404, False),
        ("peer", 200, True),
        ("lead", 200, True),
        ("staff", 200, True),
    ],
)
def test_only_the_community_and_staff_see_its_questions(
    client, community, question, peer, lead, outsider, persona, list_status, can_ask
):
    answer(question, peer, "Réponse entre membres")
    users = {
        "signed_in_nobody": UserFactory(),
        "outsider": outsider,
        "peer": peer,
        "lead": lead,
        "staff": StaffFactory(),
    }
    if persona != "visitor":
        client.force_login(users[persona])
    urls = [
        list_url(community),
        detail_url(question),
        reverse("questions:ask", args=[community.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == list_status, url
        if list_status == 302:
            assert response.url.startswith(reverse("account_login"))
    if list_status == 200:
        assert "Réponse entre membres" in client.get(detail_url(question)).content.decode()
    response = post_answer(client, question, body="Intrus")
    assert Answer.objects.filter(body="Intrus").exists() == can_ask


def test_a_question_is_found_only_under_its_own_community(client, question, peer):
    from tests.factories import MembershipFactory

    other = MembershipFactory(member=peer).community
    client.force_login(peer)
    assert (
        client.get(reverse("questions:detail", args=[other.slug, question.pk])).status_code == 404
    )


def test_the_community_page_links_to_its_questions_for_members_only(
    client, community, peer, outsider
):
    url = reverse("communities:detail", args=[community.slug])
    client.force_login(outsider)
    assert list_url(community) not in client.get(url).content.decode()
    client.force_login(peer)
    assert list_url(community) in client.get(url).content.decode()


def test_a_former_member_is_shown_as_such(client, community, asker, peer, question):
    from members.services import account_close

    answer(question, asker, "Ma propre précision.")
    account_close(user=asker)
    client.force_login(peer)
    page = client.get(detail_url(question)).content.decode()
    assert "Ancien membre" in page
    assert "Ma propre précision." in page
    assert "Ancien membre" in client.get(list_url(community)).content.decode()


def test_the_questions_a_search_may_show_each_person(community, question, peer, outsider):
    from django.contrib.auth.models import AnonymousUser

    from questions import selectors
    from tests.factories import MembershipFactory

    answer(question, peer, "Un pont Bailey")
    elsewhere = ask(MembershipFactory(member=outsider).community, outsider, title="Ailleurs")
    assert list(selectors.visible_questions(peer)) == [question]
    assert list(selectors.visible_questions(outsider)) == [elsewhere]
    assert set(selectors.visible_questions(StaffFactory())) == {question, elsewhere}
    assert not selectors.visible_questions(AnonymousUser()).exists()
    assert selectors.question_text(question) == f"{question.title}\n{question.details}"
    assert selectors.question_path(question) == detail_url(question)
    assert selectors.question_community_id(question) == community.pk
    reply = question.answers.get()
    assert selectors.answer_text(reply) == "Un pont Bailey"
    assert selectors.answer_path(reply) == f"{detail_url(question)}#answer-{reply.pk}"


def test_a_long_list_links_its_ends_and_the_pages_around_the_current_one(
    client, community, asker, monkeypatch
):
    monkeypatch.setattr("questions.views.QUESTIONS_PER_PAGE", 1)
    for number in range(12):
        Question.objects.create(community=community, author=asker, title=f"Q{number}", details=".")
    client.force_login(asker)
    page = client.get(list_url(community), {"page": 6})

    links = pager_links(page, "Pages of questions")
    assert [name for name in links if name.isdigit()] == ["1", "4", "5", "7", "8", "12"]
    assert links["Précédente"] == "?page=5" and links["Suivante"] == "?page=7"
    assert page.content.decode().count('<span class="page-link">…</span>') == 2
