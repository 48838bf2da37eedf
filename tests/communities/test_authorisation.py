"""Who may open each community page and do each action: status codes per person.

404 for what the visitor may not know exists (someone's join request, the members of a
community they are not part of), 403 for what they know but may not do, and a redirect to
the login page for anonymous visitors of pages that need an account."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import JoinRequest, JoinRequestStatus, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PEOPLE = ["anonymous", "community_member", "outsider", "other_lead", "lead", "staff"]


def _expect(response, expected, path):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=" in response["Location"]
    else:
        assert response.status_code == expected, path


@pytest.mark.parametrize("person", PEOPLE)
def test_everyone_sees_the_community_list_and_page(visitor, person, community, lead):
    client = visitor(person)

    assert client.get(reverse("communities:list")).status_code == 200
    assert client.get(reverse("communities:detail", args=[community.slug])).status_code == 200


def test_unknown_community_is_not_found(client, db):
    assert client.get(reverse("communities:detail", args=["inconnue"])).status_code == 404


@pytest.mark.parametrize(
    ("person", "sees_members"),
    [
        ("anonymous", False),
        ("community_member", True),
        ("outsider", False),
        ("other_lead", False),
        ("lead", True),
        ("staff", True),
    ],
)
def test_only_members_and_staff_see_the_member_list(
    visitor, person, sees_members, community, lead, community_member
):
    html = visitor(person).get(reverse("communities:detail", args=[community.slug])).content
    html = html.decode()

    assert ("Ville de Rimouski" in html) is sees_members
    assert ('id="members-heading"' in html) is sees_members


@pytest.mark.parametrize(
    ("person", "sees_waiting_list"),
    [
        ("anonymous", False),
        ("community_member", False),
        ("outsider", False),
        ("other_lead", False),
        ("lead", True),
        ("staff", True),
    ],
)
def test_only_leads_and_staff_see_the_waiting_list(
    visitor, person, sees_waiting_list, community, lead, community_member, join_request
):
    html = visitor(person).get(reverse("communities:detail", args=[community.slug])).content

    assert ('id="waiting-heading"' in html.decode()) is sees_waiting_list


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("community_member", 200),
        ("outsider", 200),
        ("other_lead", 200),
        ("lead", 200),
        ("staff", 200),
    ],
)
def test_my_requests_page(visitor, person, expected):
    url = reverse("communities:my_requests")
    _expect(visitor(person).get(url), expected, url)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("community_member", 403),
        ("outsider", 403),
        ("other_lead", 200),
        ("lead", 200),
        ("staff", 200),
    ],
)
def test_inbox_is_for_leads_and_staff(visitor, person, expected, join_request):
    url = reverse("communities:inbox")
    _expect(visitor(person).get(url), expected, url)


@pytest.mark.parametrize(
    ("person", "sees_request"),
    [("other_lead", False), ("lead", True), ("staff", True)],
)
def test_inbox_shows_only_the_requests_of_communities_one_leads(
    visitor, person, sees_request, join_request
):
    html = visitor(person).get(reverse("communities:inbox")).content.decode()

    assert ("Je pilote le plan" in html) is sees_request


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("requester", 403),
        ("community_member", 404),
        ("outsider", 404),
        ("other_lead", 404),
        ("lead", 200),
        ("staff", 200),
    ],
)
def test_request_page_is_for_the_communitys_leads_and_staff(
    visitor, person, expected, join_request
):
    url = reverse("communities:request_detail", args=[join_request.pk])
    _expect(visitor(person).get(url), expected, url)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("requester", 403),
        ("community_member", 404),
        ("outsider", 404),
        ("other_lead", 404),
        ("lead", 302),
        ("staff", 302),
    ],
)
def test_only_the_communitys_leads_and_staff_can_decide(visitor, person, expected, join_request):
    url = reverse("communities:request_detail", args=[join_request.pk])
    prefix = f"request-{join_request.pk}"

    response = visitor(person).post(url, {f"{prefix}-decision": "approve"})

    _expect(response, expected, url)
    join_request.refresh_from_db()
    decided = expected == 302
    assert (join_request.status == JoinRequestStatus.APPROVED) is decided


def test_unknown_request_is_not_found(visitor, lead):
    url = reverse("communities:request_detail", args=[999999])
    assert visitor("lead").get(url).status_code == 404


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("requester", 302),
        ("community_member", 404),
        ("outsider", 404),
        ("other_lead", 404),
        ("lead", 403),
        ("staff", 403),
    ],
)
def test_only_the_requester_can_withdraw(visitor, person, expected, join_request):
    url = reverse("communities:request_withdraw", args=[join_request.pk])

    _expect(visitor(person).post(url), expected, url)
    join_request.refresh_from_db()
    withdrawn = expected == 302
    assert (join_request.status == JoinRequestStatus.WITHDRAWN) is withdrawn


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("community_member", 200),
        ("lead", 200),
        # Not a member: sent back to the community page with a message, nothing changes.
        ("outsider", 302),
        ("other_lead", 302),
        ("staff", 302),
    ],
)
def test_leave_confirmation_page(visitor, person, expected, community):
    url = reverse("communities:leave", args=[community.slug])
    _expect(visitor(person).get(url), expected, url)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("community_member", 403),
        ("outsider", 404),
        ("other_lead", 404),
        ("lead", 200),
        ("staff", 200),
    ],
)
def test_removal_page_is_for_the_communitys_leads_and_staff(visitor, person, expected, community):
    fellow = MembershipFactory(community=community)
    url = reverse("communities:member_remove", args=[community.slug, fellow.pk])

    _expect(visitor(person).get(url), expected, url)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("anonymous", "login"),
        ("community_member", 403),
        ("outsider", 404),
        ("other_lead", 404),
        ("lead", 302),
        ("staff", 302),
    ],
)
def test_only_the_communitys_leads_and_staff_can_remove_a_member(
    visitor, person, expected, community
):
    fellow = MembershipFactory(community=community)
    url = reverse("communities:member_remove", args=[community.slug, fellow.pk])

    _expect(visitor(person).post(url, {"reason": "Absent depuis un an."}), expected, url)
    removed = expected == 302
    assert (not Membership.objects.filter(pk=fellow.pk).exists()) is removed


def test_a_membership_of_another_community_is_not_found(visitor, lead, community, outsider):
    foreign = Membership.objects.get(member=outsider)
    url = reverse("communities:member_remove", args=[community.slug, foreign.pk])

    assert visitor("lead").get(url).status_code == 404


def test_anonymous_join_is_sent_to_login_then_back_to_the_community(client, community):
    response = client.post(
        reverse("communities:join", args=[community.slug]), {"motivation": "Bonjour"}
    )

    detail = reverse("communities:detail", args=[community.slug])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={detail}"
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize(
    ("name", "args"),
    [("communities:join", ["gestion-des-eaux"]), ("communities:request_withdraw", [1])],
)
def test_post_only_endpoints_refuse_get(member_client, community, name, args):
    assert member_client.get(reverse(name, args=args)).status_code == 405


def test_join_refuses_a_post_without_csrf_token(member, community):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(
        reverse("communities:join", args=[community.slug]), {"motivation": "Bonjour"}
    )

    assert response.status_code == 403
    assert not JoinRequest.objects.exists()


def test_decision_refuses_a_post_without_csrf_token(lead, join_request):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    prefix = f"request-{join_request.pk}"

    response = client.post(
        reverse("communities:request_detail", args=[join_request.pk]),
        {f"{prefix}-decision": "approve"},
    )

    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.is_open
