from django import template
from django.urls import reverse
from django.utils import timezone

from aimq_portal import fragments, page_cache
from meetings import formatting, ics, selectors
from meetings.wording import hours_words

register = template.Library()
register.filter("hours", hours_words)


@register.filter
def formatted(text: str):
    """An agenda or minutes as typed, formatted and cleaned (meetings.formatting)."""
    return formatting.to_html(text)


HOME_MEETINGS = 5
PAST_MEETINGS = 10
AFTER_MEETINGS = 10


@register.inclusion_tag("meetings/includes/community_section.html")
def community_meetings(community, can_schedule: bool = False) -> dict:
    """The community page's meetings, upcoming and past: one query."""
    upcoming, past = selectors.community_page_meetings(
        community=community, past_limit=PAST_MEETINGS
    )
    return {
        "community": community,
        "can_schedule": can_schedule,
        "upcoming": upcoming,
        "past": past,
        # The section is rendered once for these rows (aimq_portal.fragments).
        "fragment_key": fragments.fingerprint(
            community.slug,
            can_schedule,
            fragments.rows_values(upcoming),
            fragments.rows_values(past),
        ),
        "fragment_timeout": fragments.TIMEOUT,
    }


@register.inclusion_tag("meetings/includes/home_section.html", takes_context=True)
def home_meetings(context) -> dict:
    """The home page's next meetings of a signed-in member, with their answer and, for a lead,
    how their community answered; and a lead's past meetings with something left to do
    (attendance, follow-up). Two queries, whatever the data."""
    user = context["user"]
    if not user.is_authenticated:
        return {"show": False, "meetings": [], "to_follow_up": [], "runs_meetings": False}
    return {
        "show": True,
        # Leads and staff (the navbar's inbox is theirs): the after-meeting list is shown,
        # even empty.
        "runs_meetings": bool(context.get("lead_inbox_shown")),
        "meetings": selectors.home_next_meetings(member=user, limit=HOME_MEETINGS),
        "to_follow_up": (
            selectors.meetings_to_follow_up(lead=user, limit=AFTER_MEETINGS)
            if context.get("lead_inbox_shown")
            else []
        ),
    }


FRONT_DOOR_MEETINGS = 5


@register.inclusion_tag("meetings/includes/front_door_meetings.html")
def public_next_meetings() -> dict:
    """The public home page's next meetings, without their address or link: one query."""
    return {"meetings": selectors.public_next_meetings(limit=FRONT_DOOR_MEETINGS)}


@register.simple_tag(takes_context=True)
def add_to_calendar_links(context, meeting, include_private: bool) -> dict:
    """{"google": …, "outlook": …}: links that open those calendars' new-event form filled in
    with what the visitor may see of the meeting; none for a meeting cancelled or over."""
    if meeting.is_cancelled or meeting.ends_at <= timezone.now():
        return {}
    page_cache.expires_at(meeting.ends_at)  # the links go as the meeting ends
    request = context.get("request")
    page_url = request.build_absolute_uri(meeting_url(meeting)) if request else ""
    return ics.add_to_calendar_links(meeting, include_private=include_private, page_url=page_url)


def meeting_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])
