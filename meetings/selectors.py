"""Querysets the meeting pages and feeds read, with what they need in a fixed number of
queries."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from communities.models import Community
from meetings.models import CalendarFeedToken, Meeting, RsvpResponse
from members.models import User

FEED_HISTORY = timedelta(days=180)


def meetings_of_community(*, community: Community, upcoming: bool = True) -> QuerySet[Meeting]:
    now = timezone.now()
    meetings = Meeting.objects.filter(community=community).annotate(
        in_person_count=Count("rsvps", filter=Q(rsvps__response=RsvpResponse.IN_PERSON)),
        online_count=Count("rsvps", filter=Q(rsvps__response=RsvpResponse.ONLINE)),
    )
    if upcoming:
        return meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    return meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")


def meetings_for_feed(*, member: User) -> QuerySet[Meeting]:
    """All meetings of all the member's communities, from six months back; cancelled ones stay
    (as cancelled) so subscribed calendars drop them."""
    return (
        Meeting.objects.filter(
            community__memberships__member=member,
            starts_at__gte=timezone.now() - FEED_HISTORY,
        )
        .select_related("community")
        .order_by("starts_at", "pk")
    )


def member_for_calendar_token(*, token: str) -> User | None:
    if not token:
        return None
    feed_token = (
        CalendarFeedToken.objects.select_related("member")
        .filter(token=token, member__is_active=True)
        .first()
    )
    return feed_token.member if feed_token else None
