"""The e-mails about questions: who hears of a new question or answer, and how it reads.

Written to the outbox by the services, in their transaction; built by the relay when sent,
from fresh rows and in the recipient's language. A question or answer gone (or removed by
moderation) by then is not sent."""

from django.utils import translation

from communities.models import Community, Membership, NotificationChoice
from communities.notification_links import notification_links, with_unsubscribe_headers
from communities.selectors import members_to_notify
from members.models import User
from notifications.models import OutboxMessage
from notifications.registry import Skip, message_kind
from notifications.rendering import absolute_url, address_of, language_of, render_for
from notifications.services import outbox_enqueue
from questions.models import Answer, Question
from questions.permissions import viewer_for

ASKED = "questions.question_asked"
ANSWERED = "questions.answer_posted"

TEMPLATES = "questions/"


# Written by the services, in their transaction


def _question_recipients(question: Question) -> list[User]:
    """Those who chose every new question and answer; for an urgent question, everyone who
    did not choose nothing. Never the one who asked."""
    return list(
        members_to_notify(
            community_id=question.community_id, urgent=question.urgent, exclude=question.author
        )
    )


def _wants_answers_to_own_question(question: Question) -> bool:
    """The one who asked hears of each answer, unless they chose nothing for the community
    (or can no longer read it: they left, or their account is closed)."""
    author = question.author
    if author is None or not author.is_active:
        return False
    choice = (
        Membership.objects.filter(community_id=question.community_id, member=author)
        .values_list("notifications", flat=True)
        .first()
    )
    if choice is None:
        return author.is_staff  # staff may ask without being a member
    return choice != NotificationChoice.NOTHING


def _answer_recipients(answer: Answer) -> list[User]:
    """Those who chose every new question and answer, and the question's author; never the
    one who answered."""
    question = answer.question
    recipients = list(members_to_notify(community_id=question.community_id, exclude=answer.author))
    if (
        question.author_id != answer.author_id
        and question.author_id not in {user.pk for user in recipients}
        and _wants_answers_to_own_question(question)
    ):
        recipients.append(question.author)
    return recipients


def notify_question_asked(question: Question) -> None:
    outbox_enqueue(
        kind=ASKED,
        key=f"question:{question.pk}:asked",
        recipients=_question_recipients(question),
        params={"question": question.pk},
    )


def notify_answer_posted(answer: Answer) -> None:
    outbox_enqueue(
        kind=ANSWERED,
        key=f"answer:{answer.pk}:posted",
        recipients=_answer_recipients(answer),
        params={"answer": answer.pk},
    )


# Built by the relay, when sent


def question_url(question: Question) -> str:
    return absolute_url("questions:detail", question.community.slug, question.pk)


def _render(message: OutboxMessage, *, template: str, community: Community, context: dict):
    """The e-mail, with the footer of one-click notification choices and the List-Unsubscribe
    headers for a member; skipped if the recipient can no longer read the community's
    questions (they left it meanwhile)."""
    address = address_of(message)
    if isinstance(address, Skip):
        return address
    recipient = message.recipient
    viewer = viewer_for(recipient, community)
    if not viewer.can_see:
        return Skip("the recipient can no longer see the community's questions")
    if not viewer.is_member:  # staff who asked: no choice to change here
        return render_for(message, template=template, context=context)
    with translation.override(language_of(recipient)):
        links = [notification_links(recipient, community)]
    email = render_for(message, template=template, context={**context, "notification_links": links})
    return with_unsubscribe_headers(email, recipient, community)


@message_kind(ASKED)
def build_question_asked(message: OutboxMessage):
    question = (
        Question.objects.select_related("community", "author")
        .filter(pk=message.params["question"])
        .first()
    )
    if question is None:
        return Skip("the question was deleted before this was sent")
    return _render(
        message,
        template=TEMPLATES + "question_asked",
        community=question.community,
        context={
            "question": question,
            "community": question.community,
            "question_url": question_url(question),
        },
    )


@message_kind(ANSWERED)
def build_answer_posted(message: OutboxMessage):
    answer = (
        Answer.objects.select_related("question__community", "author")
        .filter(pk=message.params["answer"])
        .first()
    )
    if answer is None or answer.is_removed:
        return Skip("the answer was removed before this was sent")
    question = answer.question
    return _render(
        message,
        template=TEMPLATES + "answer_posted",
        community=question.community,
        context={
            "answer": answer,
            "question": question,
            "community": question.community,
            "question_url": question_url(question),
            "to_author": message.recipient_id is not None
            and message.recipient_id == question.author_id,
        },
    )
