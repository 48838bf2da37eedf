"""Who may do what in a community: plain functions for views, templates and tests alike."""

from communities.models import Community, Membership, Role


def is_member(user, community: Community) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(community=community, member=user).exists()


def is_lead(user, community: Community) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(community=community, member=user, role=Role.LEAD).exists()


def can_decide_requests(user, community: Community) -> bool:
    """The community's leads and staff see and decide its join requests."""
    return user.is_authenticated and (user.is_staff or is_lead(user, community))


def can_manage_members(user, community: Community) -> bool:
    return can_decide_requests(user, community)


def can_see_members(user, community: Community) -> bool:
    """Fellow members' names, organisations and regions are for the community and staff."""
    return user.is_authenticated and (user.is_staff or is_member(user, community))


def leads_anything(user) -> bool:
    return user.is_authenticated and Membership.objects.filter(member=user, role=Role.LEAD).exists()
