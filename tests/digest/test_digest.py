"""The weekly digest: who receives it, what it holds (grouped by community, in the member's
language, with the one-click links), nothing when nothing is new, once per member and week."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aimq_portal.celery import app as celery_app
from communities import notification_links
from communities.models import Membership, NotificationChoice
from digest import tasks
from digest.models import DigestSent
from digest.selectors import week_of
from digest.services import digests_enqueue
from library.models import Resource
from notifications.models import OutboxMessage
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")
# Monday 7 December 2026, 7:00 in Montréal: when the beat runs.
MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=MONTREAL)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def roads(clock):
    return CommunityFactory(name_fr="Voirie municipale", name_en="Municipal roads")


@pytest.fixture
def water(clock):
    return CommunityFactory(name_fr="Eaux pluviales", name_en="Storm water")


@pytest.fixture
def reader(roads, water):
    """A member of both communities, on the digest (the default) in each."""
    member = MembershipFactory(
        community=roads, member__first_name="Rachel", member__email="rachel@example.org"
    ).member
    MembershipFactory(community=water, member=member)
    return member


def _resource(community, title: str, *, days_ago: float, kind: str = "guide") -> Resource:
    resource = Resource.objects.create(community=community, title=title, kind=kind)
    Resource.objects.filter(pk=resource.pk).update(created_at=MONDAY - timedelta(days=days_ago))
    return resource


def _meeting(community, title: str, *, in_days: float, created_days_ago: float = 0):
    starts_at = MONDAY + timedelta(days=in_days)
    meeting = MeetingFactory(
        community=community,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
    )
    type(meeting).objects.filter(pk=meeting.pk).update(
        created_at=MONDAY - timedelta(days=created_days_ago)
    )
    return meeting


def _sweep(run_tasks) -> int:
    with run_tasks():
        return digests_enqueue()


def _html(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_the_digest_lists_each_communitys_news_under_its_name(run_tasks, reader, roads, water):
    _resource(roads, "Devis de déneigement", days_ago=2, kind="template")
    _resource(water, "Guide des bassins de rétention", days_ago=5)
    _meeting(roads, "Rencontre de janvier", in_days=10)

    assert _sweep(run_tasks) == 1

    [message] = mail.outbox
    assert message.to == ["rachel@example.org"]
    assert message.subject.endswith("Cette semaine dans vos communautés")
    body = message.body
    assert body.startswith("Bonjour Rachel,")
    # Grouped by community, in name order, each with its own sections.
    water_at, roads_at = body.index("EAUX PLUVIALES"), body.index("VOIRIE MUNICIPALE")
    assert water_at < roads_at
    water_part, roads_part = body[water_at:roads_at], body[roads_at:]
    assert "Guide des bassins de rétention — Guide" in water_part
    assert "Devis de déneigement — Gabarit" in roads_part
    assert "Nouveautés de la bibliothèque\u00a0:" in roads_part
    assert "Rencontres à venir\u00a0:" in roads_part
    assert "Rencontre de janvier — jeudi 17 décembre 2026" in roads_part
    assert "Rencontre de janvier" not in water_part


def test_the_digest_carries_the_one_click_links_and_the_unsubscribe_headers(
    run_tasks, reader, roads, water
):
    _resource(roads, "Devis de déneigement", days_ago=2)

    _sweep(run_tasks)

    [message] = mail.outbox
    for community in (roads,):  # water has nothing new: it is not in this digest
        for choice in NotificationChoice.values:
            url = notification_links.choice_url(
                user_id=reader.pk, community_id=community.pk, choice=choice
            )
            assert url in message.body
            assert f'href="{url}"' in _html(message)
    headers = notification_links.digest_unsubscribe_headers(reader)
    assert message.extra_headers["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_html_part_shows_the_same_digest(run_tasks, reader, roads):
    resource = _resource(roads, "Devis d’entretien", days_ago=2)

    _sweep(run_tasks)

    html = _html(mail.outbox[0])
    assert "Devis d’entretien" in html
    assert f'/bibliotheque/{resource.pk}/"' in html
    assert "<html" in html


def test_a_community_without_news_is_left_out(run_tasks, reader, roads, water):
    _resource(roads, "Devis de déneigement", days_ago=2)

    _sweep(run_tasks)

    assert "EAUX PLUVIALES" not in mail.outbox[0].body


def test_nothing_new_means_no_digest_and_nothing_written(run_tasks, reader, roads):
    _resource(roads, "Vieux devis", days_ago=9)
    _meeting(roads, "Rencontre déjà annoncée", in_days=10, created_days_ago=20)

    assert _sweep(run_tasks) == 0

    assert mail.outbox == []
    assert not DigestSent.objects.exists()
    assert not OutboxMessage.objects.filter(kind="digest.weekly").exists()


def test_a_meeting_announced_since_the_last_digest_is_news(run_tasks, reader, roads):
    _meeting(roads, "Rencontre de janvier", in_days=10, created_days_ago=1)

    assert _sweep(run_tasks) == 1


def test_the_digest_is_in_the_members_language(run_tasks, reader, roads):
    type(reader).objects.filter(pk=reader.pk).update(preferred_language="en")
    _resource(roads, "Snow removal specification", days_ago=2, kind="specification")

    _sweep(run_tasks)

    [message] = mail.outbox
    assert message.subject.endswith("This week in your communities")
    assert message.body.startswith("Hello Rachel,")
    assert "MUNICIPAL ROADS" in message.body
    assert "Snow removal specification — Specification" in message.body
    assert "A weekly digest: " in message.body


@pytest.mark.parametrize("choice", [NotificationChoice.EVERY, NotificationChoice.NOTHING])
def test_a_community_not_on_the_digest_is_not_in_it(run_tasks, reader, roads, water, choice):
    Membership.objects.filter(member=reader, community=water).update(notifications=choice)
    _resource(roads, "Devis de déneigement", days_ago=2)
    _resource(water, "Guide des bassins", days_ago=2)

    _sweep(run_tasks)

    assert "Guide des bassins" not in mail.outbox[0].body


def test_a_member_who_chose_no_digest_anywhere_gets_none(run_tasks, reader, roads):
    Membership.objects.filter(member=reader).update(notifications=NotificationChoice.EVERY)
    _resource(roads, "Devis de déneigement", days_ago=2)

    assert _sweep(run_tasks) == 0
    assert mail.outbox == []


def test_a_closed_account_gets_none(run_tasks, reader, roads):
    type(reader).objects.filter(pk=reader.pk).update(is_active=False)
    _resource(roads, "Devis de déneigement", days_ago=2)

    assert _sweep(run_tasks) == 0


def test_run_twice_the_same_week_one_email(run_tasks, reader, roads, clock):
    _resource(roads, "Devis de déneigement", days_ago=2)
    _sweep(run_tasks)
    clock.shift(timedelta(hours=30))  # Tuesday: still the same week
    _resource(roads, "Nouveau gabarit", days_ago=0)

    assert _sweep(run_tasks) == 0

    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().week == MONDAY.date()


def test_the_next_week_lists_what_came_since_the_last_digest(run_tasks, reader, roads, clock):
    _resource(roads, "Devis de déneigement", days_ago=2)
    _sweep(run_tasks)
    clock.shift(timedelta(days=3))
    Resource.objects.create(community=roads, title="Gabarit de jeudi", kind="template")
    clock.shift(timedelta(days=4))  # the next Monday

    _sweep(run_tasks)

    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert "Gabarit de jeudi" in body
    assert "Devis de déneigement" not in body
    assert sorted(DigestSent.objects.values_list("week", flat=True)) == [
        MONDAY.date(),
        MONDAY.date() + timedelta(days=7),
    ]


def test_the_week_is_montreals(clock):
    # Sunday 23:30 in Montréal is Monday in UTC: still the week before.
    sunday_night = datetime(2026, 12, 6, 23, 30, tzinfo=MONTREAL)

    assert week_of(sunday_night) == datetime(2026, 11, 30).date()
    assert week_of(MONDAY) == MONDAY.date()


def test_news_gone_before_the_relay_sends_nothing(reader, roads, run_tasks):
    resource = _resource(roads, "Devis retiré", days_ago=2)
    digests_enqueue()  # written, not yet sent
    resource.delete()

    with run_tasks():
        from notifications.tasks import relay_outbox

        relay_outbox()

    assert mail.outbox == []
    message = OutboxMessage.objects.get(kind="digest.weekly")
    assert message.status == "skipped"


def test_a_choice_changed_before_the_relay_is_respected(reader, roads, water, run_tasks):
    _resource(roads, "Devis de déneigement", days_ago=2)
    _resource(water, "Guide des bassins", days_ago=2)
    digests_enqueue()
    Membership.objects.filter(member=reader, community=water).update(
        notifications=NotificationChoice.NOTHING
    )

    with run_tasks():
        from notifications.tasks import relay_outbox

        relay_outbox()

    assert "Guide des bassins" not in mail.outbox[0].body


def test_the_beat_task_writes_the_digests(run_tasks, reader, roads):
    _resource(roads, "Devis de déneigement", days_ago=2)
    schedule = celery_app.conf.beat_schedule["send-weekly-digests"]

    with run_tasks():
        written = tasks.send_weekly_digests.delay().get()

    assert written == 1 and len(mail.outbox) == 1
    assert schedule["task"] == "digest.tasks.send_weekly_digests"
    assert schedule["schedule"].day_of_week == {1}  # Monday
    assert schedule["schedule"].hour == {7}


def test_the_sweep_costs_the_same_queries_for_more_members(roads):
    """Members without news cost no query of their own: the sections are read per batch."""

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            digests_enqueue()
        return len(queries)

    MembershipFactory.create_batch(3, community=roads)
    few = count()
    MembershipFactory.create_batch(20, community=roads)
    assert count() == few


def test_members_are_read_in_batches(run_tasks, roads):
    members = [MembershipFactory(community=roads).member for _ in range(5)]
    _resource(roads, "Devis de déneigement", days_ago=2)

    with run_tasks():
        assert digests_enqueue(batch_size=2) == 5

    assert sorted(DigestSent.objects.values_list("member_id", flat=True)) == sorted(
        member.pk for member in members
    )
