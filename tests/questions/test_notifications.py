"""Who hears of a new question or answer, by e-mail through the outbox, according to the
choice each member made for the community: "every new question and answer", "a weekly
digest" (the default) or "nothing". An urgent question reaches at once everyone who did not
choose nothing; the question's author hears of its answers; nobody hears of their own words."""

import pytest
from django.core import mail
from django.urls import reverse

from communities import notification_links
from communities.models import NotificationChoice
from notifications.models import MessageStatus, OutboxMessage
from questions import services
from tests.factories import LeadMembershipFactory, MembershipFactory, StaffFactory
from tests.questions.conftest import answer, ask

pytestmark = pytest.mark.django_db

EVERY, DIGEST, NOTHING = (
    NotificationChoice.EVERY,
    NotificationChoice.DIGEST,
    NotificationChoice.NOTHING,
)


@pytest.fixture
def people(community):
    """One member per choice, an author who chose every, and a member of another community
    who chose every there."""
    made = {
        choice: MembershipFactory(community=community, notifications=choice).member
        for choice in (EVERY, DIGEST, NOTHING)
    }
    made["author"] = MembershipFactory(community=community, notifications=EVERY).member
    made["elsewhere"] = MembershipFactory(notifications=EVERY).member
    return made


def recipients(subject: str = "") -> set[str]:
    """Who got an e-mail (whose subject holds ``subject``)."""
    return {message.to[0] for message in mail.outbox if subject in message.subject}


ANSWER = "Nouvelle réponse"


def emails_of(*users) -> set[str]:
    return {user.email for user in users}


def test_a_question_reaches_those_who_chose_every_but_not_its_author(
    client, run_tasks, community, people
):
    client.force_login(people["author"])
    with run_tasks():
        client.post(
            reverse("questions:ask", args=[community.slug]),
            {"title": "Clause de pénalité de retard", "details": "Quel montant ?"},
        )

    assert recipients() == emails_of(people[EVERY])
    message = mail.outbox[0]
    # The subject is one line; the non-breaking space before « : » stays (notifications.rendering).
    assert message.subject.endswith(
        f"Nouvelle question dans {community.name}\xa0: Clause de pénalité de retard"
    )
    assert "Quel montant ?" in message.body


def test_an_urgent_question_reaches_everyone_who_did_not_choose_nothing(
    client, run_tasks, community, people, lead
):
    client.force_login(people["author"])
    with run_tasks():
        client.post(
            reverse("questions:ask", args=[community.slug]),
            {"title": "Ponceau effondré", "details": "Route fermée.", "urgent": "on"},
        )

    # The lead kept the default choice (the digest): urgent reaches them too.
    assert recipients() == emails_of(people[EVERY], people[DIGEST], lead)
    message = next(m for m in mail.outbox if m.to == [people[DIGEST].email])
    assert "Question urgente dans" in message.subject
    assert "pose une question urgente" in message.body


def test_an_answer_reaches_those_who_chose_every_and_the_questions_author(
    client, run_tasks, community, people, asker
):
    question = ask(community, asker)  # the asker kept the default choice: the digest
    client.force_login(people["author"])
    with run_tasks():
        client.post(
            reverse("questions:answer", args=[community.slug, question.pk]),
            {"body": "Un pont Bailey, loué pour un mois."},
        )

    assert recipients(ANSWER) == emails_of(people[EVERY], asker)
    to_asker = next(m for m in mail.outbox if m.to == [asker.email])
    assert "a répondu à votre question" in to_asker.body
    assert "Un pont Bailey, loué pour un mois." in to_asker.body
    assert reverse("questions:detail", args=[community.slug, question.pk]) in to_asker.body


def test_the_author_who_chose_nothing_hears_nothing_of_the_answers(run_tasks, community, people):
    question = ask(community, people[NOTHING])
    with run_tasks():
        answer(question, people["author"])

    assert recipients(ANSWER) == emails_of(people[EVERY])  # not the one who asked


def test_nobody_hears_of_their_own_answer(run_tasks, community, people):
    question = ask(community, people[EVERY])
    with run_tasks():
        answer(question, people[EVERY], "Je précise ma propre question.")

    # The other member who chose every hears of it; the one who asked and answered does not.
    assert recipients(ANSWER) == emails_of(people["author"])


def test_staff_who_asked_hear_of_the_answers(run_tasks, community, people):
    staff = StaffFactory()
    question = ask(community, staff)
    with run_tasks():
        answer(question, people[DIGEST])

    assert recipients(ANSWER) == emails_of(people[EVERY], people["author"], staff)
    to_staff = next(m for m in mail.outbox if m.to == [staff.email])
    assert "List-Unsubscribe" not in to_staff.extra_headers  # no choice of theirs to change


def test_each_email_has_one_click_choices_and_list_unsubscribe(run_tasks, community, people):
    with run_tasks():
        ask(community, people["author"], title="Logiciel de requêtes citoyennes")

    message = mail.outbox[0]
    member = people[EVERY]
    nothing = notification_links.choice_url(
        user_id=member.pk, community_id=community.pk, choice=NOTHING
    )
    digest = notification_links.choice_url(
        user_id=member.pk, community_id=community.pk, choice=DIGEST
    )
    assert message.extra_headers["List-Unsubscribe"] == f"<{nothing}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert nothing in message.body and digest in message.body
    html = message.alternatives[0][0]
    assert f'href="{nothing}"' in html.replace("&amp;", "&")


def test_the_email_is_in_the_recipients_language(run_tasks, community, people):
    english = MembershipFactory(
        community=community, notifications=EVERY, member__preferred_language="en"
    ).member
    with run_tasks():
        ask(community, people["author"], title="Pavement plan")

    message = next(m for m in mail.outbox if m.to == [english.email])
    assert message.subject.endswith(f"New question in {community.name_en}: Pavement plan")
    assert "Every new question and answer" in message.body


def test_an_answer_removed_before_it_is_sent_is_not_sent(run_tasks, community, people, asker):
    question = ask(community, asker)
    lead = LeadMembershipFactory(community=community, notifications=NOTHING).member
    with run_tasks():
        reply = answer(question, people["author"], "Propos déplacés.")
        services.answer_remove(answer=reply, moderator=lead)

    assert recipients(ANSWER) == set()
    statuses = set(
        OutboxMessage.objects.filter(kind="questions.answer_posted").values_list(
            "status", flat=True
        )
    )
    assert statuses == {MessageStatus.SKIPPED}


def test_a_member_who_left_before_it_is_sent_gets_nothing(run_tasks, community, people):
    from communities.models import Membership

    with run_tasks():
        ask(community, people["author"])
        Membership.objects.filter(member=people[EVERY]).delete()

    assert mail.outbox == []
