"""Reminders: due in Montreal wall-clock days (see services.reminder_due_at), sent once per
member, offset and meeting start, never caught up more than REMINDER_GRACE late."""

import threading
from datetime import UTC, datetime, timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings

from aimq_portal.celery import app
from meetings import services, tasks
from meetings.models import Reminder
from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
)
from tests.meetings.conftest import local

LONG_AGO = datetime(2026, 1, 5, 12, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def people(db):
    """A community with a lead and two members, all members since January 2026."""
    with time_machine.travel(LONG_AGO, tick=False):
        community = CommunityFactory()
        lead = LeadMembershipFactory(community=community).member
        first = MembershipFactory(community=community).member
        second = MembershipFactory(community=community).member
    return community, [lead, first, second]


def _meeting(community, starts_at, **fields):
    with time_machine.travel(LONG_AGO, tick=False):
        return MeetingFactory(
            community=community,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            **fields,
        )


def _sweep_at(instant, run_tasks):
    with time_machine.travel(instant, tick=False), run_tasks():
        return services.reminders_send_due()


def test_default_offsets_remind_seven_days_and_one_day_before(people, run_tasks):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))  # EDT: 14:00 UTC

    assert _sweep_at(utc(2026, 6, 3, 13, 59), run_tasks) == []
    _sweep_at(utc(2026, 6, 3, 14, 0), run_tasks)
    assert len(mail.outbox) == 3
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    assert len(mail.outbox) == 6
    assert sorted(Reminder.objects.values_list("offset_minutes", flat=True).distinct()) == [
        24 * 60,
        7 * 24 * 60,
    ]
    assert all(r.sent_at for r in Reminder.objects.filter(meeting=meeting))


@pytest.mark.parametrize(
    ("starts_at", "seven_days_due", "one_day_due"),
    [
        # Sunday 1 November 2026, 10:00 EST (15:00 UTC); the week before is still EDT, so
        # 10:00 local then is 14:00 UTC.
        (local(2026, 11, 1, 10), utc(2026, 10, 25, 14), utc(2026, 10, 31, 14)),
        # Sunday 14 March 2027, 10:00 EDT (14:00 UTC); the week before is EST: 15:00 UTC.
        (local(2027, 3, 14, 10), utc(2027, 3, 7, 15), utc(2027, 3, 13, 15)),
    ],
)
def test_reminders_keep_the_local_wall_time_across_daylight_saving_changes(
    people, run_tasks, starts_at, seven_days_due, one_day_due
):
    community, members = people
    _meeting(community, starts_at)

    for due in (seven_days_due, one_day_due):
        before = len(mail.outbox)
        _sweep_at(due - timedelta(minutes=1), run_tasks)
        assert len(mail.outbox) == before
        _sweep_at(due, run_tasks)
        assert len(mail.outbox) == before + len(members)


def test_running_the_sweep_twice_sends_once(people, run_tasks):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    _sweep_at(utc(2026, 6, 9, 14, 15), run_tasks)
    assert len(mail.outbox) == len(members)


def test_moved_meeting_is_reminded_again_for_its_new_time(people, run_tasks):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    with time_machine.travel(utc(2026, 6, 9, 16), tick=False):
        services.meeting_update(
            meeting=meeting,
            updated_by=members[0],
            starts_at=local(2026, 6, 17, 10),
            ends_at=local(2026, 6, 17, 12),
        )
    mail.outbox.clear()

    _sweep_at(utc(2026, 6, 16, 14, 0), run_tasks)
    assert len(mail.outbox) == len(members)


def test_cancelled_meeting_is_never_reminded(people, run_tasks):
    community, _members = people
    _meeting(community, local(2026, 6, 10, 10), cancelled_at=LONG_AGO)
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_member_who_declined_is_never_reminded(people, run_tasks):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    RsvpFactory(meeting=meeting, member=members[1], response="declined")
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([members[0].email, members[2].email])


def test_member_who_joined_after_the_offset_gets_no_stale_reminder(people, run_tasks):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))
    with time_machine.travel(utc(2026, 6, 5), tick=False):
        late = MembershipFactory(community=community).member

    _sweep_at(utc(2026, 6, 5, 0, 15), run_tasks)  # the 7-day reminder fell due 2 days ago
    assert mail.outbox == []
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    assert late.email in [m.to[0] for m in mail.outbox]


