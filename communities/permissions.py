"""Who may do what in a community: plain functions for views, templates and tests alike."""

from communities.models import Community, Membership, Phase, Role


def is_member(user, community: Community) -> bool:
    """No query when ``community`` comes from ``communities.selectors`` for this same user."""
    if not user.is_authenticated:
        return False
    return _role_in(user, community) is not None


def is_lead(user, community: Community) -> bool:
    """No query when ``community`` comes from ``communities.selectors`` for this same user."""
    if not user.is_authenticated:
        return False
    return _role_in(user, community) == Role.LEAD


def can_decide_requests(user, community: Community) -> bool:
    """The community's leads and staff see and decide its join requests."""
    return user.is_authenticated and (user.is_staff or is_lead(user, community))


def can_manage_members(user, community: Community) -> bool:
    return can_decide_requests(user, community)


def can_see_members(user, community: Community) -> bool:
    """Fellow members' names, organisations and regions are for the community and staff."""
    return user.is_authenticated and (user.is_staff or is_member(user, community))


def can_see_interest_count(user, community: Community) -> bool:
    """How many members are interested in a community in preparation is for staff and its
    future leads (the leads staff named on it), who prepare its opening."""
    return can_decide_requests(user, community)


def may_ask_to_join(user, community: Community) -> bool:
    """Whether the join form is offered: to a signed-in member with no seat nor pending request,
    when the community takes requests and, just after it opened, if they were interested.
    ``community`` comes from ``communities.selectors`` for this user (no query)."""
    if not user.is_authenticated or community.viewer_status is not None:
        return False
    if not community.accepting_requests or community.phase_now == Phase.PREPARATION:
        return False
    return community.phase_now != Phase.HEAD_START or community.viewer_interested


def leads_anything(user) -> bool:
    return user.is_authenticated and Membership.objects.filter(member=user, role=Role.LEAD).exists()


def can_see_contact_details(user, community: Community, member) -> bool:
    """Whether ``user`` sees the e-mail address and phone number of ``member``, one of
    ``community``'s members, on its page.

    Loi 25: only those who run the community see everyone's (its leads and the association's
    staff); fellow members see those of members who chose to show them (``contact_visible``),
    and their own; anyone else sees none. Costs no query when ``community`` comes from
    ``communities.selectors`` for this same user (the viewer's role is already on it)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    role = _role_in(user, community)
    if role is None:
        return False
    return role == Role.LEAD or member.pk == user.pk or member.contact_visible


def _role_in(user, community: Community) -> str | None:
    if getattr(community, "viewer_id", None) == user.pk and hasattr(community, "viewer_role"):
        return community.viewer_role
    return (
        Membership.objects.filter(community=community, member=user)
        .values_list("role", flat=True)
        .first()
    )
