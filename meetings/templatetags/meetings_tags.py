from django import template

from meetings import selectors

register = template.Library()

HOME_MEETINGS = 5
PAST_MEETINGS = 10


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
    }


@register.inclusion_tag("meetings/includes/home_section.html", takes_context=True)
def home_meetings(context) -> dict:
    """The home page's next meetings of a signed-in member, with their answer: one query."""
    user = context["user"]
    if not user.is_authenticated:
        return {"show": False, "meetings": []}
    return {
        "show": True,
        "meetings": list(selectors.my_next_meetings(member=user)[:HOME_MEETINGS]),
    }