def test_reminder_is_not_caught_up_after_the_grace_window(people, run_tasks):
    community, _members = people
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 3, 14) + services.REMINDER_GRACE, run_tasks)
    assert mail.outbox == []


def test_meeting_scheduled_two_days_ahead_gets_only_the_one_day_reminder(people, run_tasks):
    community, members = people
    with time_machine.travel(utc(2026, 6, 8, 14), tick=False), run_tasks():
        services.meeting_schedule(
            community=community,
            scheduled_by=members[0],
            title="Urgence",
            starts_at=local(2026, 6, 10, 10),
            ends_at=local(2026, 6, 10, 12),
            format="online",
            meeting_url="https://meet.example.org/x",
        )
        services.reminders_send_due()
    mail.outbox.clear()
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    assert len(mail.outbox) == len(members)
    assert set(Reminder.objects.values_list("offset_minutes", flat=True)) == {24 * 60}


@override_settings(MEETING_REMINDER_OFFSETS=[timedelta(hours=2)])
def test_offsets_come_from_settings(people, run_tasks):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)
    assert mail.outbox == []
    _sweep_at(utc(2026, 6, 10, 12, 0), run_tasks)
    assert len(mail.outbox) == len(members)


def test_reminder_tells_what_each_answer_needs_in_the_members_language(people, run_tasks):
    community, (lead, in_person, online) = people
    lead.preferred_language = "en"
    lead.save()
    meeting = _meeting(community, local(2026, 6, 10, 10))
    RsvpFactory(meeting=meeting, member=in_person, response="in_person")
    RsvpFactory(meeting=meeting, member=online, response="online")
    _sweep_at(utc(2026, 6, 9, 14, 0), run_tasks)

    body = {m.to[0]: m.body for m in mail.outbox}
    assert meeting.address in body[lead.email] and meeting.meeting_url in body[lead.email]
    assert "Tomorrow" in [m.subject for m in mail.outbox if m.to == [lead.email]][0]
    assert meeting.address in body[in_person.email]
    assert meeting.meeting_url not in body[in_person.email]
    assert meeting.meeting_url in body[online.email]
    assert meeting.address not in body[online.email]
    # Montreal time, written as on the pages; French puts a (non-breaking) space before a colon.
    assert (
        "Date et heure\xa0: mercredi 10 juin 2026, 10\xa0h\xa000 – 12\xa0h\xa000"
        in body[online.email]
    )


def test_mail_server_failure_is_retried_and_sent_once(people):
    community, _members = people
    _meeting(community, local(2026, 6, 10, 10))
    real_send = mail.backends.locmem.EmailBackend.send_messages
    calls = []

    def fail_first(backend, messages):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPServerDisconnected("down")
        return real_send(backend, messages)

    with (
        time_machine.travel(utc(2026, 6, 9, 14, 0), tick=False),
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", fail_first),
    ):
        reminder_id = services.reminders_send_due()[0]
        # apply() runs the task as a worker would, retries included (eagerly, without the
        # back-off delay).
        result = tasks.send_meeting_reminder.apply(args=[reminder_id])

    assert result.get() == 1
    assert len(calls) == 2 and len(mail.outbox) == 1
    assert Reminder.objects.get(pk=reminder_id).sent_at is not None


def test_failed_send_leaves_the_reminder_unsent(people):
    community, _members = people
    _meeting(community, local(2026, 6, 10, 10))
    with (
        time_machine.travel(utc(2026, 6, 9, 14, 0), tick=False),
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=SMTPServerDisconnected("down"),
        ),
    ):
        claimed = services.reminders_send_due()
        from meetings.emails import send_reminder

        with pytest.raises(SMTPServerDisconnected):
            send_reminder(claimed[0])
    assert Reminder.objects.get(pk=claimed[0]).sent_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_one_email_per_member_and_offset():
    with time_machine.travel(LONG_AGO, tick=False):
        meeting = MeetingFactory(starts_at=local(2026, 6, 10, 10), ends_at=local(2026, 6, 10, 12))
        members = [
            MembershipFactory(community=meeting.community, member=UserFactory()).member
            for _ in range(6)
        ]
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            services.reminders_send_due()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        with time_machine.travel(utc(2026, 6, 9, 14, 0), tick=False):
            threads = [threading.Thread(target=sweep) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(members)
