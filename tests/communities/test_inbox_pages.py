"""The join-request inbox at scale: paginated, with waiting-list places counted for the page's
requests only (right per community, whatever the page)."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from communities import selectors
from communities.models import JoinRequestStatus
from communities.views import INBOX_PAGE_SIZE
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    UserFactory,
)
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


def test_places_on_a_later_page_count_the_requests_of_earlier_pages_and_break_ties_by_id():
    """Only the page's requests are ranked, yet each place counts every pending request of its
    community before it, on any page, with requests sent at the same instant taken in the order
    of their ids; decided requests take no place."""
    first, second = _full_community("Voirie"), _full_community("Eaux")
    with time_machine.travel(datetime(2026, 3, 2, 14, 0, tzinfo=UTC), tick=False):
        same_instant = [JoinRequestFactory(community=c) for c in (first, second, first, first)]
    JoinRequestFactory(community=first, status=JoinRequestStatus.DECLINED)
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        later = [JoinRequestFactory(community=c) for c in (second, first)]
    staff = UserFactory(is_staff=True)

    pages = [
        selectors.lead_inbox_page(user=staff, page_number=number, per_page=2)
        for number in (1, 2, 3)
    ]

    assert [[(r.pk, r.position) for r in page.object_list] for page in pages] == [
        [(same_instant[0].pk, 1), (same_instant[1].pk, 1)],
        [(same_instant[2].pk, 2), (same_instant[3].pk, 3)],
        [(later[0].pk, 2), (later[1].pk, 4)],
    ]


def test_a_leads_inbox_pages_through_the_requests_of_the_communities_they_lead(client, english):
    led = _full_community("Voirie")
    lead = LeadMembershipFactory(community=led).member
    other = _full_community("Eaux")
    theirs = [JoinRequestFactory(community=led) for _ in range(INBOX_PAGE_SIZE + 1)]
    JoinRequestFactory(community=other)
    client.force_login(lead)

    second_page = page_text(client.get(reverse("communities:inbox") + "?page=2"))

    assert f'name="request-{theirs[-1].pk}-message"' in second_page
    assert f"waiting list position {INBOX_PAGE_SIZE + 1}" in second_page
    assert '<a class="page-link" href="?page=3"' not in second_page  # 51 requests: two pages


def test_page_links_name_each_page_and_mark_the_current_one(client, english):
    community = _full_community("Voirie")
    for _ in range(2 * INBOX_PAGE_SIZE + 1):
        JoinRequestFactory(community=community)
    client.force_login(UserFactory(is_staff=True))

    html = page_text(client.get(reverse("communities:inbox") + "?page=2"))

    assert '<a class="page-link" href="?page=1" aria-label="Page 1">1</a>' in html
    current = '<li class="page-item active" aria-current="page"><span class="page-link">2</span>'
    assert current in html
    assert '<a class="page-link" href="?page=3" aria-label="Page 3">3</a>' in html


def test_the_inbox_writes_each_blank_form_as_a_decision_form_would_render():
    """The inbox writes its fifty blank forms without building them: the markup (names, ids,
    labels, help text) is the one of a DecisionForm under the request's prefix, which the
    request's page reads back; only the one-time tokens differ."""
    from communities import fragments
    from communities.forms import DecisionForm

    join_request = JoinRequestFactory()

    def written(form):
        html = fragments.decision_form_html(
            join_request=join_request, form=form, next_url="/demandes/", csrf_token="csrf"
        )
        return re.sub(r'(submit_token" value=")[^"]+"', r'\1TOKEN"', html)

    built = DecisionForm(prefix=DecisionForm.prefix_for(join_request))
    assert written(None) == written(built)


def test_the_inbox_escapes_what_requesters_wrote(client, english):
    community = _full_community("Voirie")
    requester = UserFactory(
        first_name="<b>Zoé</b>",
        last_name="O'Neil",
        job_title="<i>Ingé</i>",
        expertise="a\n<u>b</u>",
    )
    JoinRequestFactory(community=community, member=requester, motivation="<script>x</script>\nfin")
    client.force_login(UserFactory(is_staff=True))

    html = page_text(client.get(reverse("communities:inbox")))

    assert "<b>Zoé" not in html and "<i>Ingé" not in html and "<u>b" not in html
    assert "<script>x" not in html
    assert "&lt;b&gt;Zoé&lt;/b&gt; O&#x27;Neil asks to join Voirie" in html
    assert "Approve &lt;b&gt;Zoé&lt;/b&gt; O&#x27;Neil" in html
    assert "&lt;script&gt;x&lt;/script&gt;<br>fin" in html
    assert "a<br>&lt;u&gt;b&lt;/u&gt;" in html
