"""Who sees the health figures: a community's own leads and the association's staff; the
overview of every community is for staff."""

from communities.models import Community
from communities.permissions import is_lead


def can_see_community_health(user, community: Community) -> bool:
    return user.is_authenticated and (user.is_staff or is_lead(user, community))


def can_see_overview(user) -> bool:
    return user.is_authenticated and user.is_staff
