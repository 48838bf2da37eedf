"""Who sees a member's e-mail address and phone number on a community page (Loi 25): fellow
members only for those who chose to show them; the community's leads and staff for everyone;
anyone else for no one. And no page shows a phone number to someone who may not see it."""

import pytest
from django.urls import reverse

from communities.permissions import can_see_contact_details
from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

SHOWN_PHONE = "418 555-0101"
HIDDEN_PHONE = "418 555-0199"


@pytest.fixture
def community():
    return CommunityFactory(slug="voirie", capacity=10)


@pytest.fixture
def opted_in(community):
    return MembershipFactory(
        community=community,
        member__email="visible@example.org",
        member__phone=SHOWN_PHONE,
        member__contact_visible=True,
    ).member


@pytest.fixture
def opted_out(community):
    return MembershipFactory(
        community=community,
        member__email="discret@example.org",
        member__phone=HIDDEN_PHONE,
        member__contact_visible=False,
    ).member


@pytest.fixture
def fellow(community):
    return MembershipFactory(community=community).member


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community).member


@pytest.fixture
def outsider():
    return MembershipFactory(community=CommunityFactory()).member


@pytest.fixture
def lead_elsewhere():
    return LeadMembershipFactory(community=CommunityFactory()).member


def _community_page(client, person, community) -> str:
    if person is not None:
        client.force_login(person)
    response = client.get(reverse("communities:detail", args=[community.slug]))
    assert response.status_code == 200
    return page_text(response)


def test_member_sees_the_contact_of_an_opted_in_colleague_only(
    client, community, fellow, opted_in, opted_out
):
    html = _community_page(client, fellow, community)

    assert 'href="mailto:visible@example.org"' in html
    assert SHOWN_PHONE in html
    assert "discret@example.org" not in html
    assert HIDDEN_PHONE not in html


def test_lead_sees_every_members_contact(client, community, lead, opted_in, opted_out):
    html = _community_page(client, lead, community)

    assert 'href="mailto:visible@example.org"' in html
    assert 'href="mailto:discret@example.org"' in html
    assert HIDDEN_PHONE in html


def test_staff_see_every_members_contact(client, community, staff, opted_in, opted_out):
    html = _community_page(client, staff, community)

    assert 'href="mailto:discret@example.org"' in html
    assert HIDDEN_PHONE in html


@pytest.mark.parametrize("person", ["outsider", "lead_elsewhere", "member", None])
def test_people_outside_the_community_see_no_contact(
    client, request, community, opted_in, opted_out, person
):
    visitor = request.getfixturevalue(person) if person else None

    html = _community_page(client, visitor, community)

    for secret in ("visible@example.org", "discret@example.org", SHOWN_PHONE, HIDDEN_PHONE):
        assert secret not in html


def test_member_sees_their_own_contact(client, community, opted_out):
    html = _community_page(client, opted_out, community)

    assert 'href="mailto:discret@example.org"' in html


def test_the_rule_is_one_permission_function(community, fellow, lead, opted_in, opted_out):
    outsider = UserFactory()

    assert can_see_contact_details(fellow, community, opted_in)
    assert not can_see_contact_details(fellow, community, opted_out)
    assert can_see_contact_details(lead, community, opted_out)
    assert not can_see_contact_details(outsider, community, opted_in)


def test_no_page_a_fellow_member_visits_shows_a_hidden_phone(
    client, community, fellow, opted_out, lead
):
    meeting = MeetingFactory(community=community)
    client.force_login(fellow)
    pages = [
        reverse("home"),
        reverse("communities:list"),
        reverse("communities:detail", args=[community.slug]),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:mine"),
        reverse("members:profile"),
        reverse("privacy"),
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert HIDDEN_PHONE not in page_text(response), url
        assert "discret@example.org" not in page_text(response), url
