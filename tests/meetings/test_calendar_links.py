"""Adding a meeting to a calendar: Google Calendar and Outlook links beside the .ics (with what
the visitor may see of the meeting), and the private feed (webcal, copy), whose events say
which community they belong to."""

import html
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import CalendarFeedToken
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MONTREAL = ZoneInfo("America/Montreal")


@pytest.fixture
def meeting(community):
    return MeetingFactory(
        community=community,
        title="Plans d'intervention",
        starts_at=datetime(2030, 5, 14, 9, 0, tzinfo=MONTREAL),
        ends_at=datetime(2030, 5, 14, 12, 0, tzinfo=MONTREAL),
        venue_name="Hôtel de ville",
        address="1 rue Principale, Trois-Rivières",
        meeting_url="https://meet.example.org/plans",
    )


def _links(client, meeting) -> dict[str, dict]:
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    found = {}
    for href in re.findall(r'href="(https://[^"]+)"', page):
        href = html.unescape(href)
        host = urlsplit(href).netloc
        if host in ("calendar.google.com", "outlook.office.com"):
            found[host] = {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}
    return found


def test_a_member_gets_google_and_outlook_links_with_the_place_and_link(client, fellow, meeting):
    client.force_login(fellow)

    links = _links(client, meeting)

    google, outlook = links["calendar.google.com"], links["outlook.office.com"]
    assert google["text"] == outlook["subject"] == "Plans d'intervention"
    assert google["dates"] == "20300514T130000Z/20300514T160000Z"
    assert outlook["startdt"] == "2030-05-14T13:00:00+00:00"
    assert outlook["enddt"] == "2030-05-14T16:00:00+00:00"
    for link in (google, outlook):
        assert "1 rue Principale, Trois-Rivières" in link["location"]
        assert "https://meet.example.org/plans" in link["location"]
    assert f"/rencontres/{meeting.pk}/" in google["details"]


def test_a_visitor_gets_the_links_without_place_or_link(client, meeting):
    links = _links(client, meeting)

    for link in links.values():
        assert "location" not in link
        assert "meet.example.org" not in str(link) and "Principale" not in str(link)
    assert set(links) == {"calendar.google.com", "outlook.office.com"}


def test_a_cancelled_meeting_offers_no_link_to_add_it(client, fellow, meeting):
    meeting.cancelled_at = timezone.now()
    meeting.save()
    client.force_login(fellow)

    assert _links(client, meeting) == {}


def _feed_events(client, member) -> list:
    token = CalendarFeedToken.objects.create(member=member)
    response = client.get(reverse("meetings:feed", args=[token.token]))
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "AIMQ – Communautés de pratique"
    return list(calendar.walk("VEVENT"))


def test_each_event_of_the_feed_names_its_community(client, fellow, meeting):
    roads = CommunityFactory(name_fr="Voirie", name_en="Roads")
    MembershipFactory(community=roads, member=fellow)
    MeetingFactory(community=roads, title="Chaussées")

    events = {str(event["SUMMARY"]): event for event in _feed_events(client, fellow)}

    assert str(events["Chaussées"]["DESCRIPTION"]).startswith("Voirie\n")
    assert events["Chaussées"]["CATEGORIES"].cats == ["Voirie"]
    assert str(events["Plans d'intervention"]["DESCRIPTION"]).startswith(meeting.community.name_fr)


def test_the_feed_names_the_communities_in_the_members_language(client, fellow, meeting):
    fellow.preferred_language = "en"
    fellow.save(update_fields=["preferred_language"])

    (event,) = _feed_events(client, fellow)

    assert str(event["DESCRIPTION"]).startswith(meeting.community.name_en)


def test_my_meetings_offers_the_feed_as_webcal_and_a_copy_button(client, fellow):
    client.force_login(fellow)

    response = client.get(reverse("meetings:mine"))

    page = response.content.decode()
    feed_url = response.context["feed_url"]
    assert feed_url.startswith("http://testserver/rencontres/calendrier/")
    webcal = "webcal://" + feed_url.removeprefix("http://")
    assert f'href="{webcal}"' in page
    assert 'data-copy-target="feed-url"' in page
    assert "/static/js/copy-button.js" in page
