"""Query counts of the main portal and admin pages do not grow with the data: each page is
read once with a few rows and once with many more (members, answers, requests, meetings,
communities), and both readings must cost the same number of queries."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import ExpertiseArea
from members.vocabulary import vocabulary_seed
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
    # The cost of rendering the page, not of reading shared fragments back from the cache, nor
    # of serving a page kept whole (one query: tests/test_page_cache.py).
    caches["fragments"].clear()
    with override_settings(PAGE_CACHE_ENABLED=False), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def world():
    """A community led by ``lead``, with a meeting, and a staff member."""
    vocabulary_seed()
    community = CommunityFactory(capacity=500)
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community)
    return {"community": community, "lead": lead, "meeting": meeting, "staff": StaffFactory()}


def _grow(world, count: int) -> None:
    """Adds ``count`` of everything a page lists: members who answer the meeting, pending
    requests, other communities with their leads and meetings."""
    community, meeting = world["community"], world["meeting"]
    for _ in range(count):
        # Listed in the directory, with areas of expertise and a second community.
        member = MembershipFactory(
            community=community, member__directory_listed=True, member__expertise="égouts"
        ).member
        member.expertise_areas.set(
            ExpertiseArea.objects.filter(slug__in=["gestion-des-chaussees", "eau-potable"])
        )
        RsvpFactory(meeting=meeting, member=member)
        JoinRequestFactory(community=community)
        other = CommunityFactory()
        LeadMembershipFactory(community=other)
        MembershipFactory(community=other, member=member)
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
    "my notifications": ("lead", lambda w: reverse("communities:notifications")),
    "health overview": ("staff", lambda w: reverse("health:overview")),
    "health overview csv": ("staff", lambda w: reverse("health:overview_csv")),
    "health community page": (
        "lead",
        lambda w: reverse("health:community", args=[w["community"].slug]),
    ),
    "talks": ("lead", lambda w: reverse("talks:list")),
    "search": ("lead", lambda w: reverse("search:search") + "?q=rencontre"),
    "directory": ("lead", lambda w: reverse("directory:list")),
    "directory search": (
        "lead",
        lambda w: reverse("directory:list") + "?area=gestion-des-chaussees&region=04&q=egout",
    ),
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


def _grow_questions(community, question, asker, count: int) -> None:
    """Adds ``count`` questions (one in three urgent, none solved) each with two answers,
    one of them removed by moderation, and ``count`` answers to ``question``."""
    from questions.models import Answer, Question

    for index in range(count):
        peer = MembershipFactory(community=community).member
        other = Question.objects.create(
            community=community, author=peer, title=f"Q{index}", details=".", urgent=index % 3 == 0
        )
        Answer.objects.create(question=other, author=asker, body="Réponse")
        Answer.objects.create(question=other, author=peer, body="Retirée", removed_by=asker)
        Answer.objects.create(question=question, author=peer, body=f"Réponse {index}")


@pytest.mark.parametrize("page", ["questions list", "question page", "question page of its author"])
def test_questions_pages_cost_the_same_queries_with_more_data(client, world, page):
    from django.utils import timezone

    from questions.models import Question

    community, lead = world["community"], world["lead"]
    asker = MembershipFactory(community=community).member
    question = Question.objects.create(
        community=community, author=asker, title="Ponceau", details="Effondré"
    )
    client.force_login(asker if page == "question page of its author" else lead)
    if page == "questions list":
        url = reverse("questions:list", args=[community.slug])
    else:
        url = reverse("questions:detail", args=[community.slug, question.pk])

    _grow_questions(community, question, asker, FEW)
    question.answers.filter(pk=question.answers.first().pk).update(is_solution=True)
    Question.objects.filter(pk=question.pk).update(solved_at=timezone.now())
    _count(client, url)
    few = _count(client, url)
    _grow_questions(community, question, asker, MANY - FEW)
    many = _count(client, url)

    assert few == many, f"{page}: {few} queries with {FEW} rows, {many} with {MANY}"


def _grow_polls(community, poll, count: int) -> None:
    """Adds ``count`` open polls (two options each), ``count`` options to ``poll`` and
    ``count`` members who answer every option of ``poll``."""
    from datetime import timedelta

    from django.utils import timezone

    from scheduling.models import DatePoll, PollAnswer, PollOption

    soon = timezone.now() + timedelta(days=30)
    for index in range(count):
        other = DatePoll.objects.create(
            community=community, title=f"Sondage {index}", closes_at=soon - timedelta(days=20)
        )
        for days in (1, 2):
            PollOption.objects.create(
                poll=other,
                starts_at=soon + timedelta(days=days),
                ends_at=soon + timedelta(days=days, hours=2),
            )
        PollOption.objects.create(
            poll=poll,
            starts_at=soon + timedelta(days=index, hours=3),
            ends_at=soon + timedelta(days=index, hours=5),
            format="online",
        )
    for _ in range(count):
        member = MembershipFactory(community=community).member
        PollAnswer.objects.bulk_create(
            [
                PollAnswer(option=option, member=member, choice="if_needed")
                for option in poll.options.all()
            ]
        )


@pytest.mark.parametrize(
    "page", ["poll list", "poll page of the lead", "poll page of a member", "community page"]
)
def test_date_poll_pages_cost_the_same_queries_with_more_data(client, world, page):
    from datetime import timedelta

    from django.utils import timezone

    from scheduling.models import DatePoll

    community, lead = world["community"], world["lead"]
    voter = MembershipFactory(community=community).member
    poll = DatePoll.objects.create(
        community=community, title="Prochaine", closes_at=timezone.now() + timedelta(days=5)
    )
    client.force_login(voter if page == "poll page of a member" else lead)
    url = {
        "poll list": reverse("scheduling:list", args=[community.slug]),
        "community page": reverse("communities:detail", args=[community.slug]),
    }.get(page, reverse("scheduling:detail", args=[community.slug, poll.pk]))

    _grow_polls(community, poll, FEW)
    _count(client, url)
    few = _count(client, url)
    _grow_polls(community, poll, MANY - FEW)
    many = _count(client, url)

    assert few == many, f"{page}: {few} queries with {FEW} rows, {many} with {MANY}"


def _grow_health(count: int) -> None:
    """Adds ``count`` communities, each with a lead, a decided and a pending request, a meeting
    held this year with attendance in person and online, a resource and an answered question."""
    from datetime import timedelta

    from django.utils import timezone

    from communities.models import JoinRequest
    from library.models import Resource
    from meetings.models import Attendance
    from questions.models import Answer, Question

    now = timezone.now()
    for _ in range(count):
        community = CommunityFactory()
        lead = LeadMembershipFactory(community=community).member
        member = MembershipFactory(community=community).member
        JoinRequestFactory(community=community)
        decided = JoinRequestFactory(community=community, status="approved")
        JoinRequest.objects.filter(pk=decided.pk).update(decided_at=now)
        meeting = MeetingFactory(
            community=community,
            starts_at=now - timedelta(days=1),
            ends_at=now - timedelta(hours=20),
        )
        Attendance.objects.create(meeting=meeting, member=lead, mode="in_person")
        Attendance.objects.create(meeting=meeting, member=member, mode="online")
        Resource.objects.create(community=community, title="Gabarit", kind="template")
        question = Question.objects.create(community=community, title="Ponceau", details="?")
        Answer.objects.create(question=question, body="Ainsi.")


@pytest.mark.parametrize("page", ["health overview", "health overview csv"])
def test_the_health_overview_costs_the_same_with_3_or_30_communities(client, page):
    client.force_login(StaffFactory())
    url = reverse("health:overview" if page == "health overview" else "health:overview_csv")

    _grow_health(3)
    _count(client, url)  # warms what is read once per process
    few = _count(client, url)
    _grow_health(27)
    many = _count(client, url)

    assert few == many


def test_a_communitys_health_page_costs_the_same_with_3_or_30_meetings_held(client):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Attendance

    community = CommunityFactory(capacity=500)
    lead = LeadMembershipFactory(community=community).member
    client.force_login(lead)
    url = reverse("health:community", args=[community.slug])

    def grow(count: int) -> None:
        for index in range(count):
            starts_at = timezone.now() - timedelta(days=5 + index * 10)
            meeting = MeetingFactory(
                community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
            )
            for mode in ("in_person", "online"):
                member = MembershipFactory(community=community).member
                Attendance.objects.create(meeting=meeting, member=member, mode=mode)

    grow(3)
    _count(client, url)
    few = _count(client, url)
    grow(27)
    many = _count(client, url)

    assert few == many


def _attend(member, count: int, first_year: int) -> None:
    """``count`` meetings ``member`` attended, spread over several years and communities."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from meetings.models import Attendance

    for index in range(count):
        starts_at = datetime(first_year + index % 4, 1 + index % 12, 10, 13, tzinfo=ZoneInfo("UTC"))
        meeting = MeetingFactory(
            community=CommunityFactory(),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
        )
        Attendance.objects.create(meeting=meeting, member=member, mode="online")


@pytest.mark.parametrize("page", ["my continuing education", "attestation check"])
def test_attestation_pages_cost_the_same_queries_with_more_meetings(client, world, page):
    from attestations.services import attestation_issue

    lead = world["lead"]
    client.force_login(lead)
    _attend(lead, FEW, 2023)
    attestation, _activities = attestation_issue(member=lead, year=2023)
    if page == "my continuing education":
        url = reverse("attestations:mine") + "?annee=2023"
    else:
        url = reverse("attestations:verify_code", args=[attestation.code])

    _count(client, url)
    few = _count(client, url)
    _attend(lead, MANY - FEW, 2023)
    attestation_issue(member=lead, year=2023)
    many = _count(client, url)

    assert few == many, f"{page}: {few} queries with {FEW} rows, {many} with {MANY}"
