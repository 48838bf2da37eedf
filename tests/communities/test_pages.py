"""The community list, community page and inbox: what they show, their empty cases, and a
fixed number of queries whatever the data size (so an N+1 fails here)."""

import pytest
from django.urls import reverse

from communities.models import Community
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, the navbar's inbox badge, then the page's own fixed queries.
LIST_QUERIES = 8  # 7, plus the count of the paginated list
DETAIL_QUERIES = 12  # 11, plus one for its meetings (meetings_tags.community_meetings)
# The inbox pages through as many requests as its badge counts: one count, then one query for
# the page's rows with their places and seats taken.
INBOX_QUERIES = 4  # session, user, badge (its count pages the list), the page's rows


def _busy_communities(count: int, *, viewer) -> list[Community]:
    """Communities with leads, members and queued requests; the viewer leads some, belongs to
    some and waits on the waiting list of others."""
    communities = []
    for index in range(count):
        community = CommunityFactory(capacity=4)
        LeadMembershipFactory.create_batch(2, community=community)
        role = index % 3
        if role == 0:
            LeadMembershipFactory(community=community, member=viewer)
        elif role == 1:
            MembershipFactory(community=community, member=viewer)
        else:
            MembershipFactory.create_batch(2, community=community)  # full
        JoinRequestFactory.create_batch(2, community=community)
        if role == 2:
            JoinRequestFactory(community=community, member=viewer)
        communities.append(community)
    return communities


def test_list_costs_a_fixed_number_of_queries(member_client, member, django_assert_max_num_queries):
    _busy_communities(12, viewer=member)

    with django_assert_max_num_queries(LIST_QUERIES):
        response = member_client.get(reverse("communities:list"))

    assert response.status_code == 200
    assert len(response.context["communities"]) == 15  # and the three of the association


def test_community_page_costs_a_fixed_number_of_queries(
    member_client, member, django_assert_max_num_queries
):
    community = CommunityFactory(capacity=40)
    LeadMembershipFactory(community=community, member=member)
    LeadMembershipFactory.create_batch(3, community=community)
    MembershipFactory.create_batch(25, community=community)
    JoinRequestFactory.create_batch(15, community=community)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = member_client.get(reverse("communities:detail", args=[community.slug]))

    assert response.status_code == 200
    assert len(response.context["members"]) == 29
    assert len(response.context["waiting_list"]) == 15


def test_inbox_costs_a_fixed_number_of_queries(
    member_client, member, django_assert_max_num_queries
):
    _busy_communities(9, viewer=member)

    with django_assert_max_num_queries(INBOX_QUERIES):
        response = member_client.get(reverse("communities:inbox"))

    assert response.status_code == 200
    assert len(response.context["join_requests"]) == 6  # 3 led communities × 2 requests


def test_staff_inbox_costs_a_fixed_number_of_queries(
    staff_client, member, django_assert_max_num_queries
):
    _busy_communities(9, viewer=member)

    with django_assert_max_num_queries(INBOX_QUERIES):
        response = staff_client.get(reverse("communities:inbox"))

    assert len(response.context["join_requests"]) == 9 * 2 + 3


def test_my_requests_and_home_cost_a_fixed_number_of_queries(
    member_client, member, django_assert_max_num_queries
):
    _busy_communities(9, viewer=member)

    with django_assert_max_num_queries(5):
        member_client.get(reverse("communities:my_requests"))
    # 5, plus (meetings_tags) one for the next meetings and, as the member leads communities,
    # one for the requests to decide and one for the meetings left to follow up.
    with django_assert_max_num_queries(8):
        member_client.get(reverse("home"))


def test_list_shows_each_communitys_seats_state_and_the_visitors_status(
    member_client, member, english
):
    led, joined, full = _busy_communities(3, viewer=member)
    closed = CommunityFactory(name_en="Closed shop", accepting_requests=False)

    html = member_client.get(reverse("communities:list")).content.decode()

    assert "3 / 4" in html  # led: two leads and the member
    assert "You lead this community" in html
    assert "You are a member" in html
    assert "4 / 4" in html
    assert "Full (waiting list)" in html
    # Two requests came before the member's on the full community's waiting list.
    assert "On the waiting list, position 3" in html
    assert "Closed" in html
    assert closed.name_en in html


def test_waiting_list_positions_are_per_community(member_client, member, english):
    first = CommunityFactory(capacity=1, name_en="First")
    second = CommunityFactory(capacity=1, name_en="Second")
    MembershipFactory(community=first)
    MembershipFactory(community=second)
    JoinRequestFactory(community=first, member=member)
    JoinRequestFactory.create_batch(3, community=second)
    JoinRequestFactory(community=second, member=member)

    cards = {
        card.pk: card
        for card in member_client.get(reverse("communities:list")).context["communities"]
    }

    assert cards[first.pk].viewer_position == 1
    assert cards[second.pk].viewer_position == 4


def test_pending_request_on_a_community_with_seats_is_not_a_waiting_list(
    member_client, member, community, english
):
    JoinRequestFactory(community=community, member=member)

    html = member_client.get(reverse("communities:list")).content.decode()

    assert "Request pending" in html
    assert "On the waiting list" not in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_list_says_when_there_is_no_community(client, db, request, language):
    if language == "en":
        request.getfixturevalue("english")
    Community.objects.all().delete()

    html = client.get(reverse("communities:list")).content.decode()

    if language == "en":
        assert "There are no communities yet." in html
    else:
        assert 'lang="fr-CA"' in html
    assert 'class="card h-100"' not in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_anonymous_visitor_sees_the_mandate_and_is_invited_to_sign_up_or_log_in(
    client, db, request, language, community, lead
):
    if language == "en":
        request.getfixturevalue("english")

    html = client.get(reverse("communities:detail", args=[community.slug])).content.decode()

    # Both ways come back to the community.
    login, signup = reverse("account_login"), reverse("account_signup")
    assert f'href="{login}?next=/communautes/{community.slug}/"' in html
    assert f'href="{signup}?next=/communautes/{community.slug}/"' in html
    # On a phone, a way down to the join card from the top of the page.
    assert 'href="#participation-heading"' in html
    assert "Louise Lavoie" in html
    if language == "en":
        assert "Sharing sustainable storm water practices." in html
        assert "Create an account" in html
    else:
        assert "Créer un compte" in html
        assert "Partager les pratiques de gestion durable des eaux pluviales." in html
    assert 'id="members-heading"' not in html


def test_member_sees_fellow_members_with_organisation_and_region(
    client, community, community_member, lead, english
):
    client.force_login(community_member)

    html = client.get(reverse("communities:detail", args=[community.slug])).content.decode()

    assert "Louise Lavoie" in html
    assert "Ville de Rimouski" in html
    assert "Mauricie" in html
    assert "Leave this community" in html
    assert "Remove" not in html
