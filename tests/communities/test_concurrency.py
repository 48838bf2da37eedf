"""The cap under real concurrency: real threads, each with its own PostgreSQL connection,
released together by a barrier. SQLite serialises writers on a file lock and would prove
nothing, so these run on PostgreSQL only (skipped with a reason elsewhere, see conftest)."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from communities import services
from communities.models import Community, JoinRequestStatus, Membership
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    StaffFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(jobs) -> list:
    """Runs each job in its own thread, all released at once. Returns, in order, what each job
    returned or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = job()
        except Exception as error:  # the test inspects every outcome, errors included
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck on a lock"
    return outcomes


def _kinds(outcomes) -> Counter:
    return Counter(type(outcome).__name__ for outcome in outcomes)


def _community(members: int, capacity: int = 15) -> tuple[Community, object]:
    community = CommunityFactory(capacity=capacity)
    lead = LeadMembershipFactory(community=community).member
    MembershipFactory.create_batch(members - 1, community=community)
    return community, lead


def _approve(join_request, lead):
    return lambda: services.join_request_approve(join_request=join_request, decided_by=lead)


def _set_capacity(community, capacity, staff):
    return lambda: services.community_set_capacity(
        community=community, capacity=capacity, changed_by=staff
    )


def test_thirty_simultaneous_approvals_fill_exactly_the_three_seats_left():
    community, lead = _community(members=12)
    requests = JoinRequestFactory.create_batch(30, community=community)

    outcomes = _run_together([_approve(join_request, lead) for join_request in requests])

    assert _kinds(outcomes) == {"Membership": 3, "CommunityFull": 27}
    assert Membership.objects.filter(community=community).count() == 15
    waiting = [
        join_request
        for join_request, outcome in zip(requests, outcomes, strict=True)
        if isinstance(outcome, services.CommunityFull)
    ]
    assert community.join_requests.filter(status=JoinRequestStatus.PENDING).count() == 27
    assert {join_request.pk for join_request in waiting} == set(
        community.join_requests.filter(status=JoinRequestStatus.PENDING).values_list(
            "pk", flat=True
        )
    )


def test_two_leads_approving_the_same_request_seat_the_member_once():
    community, lead = _community(members=5)
    second_lead = LeadMembershipFactory(community=community).member
    join_request = JoinRequestFactory(community=community)

    outcomes = _run_together([_approve(join_request, lead), _approve(join_request, second_lead)])

    assert _kinds(outcomes) == {"Membership": 1, "AlreadyDecided": 1}
    assert Membership.objects.filter(community=community, member=join_request.member).count() == 1
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED


def test_capacity_changes_racing_approvals_never_leave_more_members_than_capacity():
    staff = StaffFactory()
    for _round in range(3):
        community, lead = _community(members=10)
        requests = JoinRequestFactory.create_batch(10, community=community)
        jobs = [_approve(join_request, lead) for join_request in requests]
        jobs += [_set_capacity(community, capacity, staff) for capacity in (11, 12, 13, 10)]

        outcomes = _run_together(jobs)

        for outcome in outcomes:
            # Anything but a seat, a refused seat, a capacity or a refused capacity is a bug.
            assert isinstance(outcome, Membership | Community | ValidationError), outcome
        community.refresh_from_db()
        assert Membership.objects.filter(community=community).count() <= community.capacity


def test_lowering_the_capacity_while_the_last_seat_is_taken_lets_only_one_win():
    staff = StaffFactory()
    community, lead = _community(members=14)
    join_request = JoinRequestFactory(community=community)

    approval, lowering = _run_together(
        [_approve(join_request, lead), _set_capacity(community, 14, staff)]
    )

    # Whoever locks the community first wins: either the member is seated and lowering to 14
    # is refused (15 members), or the capacity drops to 14 and the request waits.
    if isinstance(approval, Membership):
        assert isinstance(lowering, ValidationError)
        assert {error.code for error in lowering.error_list} == {"below_count"}
    else:
        assert isinstance(approval, services.CommunityFull)
        assert isinstance(lowering, Community)
    community.refresh_from_db()
    assert Membership.objects.filter(community=community).count() <= community.capacity


def test_lowering_the_capacity_below_the_count_is_refused():
    staff = StaffFactory()
    community, _lead = _community(members=12)

    outcomes = _run_together([_set_capacity(community, 11, staff) for _ in range(3)])

    assert _kinds(outcomes) == {"ValidationError": 3}
    community.refresh_from_db()
    assert community.capacity == 15
