"""The date polls' part of a member's personal data: their answers to polls (and the polls
they proposed). On closure the answers go (they say when the member was free, nothing the
community needs once they left); a poll they proposed stays, without its author."""

from typing import Any

from members.personal_data import DataSubject, PersonalDataPart, coded
from scheduling.models import Choice, DatePoll, PollAnswer, PollReminder

SECTIONS = ("date_poll_answers", "date_polls_proposed")


def export(subject: DataSubject) -> dict[str, Any]:
    """Two queries."""
    user = subject.user
    answers = (
        PollAnswer.objects.filter(member=user)
        .select_related("option__poll__community")
        .order_by("option__poll_id", "option__starts_at", "pk")
    )
    polls = DatePoll.objects.filter(created_by=user).select_related("community").order_by("pk")
    return {
        "date_poll_answers": [
            {
                "community": answer.option.poll.community.name,
                "poll": answer.option.poll.title,
                "option_starts_at": answer.option.starts_at,
                "option_ends_at": answer.option.ends_at,
                "answer": coded(answer.choice, Choice(answer.choice).label),
                "answered_at": answer.answered_at,
            }
            for answer in answers
        ],
        "date_polls_proposed": [
            {
                "community": poll.community.name,
                "title": poll.title,
                "details": poll.details,
                "closes_at": poll.closes_at,
                "proposed_at": poll.created_at,
            }
            for poll in polls
        ],
    }


def erase(subject: DataSubject) -> None:
    user = subject.user
    PollAnswer.objects.filter(member=user).delete()
    PollReminder.objects.filter(member=user).delete()
    DatePoll.objects.filter(created_by=user).update(created_by=None)


PART = PersonalDataPart(name="scheduling", sections=SECTIONS, export=export, erase=erase)
