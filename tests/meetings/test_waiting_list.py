"""The waiting list for in-person seats (meetings.seats): a member of a full room asks for a
seat; a seat that frees up is offered to the first in line by e-mail and held until a deadline;
the member takes it by answering in person, or it passes to the next in line when declined or
expired (by the sweep or by the next answer, whichever comes first, exactly once)."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from meetings import seats, services
from meetings.models import Rsvp, SeatRequest
from notifications.models import OutboxMessage
from tests.factories import MeetingFactory, MembershipFactory, UserFactory
from tests.helpers import shown_messages

pytestmark = pytest.mark.django_db


def _member(community):
    return MembershipFactory(community=community).member


@pytest.fixture
def room(community):
    """A hybrid meeting two weeks ahead whose room (1 seat) is taken by ``room.holder``."""
    meeting = MeetingFactory(community=community, in_person_seats=1, lunch_provided=True)
    meeting.holder = _member(community)
    services.rsvp_set(meeting=meeting, member=meeting.holder, response="in_person")
    return meeting


def _status(member, meeting) -> str:
    return SeatRequest.objects.filter(member=member, meeting=meeting).latest("pk").status


def _offers_to(member) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="meetings.seat_offer", recipient=member))


def _expiries_to(member) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="meetings.seat_offer_expired", recipient=member))


def _in_line(room, count):
    members = [_member(room.community) for _ in range(count)]
    for member in members:
        services.seat_request_create(meeting=room, member=member)
    return members


# Asking for a seat


def test_a_member_asks_for_a_seat_of_a_full_room_once(room):
    member = _member(room.community)

    first = services.seat_request_create(meeting=room, member=member)
    again = services.seat_request_create(meeting=room, member=member)

    assert first.pk == again.pk and first.status == "waiting"
    assert SeatRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("situation", "code"),
    [("seat_free", "seat_free"), ("no_limit", "no_limit"), ("has_seat", "has_seat")],
)
def test_asking_for_a_seat_is_refused_when_it_makes_no_sense(community, situation, code):
    meeting = MeetingFactory(community=community, in_person_seats=None if code == "no_limit" else 2)
    member = _member(community)
    if situation == "has_seat":
        services.rsvp_set(meeting=meeting, member=member, response="in_person")
        services.rsvp_set(meeting=meeting, member=_member(community), response="in_person")

    with pytest.raises(ValidationError) as refused:
        services.seat_request_create(meeting=meeting, member=member)

    assert refused.value.code == code
    assert not SeatRequest.objects.exists()


def test_only_members_ask_for_a_seat(room):
    with pytest.raises(PermissionDenied):
        services.seat_request_create(meeting=room, member=UserFactory())


def test_too_close_to_the_meeting_there_is_no_waiting_list(room):
    member = _member(room.community)
    with (
        time_machine.travel(room.starts_at - timedelta(hours=3, minutes=30)),
        pytest.raises(ValidationError) as refused,
    ):
        services.seat_request_create(meeting=room, member=member)
    assert refused.value.code == "too_late"


def test_the_database_holds_one_open_request_per_member_and_meeting(room):
    member = _member(room.community)
    SeatRequest.objects.create(meeting=room, member=member)

    with pytest.raises(IntegrityError), transaction.atomic():
        SeatRequest.objects.create(
            meeting=room,
            member=member,
            status="offered",
            offered_at=timezone.now(),
            offer_expires_at=timezone.now() + timedelta(hours=1),
        )
    # A closed one is history: the member may ask again.
    SeatRequest.objects.filter(member=member).update(status="withdrawn")
    SeatRequest.objects.create(meeting=room, member=member)


def test_the_database_refuses_an_offer_without_a_deadline(room):
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatRequest.objects.create(meeting=room, member=_member(room.community), status="offered")


# A seat frees up: the first in line is offered it


def test_a_freed_seat_is_offered_to_the_first_in_line_and_held_for_them(room, run_tasks):
    first, second = _in_line(room, 2)

    with run_tasks():
        services.rsvp_set(meeting=room, member=room.holder, response="online")

    assert (_status(first, room), _status(second, room)) == ("offered", "waiting")
    offer = SeatRequest.objects.get(member=first)
    assert offer.offer_expires_at == offer.offered_at + timedelta(hours=48)
    [email] = [message for message in mail.outbox if first.email in message.to]
    assert "Une place se libère pour vous" in email.subject
    assert "avant" in email.body and reverse("meetings:detail", args=[room.pk]) in email.body
    # The seat is held: someone else answering in person finds the room full.
    with pytest.raises(services.RoomFull):
        services.rsvp_set(meeting=room, member=second, response="in_person")


def test_the_page_says_a_seat_is_held_for_an_offer_not_taken_by_someone_coming(client, room):
    [first] = _in_line(room, 1)
    services.rsvp_set(meeting=room, member=room.holder, response="declined")
    client.force_login(room.holder)

    page = client.get(reverse("meetings:detail", args=[room.pk])).content.decode()

    assert "1 sur 1 occupées · dont 1 réservée pour un membre à qui une place est offerte" in page
    assert "Personne n'a encore annoncé sa présence." in page


def test_the_offered_member_takes_the_seat_by_answering_in_person(room):
    [first] = _in_line(room, 1)
    services.rsvp_set(meeting=room, member=room.holder, response="declined")

    services.rsvp_set(meeting=room, member=first, response="in_person", stays_for_lunch=True)

    assert _status(first, room) == "accepted"
    assert Rsvp.objects.get(member=first).stays_for_lunch
    assert seats.seats_taken(room) == 1


def test_a_declined_offer_passes_to_the_next_at_once(room):
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")

    services.seat_request_withdraw(meeting=room, member=first)

    assert (_status(first, room), _status(second, room)) == ("declined", "offered")


def test_an_offer_expires_at_its_deadline_and_passes_to_the_next(room, run_tasks):
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    deadline = SeatRequest.objects.get(member=first).offer_expires_at

    assert services.seat_offers_expire_due(now=deadline - timedelta(seconds=1)) == 0
    with time_machine.travel(deadline), run_tasks():
        assert services.seat_offers_expire_due() == 1
        assert services.seat_offers_expire_due() == 0  # a second sweep: nothing left

    assert (_status(first, room), _status(second, room)) == ("expired", "offered")
    [expired] = [message for message in mail.outbox if first.email in message.to]
    assert "a été offerte à la personne suivante" in expired.subject
    assert len(_expiries_to(first)) == 1 and len(_offers_to(second)) == 1


def test_a_late_answer_finds_the_offer_expired_before_the_sweep_came(room):
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    deadline = SeatRequest.objects.get(member=first).offer_expires_at

    with time_machine.travel(deadline + timedelta(minutes=1)), pytest.raises(services.RoomFull):
        services.rsvp_set(meeting=room, member=first, response="in_person")

    assert (_status(first, room), _status(second, room)) == ("expired", "offered")


def test_the_offer_never_holds_past_the_cutoff_before_the_meeting(room):
    [first] = _in_line(room, 1)

    with time_machine.travel(room.starts_at - timedelta(hours=20)):
        services.rsvp_set(meeting=room, member=room.holder, response="online")

    assert SeatRequest.objects.get(member=first).offer_expires_at == room.starts_at - timedelta(
        hours=3
    )


def test_no_offer_is_made_within_the_last_hours_the_seat_is_free_for_all(room):
    [first] = _in_line(room, 1)

    with time_machine.travel(room.starts_at - timedelta(hours=3, minutes=30)):
        services.rsvp_set(meeting=room, member=room.holder, response="online")
        assert _status(first, room) == "waiting"
        services.rsvp_set(meeting=room, member=first, response="in_person")

    assert _status(first, room) == "accepted"


def test_more_seats_or_no_limit_offer_seats_to_as_many(room, lead):
    first, second, third = _in_line(room, 3)

    services.meeting_update(meeting=room, updated_by=lead, in_person_seats=3)
    assert [_status(m, room) for m in (first, second, third)] == ["offered", "offered", "waiting"]

    services.meeting_update(meeting=room, updated_by=lead, in_person_seats=None)
    assert _status(third, room) == "offered"


def test_fewer_seats_than_answers_and_offers_is_refused(room, lead):
    _in_line(room, 1)
    services.meeting_update(meeting=room, updated_by=lead, in_person_seats=2)  # offer made

    with pytest.raises(ValidationError) as refused:
        services.meeting_update(meeting=room, updated_by=lead, in_person_seats=1)

    assert "in_person_seats" in refused.value.message_dict


def test_a_member_leaving_the_community_frees_their_seat_for_the_next(room):
    [first] = _in_line(room, 1)

    community_services.membership_leave(community=room.community, member=room.holder)

    assert _status(first, room) == "offered"


def test_leaving_the_community_takes_the_member_off_the_waiting_list(room):
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")

    community_services.membership_leave(community=room.community, member=first)

    assert (_status(first, room), _status(second, room)) == ("withdrawn", "offered")


def test_cancelling_or_going_online_closes_the_waiting_list(room, lead):
    [first] = _in_line(room, 1)
    services.meeting_update(
        meeting=room, updated_by=lead, format="online", venue_name="", address=""
    )
    assert _status(first, room) == "withdrawn"


def test_declining_the_meeting_with_a_seat_offered_passes_the_seat_on(room):
    """A first answer, "cannot attend", from the member the seat is held for."""
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")

    services.rsvp_set(meeting=room, member=first, response="declined")

    assert (_status(first, room), _status(second, room)) == ("withdrawn", "offered")


def test_declining_the_meeting_leaves_the_line_answering_online_keeps_the_place(room):
    first, second = _in_line(room, 2)

    services.rsvp_set(meeting=room, member=first, response="online")
    services.rsvp_set(meeting=room, member=second, response="declined")

    assert (_status(first, room), _status(second, room)) == ("waiting", "withdrawn")


def test_an_offer_overtaken_before_it_is_sent_is_not_sent(room, run_tasks):
    [first] = _in_line(room, 1)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    services.rsvp_set(meeting=room, member=first, response="in_person")  # took it at once

    with run_tasks():
        from notifications.relay import relay

        relay()

    assert [message for message in mail.outbox if first.email in message.to] == []
    assert _offers_to(first)[0].status == "skipped"


# The pages


def test_a_member_asks_for_a_seat_then_leaves_the_line_from_the_page(client, room, english):
    member = _member(room.community)
    client.force_login(member)
    page = client.get(reverse("meetings:detail", args=[room.pk])).content.decode()
    assert "Ask for a seat in the room" in page

    response = client.post(reverse("meetings:seat_request", args=[room.pk]), follow=True)

    assert "You are on the waiting list" in shown_messages(response)[0]
    assert "You are number 1 on the waiting list" in response.content.decode()
    response = client.post(reverse("meetings:seat_request_withdraw", args=[room.pk]), follow=True)
    assert shown_messages(response) == ["You are no longer on the waiting list."]
    assert _status(member, room) == "withdrawn"


def test_the_page_tells_the_offered_member_until_when_and_preselects_in_person(
    client, room, english
):
    [first] = _in_line(room, 1)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    client.force_login(first)

    response = client.get(reverse("meetings:detail", args=[room.pk]))

    assert "A seat in the room is held for you." in response.content.decode()
    assert response.context["rsvp_form"]["response"].value() == "in_person"


def test_asking_for_a_seat_of_a_room_with_a_free_seat_says_so(client, community, english):
    meeting = MeetingFactory(community=community, in_person_seats=5)
    client.force_login(_member(community))

    response = client.post(reverse("meetings:seat_request", args=[meeting.pk]), follow=True)

    assert shown_messages(response) == [
        "A seat is free: answer that you will attend in person to take it."
    ]


def test_the_lead_sees_the_waiting_list_on_the_roster(client, room, lead, english):
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    client.force_login(lead)

    html = client.get(reverse("meetings:roster", args=[room.pk])).content.decode()

    waiting = html[html.index("Waiting for a seat in the room") :]
    assert waiting.index(first.display_name) < waiting.index(second.display_name)
    assert "seat offered until" in html


# Concurrency: real threads, real PostgreSQL connections


def _together(*jobs) -> list:
    """Runs the jobs at once in threads, each on its own connection; returns what each
    returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the test reads what happened
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _postgres_room():
    meeting = MeetingFactory(in_person_seats=1)
    meeting.holder = _member(meeting.community)
    services.rsvp_set(meeting=meeting, member=meeting.holder, response="in_person")
    return meeting


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_in_line_answering_for_the_last_seat_at_once():
    """Too close to the meeting for an offer, a seat frees up: it is free for all, and the two
    members waiting for it answer "in person" at the same moment. One seat, one of them."""
    room = _postgres_room()
    first, second = _in_line(room, 2)

    with time_machine.travel(room.starts_at - timedelta(hours=3, minutes=30), tick=False):
        services.rsvp_set(meeting=room, member=room.holder, response="online")
        results = _together(
            lambda: services.rsvp_set(meeting=room, member=first, response="in_person"),
            lambda: services.rsvp_set(meeting=room, member=second, response="in_person"),
        )

    assert sorted(type(result).__name__ for result in results) == ["RoomFull", "Rsvp"], results
    assert Rsvp.objects.filter(meeting=room, response="in_person").count() == 1
    seated = first if isinstance(results[0], Rsvp) else second
    other = second if seated is first else first
    assert (_status(seated, room), _status(other, room)) == ("accepted", "waiting")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_and_a_confirmation_racing_settle_the_seat_once():
    """The sweep runs for a deadline that is passing as the member confirms: either the
    member took the seat (and the sweep finds nothing), or the offer expired first (and the
    member is refused, the next in line offered). Never both, never the seat twice."""
    room = _postgres_room()
    first, second = _in_line(room, 2)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    deadline = SeatRequest.objects.get(member=first).offer_expires_at

    results = _together(
        lambda: services.seat_offers_expire_due(now=deadline),
        lambda: services.rsvp_set(meeting=room, member=first, response="in_person"),
    )

    swept, answer = results
    assert not isinstance(swept, Exception), swept
    if isinstance(answer, Rsvp):
        assert swept == 0
        assert (_status(first, room), _status(second, room)) == ("accepted", "waiting")
        assert _expiries_to(first) == []
    else:
        assert isinstance(answer, services.RoomFull), answer
        assert swept == 1
        assert (_status(first, room), _status(second, room)) == ("expired", "offered")
        assert len(_expiries_to(first)) == 1
    assert seats.seats_taken(room) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_expire_an_offer_exactly_once():
    room = _postgres_room()
    first, second, third = _in_line(room, 3)
    services.rsvp_set(meeting=room, member=room.holder, response="online")
    deadline = SeatRequest.objects.get(member=first).offer_expires_at

    results = _together(
        lambda: services.seat_offers_expire_due(now=deadline),
        lambda: services.seat_offers_expire_due(now=deadline),
    )

    assert sorted(results) == [0, 1]
    assert [_status(m, room) for m in (first, second, third)] == ["expired", "offered", "waiting"]
    assert len(_expiries_to(first)) == 1 and len(_offers_to(second)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_seats_freed_at_once_go_to_two_members_in_line_order():
    meeting = MeetingFactory(in_person_seats=2)
    holders = [_member(meeting.community) for _ in range(2)]
    for holder in holders:
        services.rsvp_set(meeting=meeting, member=holder, response="in_person")
    first, second, third = _in_line(meeting, 3)

    _together(
        *[
            (lambda h=holder: services.rsvp_set(meeting=meeting, member=h, response="online"))
            for holder in holders
        ]
    )

    assert [_status(m, meeting) for m in (first, second, third)] == [
        "offered",
        "offered",
        "waiting",
    ]
    assert seats.seats_taken(meeting) == 2
