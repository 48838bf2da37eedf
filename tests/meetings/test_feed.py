"""The member's private calendar feed: a secret address, no login, regenerated on demand."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import CalendarFeedToken
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _feed_url(client) -> str:
    return client.get(reverse("meetings:mine")).context["feed_url"]


def test_feed_lists_the_members_meetings_with_place_and_link_without_login(
    client, fellow, community
):
    mine = MeetingFactory(community=community, title="Actifs")
    MeetingFactory(title="Ailleurs")  # another community
    client.force_login(fellow)
    url = _feed_url(client)
    client.logout()

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [mine.title]
    assert "LOCATION" in events[0] and str(events[0]["URL"]) == mine.meeting_url


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404


def test_regenerating_the_address_revokes_the_old_one(client, fellow):
    client.force_login(fellow)
    old_url = _feed_url(client)

    response = client.post(reverse("meetings:feed_regenerate"))

    assert response.status_code == 302
    new_url = _feed_url(client)
    assert new_url != old_url
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_feed_of_an_inactive_member_is_404(client, fellow):
    token = CalendarFeedToken.objects.create(member=fellow)
    fellow.is_active = False
    fellow.save(update_fields=["is_active"])

    assert client.get(reverse("meetings:feed", args=[token.token])).status_code == 404


def test_feed_follows_the_memberships(client, fellow):
    other = MembershipFactory(member=fellow).community
    MeetingFactory(community=other, title="Voirie")
    token = CalendarFeedToken.objects.create(member=fellow)

    body = client.get(reverse("meetings:feed", args=[token.token])).content

    assert b"Voirie" in body
