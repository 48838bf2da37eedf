"""Who may do what with a community's date polls: plain functions for views, templates and
tests alike. A poll is the community's business: its members (leads included) and staff see
it; its leads and staff propose, schedule and close; its members answer."""

from communities.models import Community
from communities.permissions import is_member
from meetings.permissions import can_manage_meetings


def can_see_polls(user, community: Community) -> bool:
    return user.is_authenticated and (user.is_staff or is_member(user, community))


def can_propose(user, community: Community) -> bool:
    """Those who schedule the community's meetings propose the dates."""
    return can_manage_meetings(user, community)


def can_answer(user, community: Community) -> bool:
    """Only members answer: staff who are not members see the answers, and add none."""
    return is_member(user, community)


def can_edit(user, poll) -> bool:
    """Those who propose dates fix a poll while it takes answers; once closed or scheduled,
    the answers it gathered stand as they are."""
    return can_propose(user, poll.community) and poll.is_open()
