"""The private calendar feed answers a poll with nothing new 304, and a fresh 200 (not a stale
cached body) once one of the member's meetings changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(client, fellow, community):
    client.force_login(fellow)
    url = client.get(reverse("meetings:mine")).context["feed_url"]
    client.logout()
    return url


def _summaries(response) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


def test_a_poll_with_nothing_new_answers_304(client, feed, community):
    MeetingFactory(community=community, title="Actifs")
    first = client.get(feed)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]

    again = client.get(feed, HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(feed, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304 and again.content == b""
    assert since.status_code == 304


def test_a_new_meeting_gives_a_fresh_200(client, feed, community):
    MeetingFactory(community=community, title="Actifs")
    first = client.get(feed)

    MeetingFactory(community=community, title="Voirie d'hiver")
    fresh = client.get(feed, HTTP_IF_NONE_MATCH=first["ETag"])

    assert fresh.status_code == 200
    assert fresh["ETag"] != first["ETag"]
    assert sorted(_summaries(fresh)) == ["Actifs", "Voirie d'hiver"]


def test_a_moved_meeting_gives_a_fresh_200(client, feed, community, lead):
    meeting = MeetingFactory(community=community, title="Actifs")
    first = client.get(feed)

    meeting.refresh_from_db()
    meeting.title = "Actifs, nouvelle date"
    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    meeting.sequence += 1
    meeting.save()
    fresh = client.get(feed, HTTP_IF_NONE_MATCH=first["ETag"])

    assert fresh.status_code == 200
    assert _summaries(fresh) == ["Actifs, nouvelle date"]


def test_a_renamed_community_gives_a_fresh_200(client, feed, community):
    MeetingFactory(community=community)
    first = client.get(feed)

    community.name_fr = "Eaux de pluie"
    community.save()
    fresh = client.get(feed, HTTP_IF_NONE_MATCH=first["ETag"])

    assert fresh.status_code == 200
    assert "Eaux de pluie" in fresh.content.decode()
