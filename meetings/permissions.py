"""Who may do what with meetings: plain functions for views, templates and tests alike."""

from communities.models import Community
from communities.permissions import can_decide_requests, is_member
from meetings.models import Meeting


def can_manage_meetings(user, community: Community) -> bool:
    """The community's leads and staff schedule, edit and cancel its meetings, record
    attendance and write follow-ups."""
    return can_decide_requests(user, community)


def can_see_private_details(user, meeting: Meeting) -> bool:
    """The address and the online link are for the community's members (leads included) and
    staff; others see only that a meeting takes place."""
    return user.is_authenticated and (user.is_staff or is_member(user, meeting.community))


def can_answer(user, meeting: Meeting) -> bool:
    return is_member(user, meeting.community)
