import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import ics, services
from tests.factories import MeetingFactory, MembershipFactory
from tests.meetings.conftest import local


def _event(data: bytes):
    calendar = Calendar.from_ical(data)
    return calendar, calendar.walk("VEVENT")[0]


def test_uid_is_stable_and_sequence_raised_across_updates(community, lead):
    meeting = MeetingFactory(community=community)
    _cal, before = _event(ics.meeting_calendar(meeting, include_private=True))
    meeting = services.meeting_update(
        meeting=meeting, updated_by=lead, venue_name="Salle du conseil"
    )
    _cal, after = _event(ics.meeting_calendar(meeting, include_private=True))

    assert str(before["UID"]) == str(after["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert "Salle du conseil" in str(after["LOCATION"])


def test_times_are_in_montreal_with_their_vtimezone(community):
    meeting = MeetingFactory(
        community=community, starts_at=local(2026, 11, 1, 10), ends_at=local(2026, 11, 1, 12)
    )
    calendar, event = _event(ics.meeting_calendar(meeting, include_private=True))

    assert event["DTSTART"].params["TZID"] == "America/Montreal"
    assert event.decoded("DTSTART").hour == 10
    assert event.decoded("DTEND").hour == 12
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Montreal"]
    assert calendar["METHOD"] == "REQUEST"


def test_place_and_link_only_for_readers_with_rights(community):
    meeting = MeetingFactory(community=community)
    _cal, public = _event(ics.meeting_calendar(meeting, include_private=False))
    _cal, private = _event(ics.meeting_calendar(meeting, include_private=True))

    assert "LOCATION" not in public and "URL" not in public
    assert meeting.meeting_url not in ics.meeting_calendar(meeting, include_private=False).decode()
    assert meeting.address.split(",")[0] in str(private["LOCATION"])
    assert str(private["URL"]) == meeting.meeting_url


def test_cancelled_meeting_is_a_cancel(community, lead):
    meeting = services.meeting_cancel(
        meeting=MeetingFactory(community=community), cancelled_by=lead
    )
    calendar, event = _event(ics.meeting_calendar(meeting, include_private=True))

    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_agenda_is_the_typed_text_in_the_description(community):
    """Calendar programs show plain text: the agenda as the lead typed it, lines and all."""
    agenda = "Tour de **table**\n\n1. Bilan\n2. Projets\n   - voirie"
    meeting = MeetingFactory(community=community, agenda=agenda + "  \r\n")
    _cal, event = _event(ics.meeting_calendar(meeting, include_private=False))
    assert str(event["DESCRIPTION"]) == agenda


def test_feed_holds_the_meetings_of_all_the_members_communities(fellow, community):
    mine = MeetingFactory(community=community)
    other_community = MembershipFactory(member=fellow).community
    also_mine = MeetingFactory(community=other_community, cancelled_at=mine.created_at)
    not_mine = MeetingFactory()

    calendar = Calendar.from_ical(ics.member_feed(fellow))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}

    assert calendar["METHOD"] == "PUBLISH"
    assert set(events) == {f"{mine.uid}@aimq-portal", f"{also_mine.uid}@aimq-portal"}
    assert events[f"{also_mine.uid}@aimq-portal"]["STATUS"] == "CANCELLED"
    assert f"{not_mine.uid}" not in calendar.to_ical().decode()


# Text stored with line breaks or control characters (before titles were checked, or through
# the admin) is escaped: the files still open, and hold no raw CR.

BROKEN_TITLE = "Ligne 1\r\nLigne 2\rfin\x07"


def _no_raw_line_break(body: bytes) -> bool:
    # Lines end with CRLF; a lone CR or LF inside a line would be a value breaking out.
    lines = body.split(b"\r\n")
    return not any(b"\r" in line or b"\n" in line for line in lines)


@pytest.mark.django_db
def test_a_meeting_whose_title_breaks_a_line_still_has_its_calendar_file(client, community):
    meeting = MeetingFactory(community=community, title=BROKEN_TITLE)

    response = client.get(reverse("meetings:ics", args=[meeting.pk]))

    assert response.status_code == 200
    assert _no_raw_line_break(response.content)
    calendar, event = _event(response.content)
    assert str(event["SUMMARY"]) == "Ligne 1 Ligne 2 fin"
    assert str(calendar["X-WR-CALNAME"]) == "Ligne 1 Ligne 2 fin"


@pytest.mark.django_db
def test_the_private_feed_escapes_every_text_property(client, fellow, community):
    MeetingFactory(
        community=community,
        title=BROKEN_TITLE,
        venue_name="Salle\ndu conseil",
        address="1 rue\r\nPrincipale",
        agenda="Point 1\r\nPoint 2\x0b",
        meeting_url="https://meet.example.org/a\rb",
    )
    client.force_login(fellow)
    feed_url = client.get(reverse("meetings:mine")).context["feed_url"]

    response = client.get(feed_url)

    assert response.status_code == 200
    assert _no_raw_line_break(response.content)
    _calendar, event = _event(response.content)
    assert str(event["SUMMARY"]) == "Ligne 1 Ligne 2 fin"
    assert str(event["LOCATION"]).startswith("Salle du conseil, 1 rue Principale")
    # The feed's description names the community first, then the agenda.
    assert f"{community.name}\n\nPoint 1\nPoint 2" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "https://meet.example.org/a b"
