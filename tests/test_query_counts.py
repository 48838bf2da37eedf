"""Query counts of the main portal and admin pages do not grow with the data: each page is
read once with a few rows and once with many more (members, answers, requests, meetings,
communities), and both readings must cost the same number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 20


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def world():
    """A community led by ``lead``, with a meeting, and a staff member."""
    community = CommunityFactory(capacity=500)
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community)
    return {"community": community, "lead": lead, "meeting": meeting, "staff": StaffFactory()}


def _grow(world, count: int) -> None:
    """Adds ``count`` of everything a page lists: members who answer the meeting, pending
    requests, other communities with their leads and meetings."""
    community, meeting = world["community"], world["meeting"]
    for _ in range(count):
        member = MembershipFactory(community=community).member
        RsvpFactory(meeting=meeting, member=member)
        JoinRequestFactory(community=community)
        other = CommunityFactory()
        LeadMembershipFactory(community=other)
        MeetingFactory(community=other)
        MeetingFactory(community=community)


PAGES = {
    "community list": ("lead", lambda w: reverse("communities:list")),
    "community page": ("lead", lambda w: reverse("communities:detail", args=[w["community"].slug])),
    "meeting page": ("lead", lambda w: reverse("meetings:detail", args=[w["meeting"].pk])),
    "meeting roster": ("lead", lambda w: reverse("meetings:roster", args=[w["meeting"].pk])),
    "my meetings": ("lead", lambda w: reverse("meetings:mine")),
    "lead inbox": ("lead", lambda w: reverse("communities:inbox")),
    "staff inbox": ("staff", lambda w: reverse("communities:inbox")),
    "home": ("lead", lambda w: reverse("home")),
    "talks": ("lead", lambda w: reverse("talks:list")),
    "search": ("lead", lambda w: reverse("search:search") + "?q=rencontre"),
    "admin community change": (
        "staff",
        lambda w: reverse("admin:communities_community_change", args=[w["community"].pk]),
    ),
    "admin community list": ("staff", lambda w: reverse("admin:communities_community_changelist")),
    "admin meeting change": (
        "staff",
        lambda w: reverse("admin:meetings_meeting_change", args=[w["meeting"].pk]),
    ),
    "admin meeting list": ("staff", lambda w: reverse("admin:meetings_meeting_changelist")),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_costs_the_same_queries_with_more_data(client, world, page):
    who, url_of = PAGES[page]
    client.force_login(world[who])
    url = url_of(world)

    _grow(world, FEW)
    _count(client, url)  # warms what is read once per process (content types, sites)
    few = _count(client, url)
    _grow(world, MANY - FEW)
    many = _count(client, url)

    assert few == many, f"{page}: {few} queries with {FEW} rows, {many} with {MANY}"


def test_data_export_reads_the_outbox_by_its_indexed_lower_case_column():
    from notifications.models import OutboxMessage
    from notifications.selectors import messages_sent_to

    sql = str(messages_sent_to(user_id=1, addresses=["Someone@Example.org"]).query)

    assert "UPPER(" not in sql and "LIKE" not in sql  # no case folding at query time
    assert "someone@example.org" in sql
    assert OutboxMessage._meta.get_field("to_email").db_index
