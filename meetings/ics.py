"""iCalendar files for meetings: one meeting (invitation, update, cancellation) or a member's
feed of all their communities' meetings.

Times are written with TZID America/Montreal and the VTIMEZONE that defines it, so calendar
programs show the local time the leads chose, across daylight-saving changes. The UID never
changes and SEQUENCE follows ``Meeting.sequence``, so an update replaces the event instead of
adding a second one."""

import re
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.http import urlencode

from meetings.formatting import to_plain_text
from meetings.models import Meeting

if TYPE_CHECKING:
    # Imported where a file is written, not here: the e-mails import this module in every web
    # worker, and only the calendar feed and the invitations need icalendar (dozens of modules).
    from icalendar import Calendar, Event

PRODID = "-//AIMQ//Communities of practice portal//EN"
LOCAL_ZONE = ZoneInfo("America/Montreal")


# Every way of breaking a line: a title pasted with one (stored before titles were checked, or
# typed in the admin) must neither break the file nor reach it as a raw CR.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _text(value: str, *, one_line: bool = True) -> str:
    """A TEXT value the icalendar library can escape: line breaks as LF (escaped as \\n), or
    spaces in a one-line property; other control characters, which RFC 5545 does not allow in
    TEXT (HTAB aside), removed."""
    value = _LINE_BREAKS.sub(" " if one_line else "\n", value or "")
    return "".join(
        character
        for character in value
        if character in "\n\t" or unicodedata.category(character) != "Cc"
    )


def _uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@aimq-portal"


def _location(meeting: Meeting) -> str:
    if not meeting.has_room:
        return meeting.meeting_url
    place = ", ".join(
        part for part in (meeting.venue_name, " ".join(meeting.address.split())) if part
    )
    return f"{place} / {meeting.meeting_url}" if meeting.is_online else place


def _description(meeting: Meeting, *, include_private: bool, with_community: bool = False) -> str:
    # Calendar programs show plain text: the agenda as the lead typed it.
    parts = [to_plain_text(meeting.agenda)]
    if with_community:
        # A feed mixes the meetings of several communities: each event says whose it is.
        parts.insert(0, meeting.community.name)
    if include_private and meeting.is_online:
        parts.append(meeting.meeting_url)
    return _text("\n\n".join(part for part in parts if part), one_line=False)


def _event(meeting: Meeting, *, include_private: bool, with_community: bool = False) -> "Event":
    from icalendar import Event

    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("sequence", meeting.sequence)
    event.add("summary", _text(meeting.title))
    event.add("dtstart", meeting.starts_at.astimezone(LOCAL_ZONE))
    event.add("dtend", meeting.ends_at.astimezone(LOCAL_ZONE))
    event.add("last-modified", meeting.updated_at or timezone.now())
    description = _description(
        meeting, include_private=include_private, with_community=with_community
    )
    if with_community:
        event.add("categories", [meeting.community.name])
    if description:
        event.add("description", description)
    if include_private:
        event.add("location", _text(_location(meeting)))
        if meeting.is_online:
            event.add("url", _text(meeting.meeting_url))
    if meeting.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def _calendar(events: list["Event"], *, method: str | None, starts: list) -> "Calendar":
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    if starts:
        # A VTIMEZONE covering the meetings' years, not every rule since 1970.
        calendar.add_missing_timezones(
            first_date=(min(starts) - timedelta(days=366)).date(),
            last_date=(max(starts) + timedelta(days=366)).date(),
        )
    return calendar


def meeting_calendar(meeting: Meeting, *, include_private: bool) -> bytes:
    """An invitation or update (METHOD:REQUEST), or a cancellation (METHOD:CANCEL with
    STATUS:CANCELLED) for a cancelled meeting."""
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    event = _event(meeting, include_private=include_private)
    if settings.DEFAULT_FROM_EMAIL:
        # METHOD:REQUEST/CANCEL need an organizer for calendar programs to apply them.
        address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
        event.add("organizer", f"mailto:{address}")
    return _calendar([event], method=method, starts=[meeting.starts_at]).to_ical()


def feed_calendar(meetings: Iterable[Meeting], *, include_private: bool, name: str) -> bytes:
    """A subscription feed (METHOD:PUBLISH); cancelled meetings stay with STATUS:CANCELLED so
    subscribed calendars remove them."""
    meetings = list(meetings)
    calendar_events = [
        _event(m, include_private=include_private, with_community=True) for m in meetings
    ]
    calendar = _calendar(calendar_events, method="PUBLISH", starts=[m.starts_at for m in meetings])
    calendar.add("x-wr-calname", _text(name))
    calendar.add("x-wr-timezone", str(LOCAL_ZONE))
    return calendar.to_ical()


def member_feed(member) -> bytes:
    """The member's secret calendar feed: every meeting of all their communities. They are a
    member of each, so the address and link are included. Calendar programs fetch it without
    a language: the communities are named in the member's."""
    from meetings.selectors import meetings_for_feed

    language = getattr(member, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return feed_calendar(
            meetings_for_feed(member=member),
            include_private=True,
            name="AIMQ – Communautés de pratique",
        )


def _utc_stamp(moment) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


CALENDAR_LINK_DETAILS = 1000  # characters of the description a link carries at most


def add_to_calendar_links(meeting: Meeting, *, include_private: bool, page_url: str) -> dict:
    """Links that open Google Calendar's and Outlook's "new event" form filled in with the
    meeting: what the visitor may see of it (the place and link for members only), and the
    address of its page."""
    description = _description(meeting, include_private=include_private)
    description = "\n\n".join(
        part for part in (description[:CALENDAR_LINK_DETAILS], page_url) if part
    )
    location = _location(meeting) if include_private else ""
    google = {
        "action": "TEMPLATE",
        "text": meeting.title,
        "dates": f"{_utc_stamp(meeting.starts_at)}/{_utc_stamp(meeting.ends_at)}",
        "details": description,
        "ctz": str(LOCAL_ZONE),
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": meeting.title,
        "startdt": meeting.starts_at.astimezone(ZoneInfo("UTC")).isoformat(),
        "enddt": meeting.ends_at.astimezone(ZoneInfo("UTC")).isoformat(),
        "body": description,
    }
    if location:
        google["location"] = location
        outlook["location"] = location
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(outlook),
    }
