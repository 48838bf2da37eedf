from django import template

from talks import selectors

register = template.Library()

FRONT_DOOR_TALKS = 3


@register.inclusion_tag("talks/includes/latest_talks.html")
def latest_talks() -> dict:
    """The public home page's latest talks: one query."""
    return {"talks": selectors.latest_talks(limit=FRONT_DOOR_TALKS)}
