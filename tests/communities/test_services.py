"""The rules of communities, through the services that enforce them."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities import services
from communities.models import (
    MOTIVATION_MAX_LENGTH,
    Community,
    Decision,
    DecisionAction,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Role,
)
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MOTIVATION = "Je bâtis le plan de gestion des actifs de ma ville."


@pytest.fixture
def community():
    return CommunityFactory(capacity=15)


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community).member


@pytest.fixture
def other_lead():
    return LeadMembershipFactory().member


def _fill(community: Community, count: int) -> None:
    MembershipFactory.create_batch(count - community.memberships.count(), community=community)


def _request(community: Community, member=None) -> JoinRequest:
    return services.join_request_create(
        community=community, member=member or UserFactory(), motivation=MOTIVATION
    )


def _codes(error: ValidationError) -> set:
    return {item.code for item in error.error_list}


# join_request_create


def test_member_asks_to_join_and_the_request_is_recorded(community, member):
    join_request = _request(community, member)

    assert join_request.status == JoinRequestStatus.PENDING
    decision = Decision.objects.get(action=DecisionAction.REQUESTED)
    assert (decision.actor, decision.subject, decision.join_request) == (
        member,
        member,
        join_request,
    )


@pytest.mark.parametrize("motivation", ["", "   \n "])
def test_motivation_is_required(community, member, motivation):
    with pytest.raises(ValidationError) as error:
        services.join_request_create(community=community, member=member, motivation=motivation)

    assert _codes(error.value) == {"required"}
    assert not JoinRequest.objects.exists()


def test_motivation_longer_than_the_limit_is_refused(community, member):
    with pytest.raises(ValidationError) as error:
        services.join_request_create(
            community=community, member=member, motivation="x" * (MOTIVATION_MAX_LENGTH + 1)
        )

    assert _codes(error.value) == {"max_length"}
    assert str(MOTIVATION_MAX_LENGTH) in error.value.messages[0]


def test_motivation_at_the_limit_is_accepted(community, member):
    services.join_request_create(
        community=community, member=member, motivation="x" * MOTIVATION_MAX_LENGTH
    )

    assert JoinRequest.objects.filter(member=member).exists()


def test_closed_community_takes_no_request(member):
    closed = CommunityFactory(accepting_requests=False)

    with pytest.raises(ValidationError) as error:
        _request(closed, member)

    assert _codes(error.value) == {"closed"}


def test_a_member_cannot_ask_to_join_again(community):
    membership = MembershipFactory(community=community)

    with pytest.raises(ValidationError) as error:
        _request(community, membership.member)

    assert _codes(error.value) == {"member"}


def test_a_second_open_request_is_refused_clearly(community, member):
    _request(community, member)

    with pytest.raises(ValidationError) as error:
        _request(community, member)

    assert _codes(error.value) == {"duplicate"}
    assert JoinRequest.objects.filter(member=member).count() == 1


def test_a_full_community_still_takes_requests_for_its_waiting_list(community, member):
    _fill(community, 15)

    join_request = _request(community, member)

    assert join_request.is_open


def test_asking_again_after_a_decline_is_allowed(community, member, lead):
    services.join_request_decline(join_request=_request(community, member), decided_by=lead)

    assert _request(community, member).is_open


# join_request_withdraw


def test_member_withdraws_their_request(community, member):
    join_request = services.join_request_withdraw(
        join_request=_request(community, member), member=member
    )

    assert join_request.status == JoinRequestStatus.WITHDRAWN
    assert join_request.decided_by == member
    assert Decision.objects.filter(action=DecisionAction.WITHDRAWN, actor=member).exists()


def test_nobody_else_withdraws_a_request(community, member):
    join_request = _request(community, member)

    with pytest.raises(PermissionDenied):
        services.join_request_withdraw(join_request=join_request, member=UserFactory())


def test_a_decided_request_cannot_be_withdrawn(community, member, lead):
    join_request = _request(community, member)
    services.join_request_approve(join_request=join_request, decided_by=lead)

    with pytest.raises(services.AlreadyDecided):
        services.join_request_withdraw(join_request=join_request, member=member)


# join_request_approve / join_request_decline


def test_lead_approves_and_the_member_takes_a_seat(community, member, lead):
    join_request = _request(community, member)

    membership = services.join_request_approve(
        join_request=join_request, decided_by=lead, message="  Bienvenue!  "
    )

    assert (membership.community, membership.member, membership.role) == (
        community,
        member,
        Role.MEMBER,
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.decided_by == lead
    assert join_request.decision_message == "Bienvenue!"


def test_approval_is_recorded_with_who_when_what_and_message(community, member, lead):
    before = timezone.now()
    join_request = _request(community, member)

    services.join_request_approve(join_request=join_request, decided_by=lead, message="Bienvenue")

    decision = Decision.objects.get(action=DecisionAction.APPROVED)
    assert decision.actor == lead
    assert decision.subject == member
    assert decision.join_request == join_request
    assert decision.message == "Bienvenue"
    assert decision.community == community
    assert before <= decision.created_at <= timezone.now()


def test_staff_may_approve_without_being_a_lead(community, member, staff):
    services.join_request_approve(join_request=_request(community, member), decided_by=staff)

    assert Membership.objects.filter(community=community, member=member).exists()


def test_lead_of_another_community_cannot_approve(community, member, other_lead):
    join_request = _request(community, member)

    with pytest.raises(PermissionDenied):
        services.join_request_approve(join_request=join_request, decided_by=other_lead)

    join_request.refresh_from_db()
    assert join_request.is_open


def test_a_plain_member_cannot_decide(community, member):
    join_request = _request(community, member)
    fellow = MembershipFactory(community=community).member

    with pytest.raises(PermissionDenied):
        services.join_request_decline(join_request=join_request, decided_by=fellow)


def test_approving_in_a_full_community_leaves_the_request_on_the_waiting_list(
    community, member, lead
):
    _fill(community, 15)
    join_request = _request(community, member)

    with pytest.raises(services.CommunityFull) as error:
        services.join_request_approve(join_request=join_request, decided_by=lead)

    assert _codes(error.value) == {"full"}
    join_request.refresh_from_db()
    assert join_request.is_open
    assert community.memberships.count() == 15
    assert not Decision.objects.filter(action=DecisionAction.APPROVED).exists()


def test_the_last_seat_goes_and_the_next_approval_waits(community, lead):
    _fill(community, 14)
    first, second = _request(community), _request(community)

    services.join_request_approve(join_request=first, decided_by=lead)
    with pytest.raises(services.CommunityFull):
        services.join_request_approve(join_request=second, decided_by=lead)

    assert community.memberships.count() == 15


def test_a_request_is_decided_once(community, member, lead):
    join_request = _request(community, member)
    services.join_request_approve(join_request=join_request, decided_by=lead)

    with pytest.raises(services.AlreadyDecided):
        services.join_request_approve(join_request=join_request, decided_by=lead)
    with pytest.raises(services.AlreadyDecided):
        services.join_request_decline(join_request=join_request, decided_by=lead)

    assert community.memberships.filter(member=member).count() == 1


def test_lead_declines_with_a_message(community, member, lead):
    join_request = _request(community, member)

    services.join_request_decline(
        join_request=join_request, decided_by=lead, message="Réservée aux MRC."
    )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert join_request.decision_message == "Réservée aux MRC."
    assert not Membership.objects.filter(member=member).exists()
    decision = Decision.objects.get(action=DecisionAction.DECLINED)
    assert (decision.actor, decision.subject, decision.message) == (
        lead,
        member,
        "Réservée aux MRC.",
    )


def test_a_withdrawn_request_cannot_be_declined(community, member, lead):
    join_request = _request(community, member)
    services.join_request_withdraw(join_request=join_request, member=member)

    with pytest.raises(services.AlreadyDecided):
        services.join_request_decline(join_request=join_request, decided_by=lead)


# membership_leave / membership_remove


def test_member_leaves_and_frees_a_seat(community):
    membership = MembershipFactory(community=community)

    services.membership_leave(community=community, member=membership.member)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    decision = Decision.objects.get(action=DecisionAction.LEFT)
    assert decision.actor == decision.subject == membership.member


def test_leaving_a_community_one_is_not_in_is_refused(community, member):
    with pytest.raises(ValidationError) as error:
        services.membership_leave(community=community, member=member)

    assert _codes(error.value) == {"not_member"}


def test_a_freed_seat_lets_the_waiting_list_in(community, lead):
    _fill(community, 15)
    waiting = _request(community)
    leaving = community.memberships.exclude(member=lead).first()

    services.membership_leave(community=community, member=leaving.member)
    services.join_request_approve(join_request=waiting, decided_by=lead)

    assert community.memberships.count() == 15


def test_lead_removes_a_member_with_a_reason(community, lead):
    membership = MembershipFactory(community=community)

    decision = services.membership_remove(
        membership=membership, removed_by=lead, reason="  Inactif depuis un an.  "
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert decision.action == DecisionAction.REMOVED
    assert (decision.actor, decision.subject, decision.message) == (
        lead,
        membership.member,
        "Inactif depuis un an.",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_removal_needs_a_reason(community, lead, reason):
    membership = MembershipFactory(community=community)

    with pytest.raises(ValidationError) as error:
        services.membership_remove(membership=membership, removed_by=lead, reason=reason)

    assert _codes(error.value) == {"required"}
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_member_cannot_remove_a_fellow_member(community):
    fellow, target = MembershipFactory.create_batch(2, community=community)

    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=target, removed_by=fellow.member, reason="Non.")


def test_a_lead_cannot_remove_themself(community, lead):
    own = Membership.objects.get(community=community, member=lead)

    with pytest.raises(ValidationError) as error:
        services.membership_remove(membership=own, removed_by=lead, reason="Je pars.")

    assert _codes(error.value) == {"self_removal"}


def test_removing_someone_already_gone_is_refused_clearly(community, lead):
    membership = MembershipFactory(community=community)
    services.membership_leave(community=community, member=membership.member)

    with pytest.raises(ValidationError) as error:
        services.membership_remove(membership=membership, removed_by=lead, reason="Inactif.")

    assert _codes(error.value) == {"not_member"}


# community_set_capacity


def test_lowering_the_capacity_below_the_member_count_is_refused(community, staff):
    _fill(community, 10)

    with pytest.raises(ValidationError) as error:
        services.community_set_capacity(community=community, capacity=9, changed_by=staff)

    assert _codes(error.value) == {"below_count"}
    assert "(10)" in error.value.messages[0]
    community.refresh_from_db()
    assert community.capacity == 15


def test_lowering_the_capacity_to_the_member_count_is_allowed(community, staff):
    _fill(community, 10)

    services.community_set_capacity(community=community, capacity=10, changed_by=staff)

    community.refresh_from_db()
    assert community.capacity == 10


def test_raising_the_capacity_opens_seats_and_is_recorded(community, staff, lead):
    _fill(community, 15)
    waiting = _request(community)

    services.community_set_capacity(community=community, capacity=16, changed_by=staff)
    services.join_request_approve(join_request=waiting, decided_by=lead)

    assert community.memberships.count() == 16
    decision = Decision.objects.get(action=DecisionAction.CAPACITY_CHANGED)
    assert (decision.actor, decision.detail) == (staff, "15 → 16")


def test_setting_the_same_capacity_records_nothing(community, staff):
    services.community_set_capacity(community=community, capacity=15, changed_by=staff)

    assert not Decision.objects.exists()


def test_capacity_must_be_at_least_one(community, staff):
    with pytest.raises(ValidationError) as error:
        services.community_set_capacity(community=community, capacity=0, changed_by=staff)

    assert _codes(error.value) == {"min_capacity"}


def test_only_staff_change_the_capacity(community, lead):
    with pytest.raises(PermissionDenied):
        services.community_set_capacity(community=community, capacity=20, changed_by=lead)


# lead_assign / membership_add


def test_staff_make_a_member_lead_without_taking_another_seat(community, staff):
    _fill(community, 15)
    membership = community.memberships.first()

    services.lead_assign(community=community, member=membership.member, assigned_by=staff)

    membership.refresh_from_db()
    assert membership.role == Role.LEAD
    assert community.memberships.count() == 15


def test_a_new_lead_takes_a_seat_if_one_is_left(community, staff, member):
    membership = services.lead_assign(community=community, member=member, assigned_by=staff)

    assert membership.role == Role.LEAD


def test_a_new_lead_cannot_exceed_the_cap(community, staff, member):
    _fill(community, 15)

    with pytest.raises(services.CommunityFull):
        services.lead_assign(community=community, member=member, assigned_by=staff)

    assert community.memberships.count() == 15


def test_only_staff_assign_leads(community, lead, member):
    with pytest.raises(PermissionDenied):
        services.lead_assign(community=community, member=member, assigned_by=lead)


def test_staff_add_a_member_within_the_cap(community, staff, member):
    membership = services.membership_add(community=community, member=member, added_by=staff)

    assert membership.role == Role.MEMBER


def test_staff_cannot_add_a_member_beyond_the_cap(community, staff, member):
    _fill(community, 15)

    with pytest.raises(services.CommunityFull):
        services.membership_add(community=community, member=member, added_by=staff)

    assert community.memberships.count() == 15


def test_staff_cannot_add_someone_twice(community, staff):
    membership = MembershipFactory(community=community)

    with pytest.raises(ValidationError) as error:
        services.membership_add(community=community, member=membership.member, added_by=staff)

    assert _codes(error.value) == {"member"}


# join_requests_escalate_undecided


def test_escalations_are_claimed_once_at_7_and_14_days(community):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = JoinRequestFactory(community=community)
    with time_machine.travel(start + timedelta(days=5), tick=False):
        recent = JoinRequestFactory(community=community)
    with time_machine.travel(start + timedelta(days=6), tick=False):
        decided = JoinRequestFactory(community=community, status=JoinRequestStatus.DECLINED)

    with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
        assert services.join_requests_escalate_undecided() == {"leads": [], "staff": []}

    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        first = services.join_requests_escalate_undecided()
        again = services.join_requests_escalate_undecided()
    assert first == {"leads": [old.pk], "staff": []}
    assert again == {"leads": [], "staff": []}

    with time_machine.travel(start + timedelta(days=14, minutes=1), tick=False):
        first = services.join_requests_escalate_undecided()
        again = services.join_requests_escalate_undecided()
    assert first == {"leads": [recent.pk], "staff": [old.pk]}
    assert again == {"leads": [], "staff": []}

    with time_machine.travel(start + timedelta(days=30), tick=False):
        first = services.join_requests_escalate_undecided()
        again = services.join_requests_escalate_undecided()
    assert first == {"leads": [], "staff": [recent.pk]}
    assert again == {"leads": [], "staff": []}

    decided.refresh_from_db()
    assert decided.leads_reminded_at is None and decided.staff_alerted_at is None


def test_a_request_decided_before_its_reminder_is_never_claimed(community, lead):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        join_request = _request(community)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        services.join_request_approve(join_request=join_request, decided_by=lead)

    with time_machine.travel(start + timedelta(days=15), tick=False):
        assert services.join_requests_escalate_undecided() == {"leads": [], "staff": []}
