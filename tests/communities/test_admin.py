"""The staff's admin, through the test client: it calls the services, so the cap holds there too."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from communities.models import (
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

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _community_with_members(count: int, capacity: int = 15) -> Community:
    community = CommunityFactory(capacity=capacity)
    LeadMembershipFactory(community=community)
    MembershipFactory.create_batch(count - 1, community=community)
    return community


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _change_form_data(client, community: Community, **changes) -> dict:
    """What the browser would post back from the change page, with ``changes`` applied."""
    response = client.get(reverse("admin:communities_community_change", args=[community.pk]))
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
            del field
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False):
                    data[inline_form.add_prefix(name)] = value
    data.update(changes)
    return data


def _new_member_rows(*rows) -> dict:
    data = {"memberships-2-TOTAL_FORMS": len(rows)}
    for index, (member, role) in enumerate(rows):
        data[f"memberships-2-{index}-member"] = member.pk
        data[f"memberships-2-{index}-role"] = role
    return data


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:communities_community_changelist",
        "admin:communities_joinrequest_changelist",
        "admin:communities_decision_changelist",
    ],
)
def test_changelists_load_for_staff(staff_client, url_name):
    community = _community_with_members(3)
    JoinRequestFactory(community=community)
    Decision.objects.create(
        community=community, action=DecisionAction.CAPACITY_CHANGED, detail="15 → 16"
    )

    response = staff_client.get(reverse(url_name))

    assert response.status_code == 200


def test_community_changelist_shows_counts_in_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    ours = []
    for count in (15, 7, 2):
        ours.append(_community_with_members(count).pk)
        JoinRequestFactory.create_batch(2, community_id=ours[-1])

    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("admin:communities_community_changelist"))

    rows = {
        community.pk: (community.members_count, community.seats_left, community.waiting_count)
        for community in response.context["cl"].result_list
        if community.pk in ours
    }
    assert sorted(rows.values()) == [(2, 13, 2), (7, 8, 2), (15, 0, 2)]


def test_join_requests_filter_by_status_and_community(staff_client):
    community, other = CommunityFactory(), CommunityFactory()
    wanted = JoinRequestFactory(community=community)
    JoinRequestFactory(community=community, status=JoinRequestStatus.DECLINED)
    JoinRequestFactory(community=other)

    response = staff_client.get(
        reverse("admin:communities_joinrequest_changelist"),
        {"status__exact": "pending", "community__id__exact": community.pk},
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_join_requests_searchable_by_member_email(staff_client):
    wanted = JoinRequestFactory(member=UserFactory(email="geneviève.roy@example.org"))
    JoinRequestFactory()

    response = staff_client.get(
        reverse("admin:communities_joinrequest_changelist"), {"q": "geneviève.roy"}
    )

    assert list(response.context["cl"].result_list) == [wanted]


def _run_action(client, action: str, join_requests):
    return client.post(
        reverse("admin:communities_joinrequest_changelist"),
        {"action": action, "_selected_action": [join_request.pk for join_request in join_requests]},
        follow=True,
    )


def test_approve_action_on_a_full_community_approves_none_and_says_why(staff_client):
    community = _community_with_members(15)
    waiting = JoinRequestFactory.create_batch(2, community=community)

    response = _run_action(staff_client, "approve_selected", waiting)

    assert community.memberships.count() == 15
    assert set(JoinRequest.objects.values_list("status", flat=True)) == {"pending"}
    messages = _messages(response)
    assert "0 requests approved." in messages
    assert any(
        "2 requests stayed on the waiting list because the community is full" in m for m in messages
    )


def test_approve_action_fills_the_last_seats_first_come_first_served(staff_client):
    community = _community_with_members(14)
    first, second, third = JoinRequestFactory.create_batch(3, community=community)

    response = _run_action(staff_client, "approve_selected", [third, second, first])

    assert community.memberships.count() == 15
    first.refresh_from_db()
    assert first.status == JoinRequestStatus.APPROVED
    assert JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).count() == 2
    messages = _messages(response)
    assert "1 request approved." in messages
    assert any("2 requests stayed on the waiting list" in message for message in messages)


def test_approve_action_reports_requests_already_decided(staff_client):
    decided = JoinRequestFactory(status=JoinRequestStatus.WITHDRAWN)

    response = _run_action(staff_client, "approve_selected", [decided])

    assert "1 request was already decided and was left as it was." in _messages(response)
    assert not Membership.objects.exists()


def test_decline_action_declines_and_records_who(staff_client, staff):
    join_request = JoinRequestFactory()

    response = _run_action(staff_client, "decline_selected", [join_request])

    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert join_request.decided_by == staff
    assert "1 request declined." in _messages(response)


def test_capacity_below_the_member_count_is_refused_with_the_error_shown(staff_client):
    community = _community_with_members(5)
    url = reverse("admin:communities_community_change", args=[community.pk])

    response = staff_client.post(url, _change_form_data(staff_client, community, capacity=4))

    assert response.status_code == 200
    assert "lower than the current number of members (5)" in response.content.decode()
    community.refresh_from_db()
    assert community.capacity == 15
    assert not Decision.objects.filter(action=DecisionAction.CAPACITY_CHANGED).exists()


def test_capacity_change_goes_through_the_service_and_is_recorded(staff_client, staff):
    community = _community_with_members(5)
    url = reverse("admin:communities_community_change", args=[community.pk])

    response = staff_client.post(url, _change_form_data(staff_client, community, capacity=20))

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.capacity == 20
    decision = Decision.objects.get(action=DecisionAction.CAPACITY_CHANGED)
    assert (decision.actor, decision.detail) == (staff, "15 → 20")


def test_adding_a_member_beyond_capacity_is_refused(staff_client):
    community = _community_with_members(3, capacity=3)
    newcomer = UserFactory()
    url = reverse("admin:communities_community_change", args=[community.pk])
    data = _change_form_data(staff_client, community, **_new_member_rows((newcomer, Role.MEMBER)))

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "is full (3 members)" in response.content.decode()
    assert community.memberships.count() == 3


def test_an_invalid_page_undoes_the_seats_taken_while_validating(staff_client):
    community = _community_with_members(3, capacity=4)
    newcomer, latecomer = UserFactory(), UserFactory()
    url = reverse("admin:communities_community_change", args=[community.pk])
    data = _change_form_data(
        staff_client,
        community,
        **_new_member_rows((newcomer, Role.MEMBER), (latecomer, Role.MEMBER)),
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert community.memberships.count() == 3


def test_adding_a_lead_within_capacity_goes_through_the_services(staff_client):
    community = _community_with_members(3, capacity=4)
    newcomer = UserFactory()
    url = reverse("admin:communities_community_change", args=[community.pk])
    data = _change_form_data(staff_client, community, **_new_member_rows((newcomer, Role.LEAD)))

    response = staff_client.post(url, data)

    assert response.status_code == 302
    assert Membership.objects.get(community=community, member=newcomer).role == Role.LEAD


def test_promoting_a_member_to_lead_in_the_inline(staff_client):
    community = CommunityFactory()
    membership = MembershipFactory(community=community)
    url = reverse("admin:communities_community_change", args=[community.pk])
    data = _change_form_data(staff_client, community, **{"memberships-0-role": Role.LEAD})

    response = staff_client.post(url, data)

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.LEAD


def _csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_members_csv_export(staff_client):
    community = CommunityFactory(name_fr="Gestion des actifs", name_en="Asset management")
    MembershipFactory(
        community=community,
        role=Role.LEAD,
        member=UserFactory(
            first_name="Geneviève",
            last_name="Côté",
            email="genevieve.cote@example.org",
            organisation="=Ville de Sept-Îles",
            region="09",
        ),
    )
    MembershipFactory(community=CommunityFactory())  # another community's member stays out

    response = staff_client.get(
        reverse("admin:communities_community_members_csv", args=[community.pk])
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = _csv_rows(response)
    assert header == ["Community", "Name", "E-mail", "Organisation", "Region", "Role", "Joined"]
    assert len(rows) == 1
    assert rows[0][:6] == [
        "Asset management",
        "Geneviève Côté",
        "genevieve.cote@example.org",
        "'=Ville de Sept-Îles",  # a formula would run in Excel; the quote keeps it text
        "Côte-Nord",
        "Lead",
    ]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_members_csv_export_neutralises_every_formula_prefix(staff_client, prefix):
    community = CommunityFactory()
    MembershipFactory(
        community=community,
        member=UserFactory(organisation=f"{prefix}SUM(A1:A9)"),
    )

    response = staff_client.get(
        reverse("admin:communities_community_members_csv", args=[community.pk])
    )

    _header, row = _csv_rows(response)
    assert row[3] == f"'{prefix}SUM(A1:A9)"


def test_members_csv_export_action_covers_the_selected_communities(staff_client):
    first, second = _community_with_members(2), _community_with_members(3)

    response = staff_client.post(
        reverse("admin:communities_community_changelist"),
        {"action": "export_members_csv", "_selected_action": [first.pk, second.pk]},
    )

    assert len(_csv_rows(response)) == 1 + 5


def test_members_csv_export_is_for_staff_only(member_client):
    community = _community_with_members(2)

    response = member_client.get(
        reverse("admin:communities_community_members_csv", args=[community.pk])
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_decision_history_is_read_only(staff_client):
    community = CommunityFactory()
    decision = Decision.objects.create(community=community, action=DecisionAction.LEFT)

    change = staff_client.get(reverse("admin:communities_decision_change", args=[decision.pk]))
    add = staff_client.get(reverse("admin:communities_decision_add"))
    delete = staff_client.get(reverse("admin:communities_decision_delete", args=[decision.pk]))

    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert add.status_code == 403
    assert delete.status_code == 403
