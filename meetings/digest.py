"""The meetings' section of the weekly digest: the upcoming meetings of the member's
communities in the next weeks. Only those scheduled since the member's last digest are news;
the others are listed as a reminder, and alone do not make a digest worth sending."""

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from digest.registry import DigestItem, DigestRequest, digest_section
from meetings.models import Meeting
from notifications.rendering import absolute_url

WEEKS_AHEAD = 4


def _item(meeting: Meeting) -> DigestItem:
    starts_at = timezone.localtime(meeting.starts_at)
    when = f"{date_format(starts_at, 'l')} {date_format(starts_at, 'DATETIME_FORMAT')}"
    return DigestItem(
        title=meeting.title,
        url=absolute_url("meetings:detail", meeting.pk),
        detail=f"{when}, {meeting.get_format_display().lower()}",
    )


@digest_section("meetings", title=_("Upcoming meetings"), order=30)
def upcoming_meetings(request: DigestRequest) -> dict[tuple[int, int], list[DigestItem]]:
    """One query for the whole batch."""
    meetings = Meeting.objects.filter(
        community_id__in=request.all_communities,
        cancelled_at__isnull=True,
        starts_at__gte=request.now,
        starts_at__lt=request.now + timedelta(weeks=WEEKS_AHEAD),
    ).order_by("starts_at", "pk")
    return request.per_member(meetings, item=_item, news_only=False)
