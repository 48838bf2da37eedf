"""A member who leaves a community, or is removed from it, no longer comes to its upcoming
meetings: their answers go, so their in-person seats and dietary needs free up. Their answers
to meetings that are over stay, as history, and so do their answers elsewhere."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from communities import services as community_services
from communities.models import Membership
from meetings import services
from meetings.models import Rsvp
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, RsvpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room_of_five(community):
    """A lunch meeting with five seats, all five taken in person by members of the community."""
    meeting = MeetingFactory(community=community, in_person_seats=5, lunch_provided=True)
    for index in range(5):
        member = MembershipFactory(community=community).member
        services.rsvp_set(
            meeting=meeting,
            member=member,
            response="in_person",
            stays_for_lunch=True,
            dietary_needs=f"Sans gluten {index}",
        )
    return meeting


def _in_person(meeting) -> list[int]:
    return sorted(
        Rsvp.objects.filter(meeting=meeting, response="in_person").values_list(
            "member_id", flat=True
        )
    )


def _past_meeting(community):
    starts_at = timezone.now() - timedelta(days=10)
    return MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )


def test_members_who_leave_free_their_seats_for_current_members(community, room_of_five):
    leaving = [rsvp.member for rsvp in Rsvp.objects.filter(meeting=room_of_five)[:2]]
    newcomer = MembershipFactory(community=community).member

    for member in leaving:
        community_services.membership_leave(community=community, member=member)

    # Three current members coming for five seats: the room is not full.
    services.rsvp_set(meeting=room_of_five, member=newcomer, response="in_person")
    assert len(_in_person(room_of_five)) == 4
    assert not Rsvp.objects.filter(meeting=room_of_five, member__in=leaving).exists()


def test_a_removed_member_frees_their_seat_and_dietary_needs(community, lead, room_of_five):
    answer = Rsvp.objects.filter(meeting=room_of_five).first()
    membership = Membership.objects.get(community=community, member=answer.member)

    community_services.membership_remove(
        membership=membership, removed_by=lead, reason="Plus à l'emploi d'une municipalité."
    )

    assert not Rsvp.objects.filter(pk=answer.pk).exists()
    assert answer.dietary_needs not in Rsvp.objects.values_list("dietary_needs", flat=True)
    services.rsvp_set(meeting=room_of_five, member=lead, response="in_person")


def test_answers_to_past_meetings_and_to_other_communities_stay(community, fellow):
    past = _past_meeting(community)
    RsvpFactory(meeting=past, member=fellow, response="online")
    elsewhere = CommunityFactory()
    MembershipFactory(community=elsewhere, member=fellow)
    upcoming_elsewhere = MeetingFactory(community=elsewhere)
    services.rsvp_set(meeting=upcoming_elsewhere, member=fellow, response="online")
    upcoming = MeetingFactory(community=community)
    services.rsvp_set(meeting=upcoming, member=fellow, response="declined")

    community_services.membership_leave(community=community, member=fellow)

    assert not Rsvp.objects.filter(meeting=upcoming, member=fellow).exists()
    assert Rsvp.objects.filter(meeting=past, member=fellow).exists()
    assert Rsvp.objects.filter(meeting=upcoming_elsewhere, member=fellow).exists()


def test_withdrawing_answers_of_every_community(community, fellow):
    RsvpFactory(meeting=MeetingFactory(), member=fellow)
    RsvpFactory(meeting=MeetingFactory(community=community), member=fellow)
    past = _past_meeting(community)
    RsvpFactory(meeting=past, member=fellow)

    withdrawn = services.rsvp_withdraw_upcoming(member=fellow)

    assert withdrawn == 2
    assert list(Rsvp.objects.filter(member=fellow).values_list("meeting", flat=True)) == [past.pk]


def test_leaving_costs_the_same_queries_however_many_meetings(
    community, fellow, django_assert_max_num_queries
):
    def leave_with(upcoming: int) -> int:
        member = MembershipFactory(community=community).member
        for _ in range(upcoming):
            services.rsvp_set(
                meeting=MeetingFactory(community=community), member=member, response="online"
            )
        with connection.execute_wrapper(counter := _Counter()):
            community_services.membership_leave(community=community, member=member)
        return counter.count

    assert leave_with(1) == leave_with(6)
    # 11, plus two for the waiting lists: the seats freed, the places in line.
    with django_assert_max_num_queries(13):
        community_services.membership_leave(community=community, member=fellow)


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_answer_given_while_leaving_does_not_survive_the_leave():
    """The member answers a meeting (whose row they never touched before) while their leave
    is under way: the leave locks every upcoming meeting of the community, so the answer waits
    for it, then finds the member gone and is refused."""
    community = CommunityFactory()
    member = MembershipFactory(community=community).member
    meeting = MeetingFactory(community=community, in_person_seats=3)
    leave_holds_its_locks = threading.Event()
    outcome: dict = {}

    def leave():
        try:
            with transaction.atomic():
                community_services.membership_leave(community=community, member=member)
                leave_holds_its_locks.set()
                # Commit only once the answer is waiting on the meeting's row.
                _wait_until_blocked(timeout=10)
        finally:
            connections.close_all()

    def answer():
        try:
            leave_holds_its_locks.wait(timeout=30)
            services.rsvp_set(meeting=meeting, member=member, response="in_person")
            outcome["answer"] = "saved"
        except Exception as error:  # the test inspects what happened
            outcome["answer"] = type(error).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=leave), threading.Thread(target=answer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert outcome["answer"] == "PermissionDenied"
    assert not Rsvp.objects.filter(member=member).exists()


def _wait_until_blocked(*, timeout: float) -> None:
    """Returns once another connection waits on a lock, as PostgreSQL itself reports it (its
    activity view is a snapshot per transaction: cleared before each look)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
    raise AssertionError("the answer never waited on the leave's lock")
