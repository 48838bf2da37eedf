"""The join-request inbox at scale: paginated, with waiting-list places from one window
function (right per community, whatever the page)."""

import pytest
from django.urls import reverse

from communities import selectors
from communities.views import INBOX_PAGE_SIZE
from tests.factories import CommunityFactory, JoinRequestFactory, MembershipFactory, UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _full_community(name: str):
    community = CommunityFactory(name_fr=name, name_en=name, capacity=1)
    MembershipFactory(community=community)
    return community


def test_waiting_list_positions_are_counted_per_community():
    first, second = _full_community("Voirie"), _full_community("Eaux")
    requests = [JoinRequestFactory(community=c) for c in (first, second, first, second, first)]
    staff = UserFactory(is_staff=True)

    page = selectors.lead_inbox_page(user=staff, page_number=1, per_page=10)
    positions = {r.pk: (r.position, r.community_is_full) for r in page.object_list}

    assert [positions[r.pk] for r in requests] == [
        (1, True),
        (1, True),
        (2, True),
        (2, True),
        (3, True),
    ]


def test_a_community_with_seats_left_is_not_full_in_the_inbox():
    open_one = CommunityFactory(capacity=3)
    MembershipFactory(community=open_one)
    full = _full_community("Voirie")
    waiting, pending = JoinRequestFactory(community=full), JoinRequestFactory(community=open_one)

    page = selectors.lead_inbox_page(user=UserFactory(is_staff=True), page_number=1, per_page=10)

    full_by_request = {r.pk: r.community_is_full for r in page.object_list}
    assert full_by_request == {waiting.pk: True, pending.pk: False}


def test_inbox_is_paginated_and_keeps_positions_on_later_pages(client, english):
    community = _full_community("Voirie")
    requests = [JoinRequestFactory(community=community) for _ in range(INBOX_PAGE_SIZE + 2)]
    client.force_login(UserFactory(is_staff=True))

    first_page = page_text(client.get(reverse("communities:inbox")))
    second_page = page_text(client.get(reverse("communities:inbox") + "?page=2"))

    assert f'name="request-{requests[0].pk}-message"' in first_page
    assert f'name="request-{requests[-1].pk}-message"' not in first_page
    assert "?page=2" in first_page
    assert f'name="request-{requests[-1].pk}-message"' in second_page
    assert f"waiting list position {INBOX_PAGE_SIZE + 2}" in second_page
    assert f'name="request-{requests[0].pk}-message"' not in second_page


def test_community_list_is_paginated(client, english):
    from communities.views import COMMUNITIES_PAGE_SIZE

    communities = [CommunityFactory(name_fr=f"C{i:03}") for i in range(COMMUNITIES_PAGE_SIZE + 1)]

    first_page = page_text(client.get(reverse("communities:list")))
    second_page = page_text(client.get(reverse("communities:list") + "?page=2"))

    assert reverse("communities:detail", args=[communities[0].slug]) in first_page
    assert reverse("communities:detail", args=[communities[-1].slug]) not in first_page
    assert "?page=2" in first_page
    assert reverse("communities:detail", args=[communities[-1].slug]) in second_page
