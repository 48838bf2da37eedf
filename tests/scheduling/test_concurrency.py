"""What must hold when two things happen at once, with real PostgreSQL connections in threads
(see tests/communities/test_concurrency.py): two beats remind each member once; two clicks on
"Schedule" make one meeting; an edit never lands on a poll scheduled meanwhile."""

import pytest
import time_machine

from meetings.models import Meeting
from notifications.models import OutboxMessage
from scheduling import emails, services
from scheduling.models import DatePoll, PollReminder
from tests.communities.test_concurrency import _run_together
from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory

from .conftest import NOW, propose

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _community():
    community = CommunityFactory(capacity=40)
    lead = LeadMembershipFactory(community=community).member
    members = [MembershipFactory(community=community).member for _ in range(5)]
    return community, lead, members


def test_two_beats_at_once_remind_each_member_once():
    community, lead, members = _community()
    with time_machine.travel(NOW, tick=False) as traveller:
        poll = propose(community, lead)
        traveller.move_to(NOW.replace(day=7, hour=18))

        outcomes = _run_together([services.poll_reminders_enqueue_due] * 2)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert PollReminder.objects.filter(poll=poll).count() == len(members)
    messages = OutboxMessage.objects.filter(kind=emails.REMINDER)
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted(m.pk for m in members)


def test_two_clicks_on_schedule_make_one_meeting():
    community, lead, _members = _community()
    with time_machine.travel(NOW, tick=False):
        poll = propose(community, lead)
        option = poll.options.first()
        fields = {
            "title": "Prochaine rencontre",
            "format": "online",
            "starts_at": option.starts_at,
            "ends_at": option.ends_at,
            "meeting_url": "https://zoom.example.org/rencontre",
        }

        outcomes = _run_together(
            [lambda: services.poll_schedule(poll=poll, option=option, scheduled_by=lead, **fields)]
            * 2
        )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "AlreadyScheduled",
        "Meeting",
    ]
    assert Meeting.objects.count() == 1
    assert DatePoll.objects.get(pk=poll.pk).meeting == Meeting.objects.get()


def test_an_edit_and_a_schedule_at_once_never_edit_a_scheduled_poll():
    community, lead, _members = _community()
    with time_machine.travel(NOW, tick=False):
        poll = propose(community, lead)
        option = poll.options.first()
        kept = [
            services.OptionInput(
                starts_at=o.starts_at, ends_at=o.ends_at, format=o.format, place=o.place, pk=o.pk
            )
            for o in poll.options.all()
        ]
        fields = {
            "title": "Prochaine rencontre",
            "format": "online",
            "starts_at": option.starts_at,
            "ends_at": option.ends_at,
            "meeting_url": "https://zoom.example.org/rencontre",
        }

        outcomes = _run_together(
            [
                lambda: services.poll_schedule(
                    poll=poll, option=option, scheduled_by=lead, **fields
                ),
                lambda: services.poll_update(
                    poll=poll,
                    updated_by=lead,
                    title="Corrigé",
                    details="",
                    closes_at=poll.closes_at,
                    options=kept,
                ),
            ]
        )

    names = sorted(type(outcome).__name__ for outcome in outcomes)
    assert names in (["Meeting", "PollClosed"], ["Meeting", "PollUpdate"]), outcomes
    # The edit either went first, under the lock, or found the poll scheduled and changed nothing.
    edited = DatePoll.objects.get(pk=poll.pk).title == "Corrigé"
    assert edited == ("PollUpdate" in names)
    assert Meeting.objects.count() == 1
