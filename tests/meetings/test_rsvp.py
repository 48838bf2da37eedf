import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from meetings import services
from meetings.models import Rsvp
from tests.factories import MeetingFactory, MembershipFactory, UserFactory


def test_member_answers_in_person_and_stays_for_lunch(community, fellow):
    meeting = MeetingFactory(community=community, lunch_provided=True)
    rsvp = services.rsvp_set(
        meeting=meeting,
        member=fellow,
        response="in_person",
        stays_for_lunch=True,
        dietary_needs="Végétarien",
    )
    assert (rsvp.response, rsvp.stays_for_lunch, rsvp.dietary_needs) == (
        "in_person",
        True,
        "Végétarien",
    )


def test_online_answer_with_lunch_is_refused_beside_the_box(community, fellow):
    """Not silently dropped: the member would believe they are counted for lunch."""
    meeting = MeetingFactory(community=community, lunch_provided=True)
    with pytest.raises(ValidationError) as refused:
        services.rsvp_set(meeting=meeting, member=fellow, response="online", stays_for_lunch=True)
    assert refused.value.error_dict["stays_for_lunch"][0].code == "lunch_not_in_person"
    assert not Rsvp.objects.filter(member=fellow).exists()


def test_member_changes_their_answer_in_place(community, fellow):
    meeting = MeetingFactory(community=community)
    services.rsvp_set(meeting=meeting, member=fellow, response="in_person")
    services.rsvp_set(meeting=meeting, member=fellow, response="declined")
    assert list(Rsvp.objects.values_list("response", flat=True)) == ["declined"]


@pytest.mark.parametrize(("format", "refused"), [("online", "in_person"), ("in_person", "online")])
def test_answer_must_fit_the_format(community, fellow, format, refused):
    meeting = MeetingFactory(community=community, format=format)
    with pytest.raises(ValidationError):
        services.rsvp_set(meeting=meeting, member=fellow, response=refused)


def test_outsider_cannot_answer(community, member):
    meeting = MeetingFactory(community=community)
    with pytest.raises(PermissionDenied):
        services.rsvp_set(meeting=meeting, member=member, response="online")


def test_answer_cannot_change_once_the_meeting_started(community, fellow):
    meeting = MeetingFactory(community=community)
    with (
        time_machine.travel(meeting.starts_at + timedelta(minutes=1)),
        pytest.raises(services.MeetingClosed),
    ):
        services.rsvp_set(meeting=meeting, member=fellow, response="online")


def test_cancelled_meeting_takes_no_answer(community, fellow):
    meeting = MeetingFactory(community=community, cancelled_at=timezone.now())
    with pytest.raises(services.MeetingClosed):
        services.rsvp_set(meeting=meeting, member=fellow, response="online")


def test_full_room_of_a_hybrid_meeting_suggests_online(community, fellow, lead):
    meeting = MeetingFactory(community=community, in_person_seats=1)
    services.rsvp_set(meeting=meeting, member=lead, response="in_person")
    with pytest.raises(services.RoomFull) as error:
        services.rsvp_set(meeting=meeting, member=fellow, response="in_person")
    with translation.override("en"):
        assert "attend online" in error.value.messages[0]
    assert services.rsvp_set(meeting=meeting, member=fellow, response="online")


def test_full_room_of_an_in_person_meeting_asks_to_wait(community, fellow, lead):
    meeting = MeetingFactory(
        community=community, format="in_person", meeting_url="", in_person_seats=1
    )
    services.rsvp_set(meeting=meeting, member=lead, response="in_person")
    with pytest.raises(services.RoomFull) as error:
        services.rsvp_set(meeting=meeting, member=fellow, response="in_person")
    with translation.override("en"):
        assert "online" not in error.value.messages[0]


def test_member_already_in_the_room_keeps_their_seat_when_answering_again(community, lead):
    meeting = MeetingFactory(community=community, in_person_seats=1)
    services.rsvp_set(meeting=meeting, member=lead, response="in_person")
    assert services.rsvp_set(meeting=meeting, member=lead, response="in_person")


def test_a_declined_seat_frees_for_the_next_member(community, fellow, lead):
    meeting = MeetingFactory(community=community, in_person_seats=1)
    services.rsvp_set(meeting=meeting, member=lead, response="in_person")
    services.rsvp_set(meeting=meeting, member=lead, response="declined")
    assert services.rsvp_set(meeting=meeting, member=fellow, response="in_person")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_members_at_once_fill_exactly_five_seats():
    meeting = MeetingFactory(in_person_seats=5)
    members = [UserFactory() for _ in range(20)]
    for member in members:
        MembershipFactory(community=meeting.community, member=member)
    barrier = threading.Barrier(len(members))
    outcomes: list[str] = []

    def answer(member):
        try:
            barrier.wait()
            services.rsvp_set(meeting=meeting, member=member, response="in_person")
            outcomes.append("seated")
        except services.RoomFull:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full"] * 15 + ["seated"] * 5
    assert Rsvp.objects.filter(meeting=meeting, response="in_person").count() == 5
