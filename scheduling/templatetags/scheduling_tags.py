from django import template

from scheduling import permissions, selectors

register = template.Library()


@register.inclusion_tag("scheduling/includes/community_section.html", takes_context=True)
def community_polls(context, community) -> dict:
    """The community page's open date polls, for its members, leads and staff; the leads'
    "Propose dates" button. One query, none for anyone else."""
    user = context["user"]
    if not permissions.can_see_polls(user, community):
        return {"show": False}
    return {
        "show": True,
        "community": community,
        "polls": selectors.open_polls(community=community),
        "can_propose": permissions.can_propose(user, community),
    }
