"""The e-mails about questions: who hears of a new question or answer, and how it reads.

Written to the outbox by the services, in their transaction; built by the relay when sent,
from fresh rows and in the recipient's language. A question or answer gone (or removed by
moderation) by then is not sent."""

from notifications.models import OutboxMessage
from notifications.registry import Skip, message_kind
from notifications.rendering import absolute_url, render_for
from notifications.services import outbox_enqueue
from questions.models import Answer, Question

ASKED = "questions.question_asked"
ANSWERED = "questions.answer_posted"

TEMPLATES = "questions/"


def _question_recipients(question: Question) -> list:
    return []


def _answer_recipients(answer: Answer) -> list:
    return []


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


def question_url(question: Question) -> str:
    return absolute_url("questions:detail", question.community.slug, question.pk)


@message_kind(ASKED)
def build_question_asked(message: OutboxMessage):
    question = (
        Question.objects.select_related("community", "author")
        .filter(pk=message.params["question"])
        .first()
    )
    if question is None:
        return Skip("the question was deleted before this was sent")
    return render_for(
        message,
        template=TEMPLATES + "question_asked",
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
    return render_for(
        message,
        template=TEMPLATES + "answer_posted",
        context={
            "answer": answer,
            "question": question,
            "community": question.community,
            "question_url": question_url(question),
            "to_author": message.recipient_id is not None
            and message.recipient_id == question.author_id,
        },
    )
