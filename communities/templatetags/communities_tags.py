from django import template

from communities import cards, selectors
from communities.models import JoinRequestStatus

register = template.Library()


@register.inclusion_tag("communities/includes/home_decisions.html", takes_context=True)
def home_decisions(context) -> dict:
    """A lead's (or staff's) home: the join requests waiting for their decision, per community.
    The same count as the navbar's inbox badge; one query, none for other visitors."""
    if not context.get("lead_inbox_shown"):
        return {"show": False, "communities": []}
    communities = selectors.decisions_waiting(user=context["user"])
    return {
        "show": True,
        "communities": communities,
        "total": sum(community.pending for community in communities),
    }


@register.inclusion_tag("communities/includes/home_section.html", takes_context=True)
def home_communities(context) -> dict:
    """The home page's summary for a signed-in member: their communities and open requests."""
    user = context["user"]
    if not user.is_authenticated:
        return {"show": False, "memberships": [], "pending_requests": []}
    pending = selectors.my_join_requests(member=user).filter(status=JoinRequestStatus.PENDING)
    return {
        "show": True,
        "memberships": list(selectors.my_communities(member=user)),
        "pending_requests": list(pending),
    }


@register.simple_tag
def front_door_communities() -> str:
    """The public home page's communities: mandate, leads, seats left or waiting list. The
    same for every visitor, so rendered once per language (see communities.cards)."""
    return cards.front_door_html()
