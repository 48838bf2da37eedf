from django import template

from communities import cards, fragments, selectors
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


@register.simple_tag
def requester_profile(requester) -> str:
    """A requester's profile as leads read it (see communities.fragments)."""
    return fragments.requester_profile_html(requester)


@register.simple_tag(takes_context=True)
def decision_form(context, join_request, form, next_url) -> str:
    """The form that approves or declines ``join_request`` (see communities.fragments)."""
    return fragments.decision_form_html(
        join_request=join_request,
        form=form,
        next_url=next_url,
        csrf_token=context.get("csrf_token"),
    )


@register.simple_tag(takes_context=True)
def inbox_request(context, join_request, next_url) -> str:
    """A pending request's card in the inbox (see communities.fragments)."""
    return fragments.inbox_request_html(
        join_request=join_request, next_url=next_url, csrf_token=context.get("csrf_token")
    )
