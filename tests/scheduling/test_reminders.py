"""The one reminder before a poll closes, to the members who have not answered: swept by beat,
written once per poll and member (a unique row with its outbox message), time frozen."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from aimq_portal.celery import app as celery_app
from communities.models import Membership, NotificationChoice
from notifications.models import OutboxMessage
from notifications.registry import Skip, builder_for
from scheduling import emails, services
from scheduling.models import PollReminder
from scheduling.tasks import send_poll_reminders

from .conftest import at, propose

pytestmark = pytest.mark.django_db

# The poll closes on March 9 at 17:00: the reminder falls due 48 hours before (an exact
# duration: 16:00 on March 7, daylight-saving time starting in between).
DUE = at(7, 17).astimezone(UTC) - timedelta(hours=48)


def reminded():
    return sorted(
        OutboxMessage.objects.filter(kind=emails.REMINDER).values_list("recipient_id", flat=True)
    )


def test_the_sweep_is_on_the_beat_schedule():
    entry = celery_app.conf.beat_schedule["send-date-poll-reminders"]
    assert entry["task"] == "scheduling.tasks.send_poll_reminders"


def test_who_has_not_answered_is_reminded_once_before_the_closing(
    frozen, poll, lead, voter, peer, run_tasks
):
    services.poll_answer(poll=poll, member=voter, choices={o.pk: "yes" for o in poll.options.all()})
    frozen.move_to(DUE - timedelta(minutes=1))
    assert services.poll_reminders_enqueue_due() == 0

    frozen.move_to(DUE + timedelta(minutes=5))
    mail.outbox.clear()
    with run_tasks():
        assert send_poll_reminders.delay().get() == 1

    # Not who answered, not the lead who proposed the dates.
    assert reminded() == [peer.pk]
    assert PollReminder.objects.get().member == peer
    sent = [m for m in mail.outbox if "Rappel" in m.subject]  # the poll's announcement too
    assert [m.to for m in sent] == [[peer.email]]
    assert poll.title in sent[0].body and "/sondages/" in sent[0].body

    frozen.shift(timedelta(minutes=15))
    with run_tasks():
        assert services.poll_reminders_enqueue_due() == 0
    assert reminded() == [peer.pk]
    assert len([m for m in mail.outbox if "Rappel" in m.subject]) == 1


def test_who_chose_nothing_for_the_community_is_not_reminded(frozen, poll, voter, peer):
    Membership.objects.filter(member=peer).update(notifications=NotificationChoice.NOTHING)
    frozen.move_to(DUE)
    services.poll_reminders_enqueue_due()
    assert reminded() == [voter.pk]


def test_a_poll_proposed_less_than_a_day_before_the_window_reminds_nobody(
    frozen, community, lead, voter
):
    frozen.move_to(DUE - timedelta(hours=12))
    propose(community, lead)
    frozen.move_to(DUE + timedelta(hours=1))
    assert services.poll_reminders_enqueue_due() == 0


def test_a_closed_or_scheduled_poll_reminds_nobody(frozen, poll, lead, voter):
    services.poll_close(poll=poll, closed_by=lead)
    frozen.move_to(DUE)
    assert services.poll_reminders_enqueue_due() == 0


def test_a_member_who_answers_after_the_reminder_was_written_is_not_sent_it(
    frozen, poll, voter, peer
):
    frozen.move_to(DUE)
    services.poll_reminders_enqueue_due()
    message = OutboxMessage.objects.get(kind=emails.REMINDER, recipient=voter)
    services.poll_answer(poll=poll, member=voter, choices={o.pk: "no" for o in poll.options.all()})

    assert isinstance(builder_for(emails.REMINDER)([message])[message.pk], Skip)


def test_the_reminder_row_is_unique_per_poll_and_member(poll, voter):
    PollReminder.objects.create(poll=poll, member=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        PollReminder.objects.create(poll=poll, member=voter)
