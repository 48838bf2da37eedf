"""The questions' part of a member's personal data: the questions they asked and the answers
they wrote. On closure both stay in their community's threads (peers learn from them),
without their author: the pages show "Former member"."""

from typing import Any

from members.personal_data import DataSubject, PersonalDataPart
from questions.models import Answer, Question

SECTIONS = ("questions_asked", "questions_answers")


def export(subject: DataSubject) -> dict[str, Any]:
    """Two queries."""
    user = subject.user
    questions = Question.objects.filter(author=user).select_related("community").order_by("pk")
    answers = (
        Answer.objects.filter(author=user).select_related("question__community").order_by("pk")
    )
    return {
        "questions_asked": [
            {
                "community": question.community.name,
                "title": question.title,
                "details": question.details,
                "urgent": question.urgent,
                "attachment": question.attachment_name,
                "asked_at": question.created_at,
                "solved_at": question.solved_at,
            }
            for question in questions
        ],
        "questions_answers": [
            {
                "community": answer.question.community.name,
                "question": answer.question.title,
                "answer": answer.body,
                "solved_the_question": answer.is_solution,
                "written_at": answer.created_at,
                "edited_at": answer.edited_at,
                "removed_by_moderation_at": answer.removed_at,
            }
            for answer in answers
        ],
    }


def erase(subject: DataSubject) -> None:
    user = subject.user
    Question.objects.filter(author=user).update(author=None)
    Answer.objects.filter(author=user).update(author=None)
    # A moderator's record keeps the removal and its date, not who they were.
    Answer.objects.filter(removed_by=user).update(removed_by=None)


PART = PersonalDataPart(name="questions", sections=SECTIONS, export=export, erase=erase)
