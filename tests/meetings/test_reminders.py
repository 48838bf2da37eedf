"""Reminders, by layer.

The sweep (``services.reminders_enqueue_due``, every 15 minutes) writes the reminders that fell
due to the outbox: 7 and 1 days before, in Montreal wall-clock days, to the members of that
moment who have not declined, never more than 12 hours late. The send (the outbox relay, with
``meetings.emails.build_reminders``) checks each written reminder again when it goes out: a
member who declined meanwhile, a meeting cancelled or moved meanwhile gets nothing. Each layer
is tested on its own, so that neither check hides a defect of the other.

Expected instants are written out from the requirement (10:00 Montreal time is 14:00 UTC in
summer, 15:00 UTC in winter), never computed with the code under test."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from meetings import services
from meetings.models import MeetingReminder
from notifications.models import OutboxMessage
from notifications.relay import relay
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


def _sweep_at(instant) -> int:
    with time_machine.travel(instant, tick=False):
        return services.reminders_enqueue_due()


def _send_at(instant):
    with time_machine.travel(instant, tick=False):
        return relay()


def _reminded(meeting=None) -> list[str]:
    """The addresses the sweep wrote a reminder for (whatever happens to it when sent)."""
    messages = OutboxMessage.objects.filter(kind="meetings.reminder")
    if meeting is not None:
        messages = messages.filter(params__meeting=meeting.pk)
    return sorted(messages.values_list("to_email", flat=True))


def _emails(members) -> list[str]:
    return sorted(member.email for member in members)


# The sweep: what it writes, and when


def test_default_offsets_remind_seven_days_and_one_day_before(people):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))  # Wednesday 10:00 EDT = 14:00 UTC

    assert _sweep_at(utc(2026, 6, 3, 13, 59)) == 0
    assert _sweep_at(utc(2026, 6, 3, 14, 0)) == 3
    assert _sweep_at(utc(2026, 6, 9, 13, 59)) == 0
    assert _sweep_at(utc(2026, 6, 9, 14, 0)) == 3
    assert sorted(MeetingReminder.objects.values_list("offset_minutes", flat=True)) == [
        24 * 60,
        7 * 24 * 60,
    ]
    assert _reminded(meeting) == sorted(_emails(members) * 2)


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
    people, starts_at, seven_days_due, one_day_due
):
    community, members = people
    _meeting(community, starts_at)

    for due in (seven_days_due, one_day_due):
        assert _sweep_at(due - timedelta(minutes=1)) == 0
        assert _sweep_at(due) == len(members)


def test_a_second_sweep_right_after_the_first_writes_nothing(people):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))

    assert _sweep_at(utc(2026, 6, 9, 14, 0)) == len(members)
    assert _sweep_at(utc(2026, 6, 9, 14, 0)) == 0
    assert _sweep_at(utc(2026, 6, 9, 14, 15)) == 0
    assert OutboxMessage.objects.count() == len(members)


def test_a_sweep_with_nothing_new_to_write_reads_two_queries(people, django_assert_max_num_queries):
    community, members = people
    for day in (10, 11, 12):
        _meeting(community, local(2026, 6, day, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))

    with django_assert_max_num_queries(2):
        assert _sweep_at(utc(2026, 6, 9, 14, 15)) == 0


def test_the_sweep_writes_no_reminder_of_a_cancelled_meeting(people):
    community, _members = people
    _meeting(community, local(2026, 6, 10, 10), cancelled_at=LONG_AGO)

    assert _sweep_at(utc(2026, 6, 9, 14, 0)) == 0
    assert not MeetingReminder.objects.exists()


def test_the_sweep_writes_no_reminder_to_a_member_who_declined(people):
    community, (lead, declining, other) = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    RsvpFactory(meeting=meeting, member=declining, response="declined")

    _sweep_at(utc(2026, 6, 9, 14, 0))

    assert _reminded(meeting) == _emails([lead, other])


def test_the_sweep_writes_no_stale_reminder_to_a_member_who_joined_after_it_fell_due(people):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    with time_machine.travel(utc(2026, 6, 5), tick=False):
        late = MembershipFactory(community=community).member

    # The 7-day reminder fell due on June 3 at 14:00 UTC; it is written late (within 12 h of
    # falling due, see below) but only to those who were members then.
    _sweep_at(utc(2026, 6, 3, 23, 0))
    assert late.email not in _reminded(meeting)
    _sweep_at(utc(2026, 6, 9, 14, 0))
    assert late.email in _reminded(meeting)


def test_a_reminder_is_written_up_to_twelve_hours_late_and_not_after(people):
    community, members = people
    first = _meeting(community, local(2026, 6, 10, 10))  # 7 days before: June 3, 14:00 UTC
    second = _meeting(community, local(2026, 6, 11, 10))  # 7 days before: June 4, 14:00 UTC

    assert _sweep_at(utc(2026, 6, 4, 1, 59)) == len(members)  # 11 h 59 late: written
    assert _reminded(first) == _emails(members)
    assert _sweep_at(utc(2026, 6, 5, 2, 0)) == 0  # 12 h late: too late, never written
    assert _reminded(second) == []


def test_a_meeting_scheduled_two_days_ahead_gets_only_the_one_day_reminder(people):
    community, members = people
    with time_machine.travel(utc(2026, 6, 8, 14), tick=False):
        meeting = services.meeting_schedule(
            community=community,
            scheduled_by=members[0],
            title="Urgence",
            starts_at=local(2026, 6, 10, 10),
            ends_at=local(2026, 6, 10, 12),
            format="online",
            meeting_url="https://meet.example.org/x",
        )
        assert services.reminders_enqueue_due() == 0

    assert _sweep_at(utc(2026, 6, 9, 14, 0)) == len(members)
    assert set(
        MeetingReminder.objects.filter(meeting=meeting).values_list("offset_minutes", flat=True)
    ) == {24 * 60}


def test_a_moved_meeting_is_reminded_again_for_its_new_time(people):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))
    with time_machine.travel(utc(2026, 6, 9, 16), tick=False):
        services.meeting_update(
            meeting=meeting,
            updated_by=members[0],
            starts_at=local(2026, 6, 17, 10),
            ends_at=local(2026, 6, 17, 12),
        )

    assert _sweep_at(utc(2026, 6, 16, 14, 0)) == len(members)
    assert _reminded(meeting) == sorted(_emails(members) * 2)


@override_settings(MEETING_REMINDER_OFFSETS=[timedelta(hours=2)])
def test_offsets_come_from_settings(people):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))  # 14:00 UTC; two hours before: 12:00 UTC

    assert _sweep_at(utc(2026, 6, 9, 14, 0)) == 0
    assert _sweep_at(utc(2026, 6, 10, 11, 59)) == 0
    assert _sweep_at(utc(2026, 6, 10, 12, 0)) == len(members)


# The send: a reminder the sweep wrote is checked again when it goes out


def test_written_reminders_are_sent_once(people):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))

    _send_at(utc(2026, 6, 9, 14, 1))
    _send_at(utc(2026, 6, 9, 14, 2))

    assert sorted(m.to[0] for m in mail.outbox) == _emails(members)


def test_a_member_who_declines_after_the_sweep_is_not_reminded(people):
    community, (lead, declining, other) = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))
    assert declining.email in _reminded(meeting)
    RsvpFactory(meeting=meeting, member=declining, response="declined")

    _send_at(utc(2026, 6, 9, 14, 1))

    assert sorted(m.to[0] for m in mail.outbox) == _emails([lead, other])
    skipped = OutboxMessage.objects.get(to_email=declining.email)
    assert (skipped.status, skipped.skipped_because) == ("skipped", "the recipient declined")


def test_a_meeting_cancelled_after_the_sweep_is_not_reminded(people):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))
    with time_machine.travel(utc(2026, 6, 9, 14, 0, 30), tick=False):
        services.meeting_cancel(meeting=meeting, cancelled_by=members[0])

    _send_at(utc(2026, 6, 9, 14, 1))

    assert [m for m in mail.outbox if "Rappel" in m.subject] == []
    assert set(
        OutboxMessage.objects.filter(kind="meetings.reminder").values_list("status", flat=True)
    ) == {"skipped"}


def test_a_meeting_moved_after_the_sweep_is_not_reminded_of_its_old_time(people):
    community, members = people
    meeting = _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))
    with time_machine.travel(utc(2026, 6, 9, 14, 0, 30), tick=False):
        services.meeting_update(
            meeting=meeting,
            updated_by=members[0],
            starts_at=local(2026, 6, 10, 13),
            ends_at=local(2026, 6, 10, 15),
        )

    _send_at(utc(2026, 6, 9, 14, 1))

    reminders = OutboxMessage.objects.filter(kind="meetings.reminder")
    assert set(reminders.values_list("status", flat=True)) == {"skipped"}
    assert all("moved" in reason for reason in reminders.values_list("skipped_because", flat=True))


def test_a_reminder_still_unsent_when_the_meeting_starts_is_dropped(people):
    community, members = people
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))

    _send_at(utc(2026, 6, 10, 14, 0))  # the worker was down for a day

    assert mail.outbox == []


def test_a_member_who_left_after_the_sweep_is_not_reminded(people):
    from communities.services import membership_leave

    community, (lead, leaving, other) = people
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))
    membership_leave(community=community, member=leaving)

    _send_at(utc(2026, 6, 9, 14, 1))

    assert sorted(m.to[0] for m in mail.outbox) == _emails([lead, other])


def test_reminder_tells_what_each_answer_needs_in_the_members_language(people):
    community, (lead, in_person, online) = people
    lead.preferred_language = "en"
    lead.save()
    meeting = _meeting(community, local(2026, 6, 10, 10))
    RsvpFactory(meeting=meeting, member=in_person, response="in_person")
    RsvpFactory(meeting=meeting, member=online, response="online")
    _sweep_at(utc(2026, 6, 9, 14, 0))
    _send_at(utc(2026, 6, 9, 14, 1))

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


def test_each_reminder_greets_its_member_by_name_as_typed_in_text_and_escaped_in_html(people):
    """The reminder is rendered once for the members who gave the same answer; each name is
    filled in afterwards, in the text as typed and in the HTML part escaped."""
    community, (lead, first, second) = people
    first.first_name = "Zoé <O'Brien>"
    first.save()
    second.first_name = "Marc"
    second.save()
    _meeting(community, local(2026, 6, 10, 10))
    _sweep_at(utc(2026, 6, 9, 14, 0))
    _send_at(utc(2026, 6, 9, 14, 1))

    sent = {m.to[0]: m for m in mail.outbox}
    to_first, to_second = sent[first.email], sent[second.email]
    first_html = to_first.alternatives[0].content
    assert "Bonjour Zoé <O'Brien>," in to_first.body
    assert "Bonjour Zoé &lt;O&#x27;Brien&gt;," in first_html
    assert "<O'Brien>" not in first_html
    assert "Bonjour Marc," in to_second.body
    assert "Bonjour Marc," in to_second.alternatives[0].content
    assert "Zoé" not in to_second.body + to_second.alternatives[0].content


def test_a_batch_of_reminders_is_built_in_a_fixed_number_of_queries(
    people, django_assert_max_num_queries
):
    community, _members = people
    with time_machine.travel(LONG_AGO, tick=False):
        for _ in range(12):
            MembershipFactory(community=community)
    for hour in (10, 13):
        _meeting(community, local(2026, 6, 10, hour))
    with time_machine.travel(utc(2026, 6, 9, 17, 0), tick=False):
        written = services.reminders_enqueue_due()
    assert written == 2 * 15

    # Claim (3), build (meetings, answers, memberships: 3), one UPDATE per message sent, and
    # the final empty claim: nothing grows with the batch but the UPDATEs.
    with django_assert_max_num_queries(3 + 3 + written + 2):
        report = _send_at(utc(2026, 6, 9, 17, 1))
    assert report.sent == written


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_write_each_reminder_once_and_it_is_sent_once():
    with time_machine.travel(LONG_AGO, tick=False):
        meeting = MeetingFactory(starts_at=local(2026, 6, 10, 10), ends_at=local(2026, 6, 10, 12))
        members = [
            MembershipFactory(community=meeting.community, member=UserFactory()).member
            for _ in range(6)
        ]
    barrier = threading.Barrier(2)
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def in_two_threads(job):
        threads = [threading.Thread(target=run, args=(job,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    with time_machine.travel(utc(2026, 6, 9, 14, 0), tick=False):
        in_two_threads(services.reminders_enqueue_due)
        in_two_threads(relay)

    assert errors == []
    assert MeetingReminder.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == _emails(members)


def test_a_sweep_writes_any_number_of_reminders_in_a_fixed_number_of_statements(people):
    community, _members = people

    def statements_to_write(meetings: int, day: int) -> int:
        for hour in range(meetings):
            _meeting(community, local(2026, 6, day, 8 + hour))
        with CaptureQueriesContext(connection) as captured:
            _sweep_at(utc(2026, 6, day - 1, 14, 0))
        return len(captured)

    # One meeting due, then three (8, 9 and 10 o'clock on June 20; the sweep runs at 10:00).
    assert statements_to_write(1, 10) == statements_to_write(5, 20)
