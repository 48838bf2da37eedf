"""Public talks in the portal's search: the recordings a lead shared with everyone, found by
their title, speakers, summary and community, as the talks pages show them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings.models import FollowUp, Meeting
from search.registry import Audience, Document, SearchSource, register, watch


def _document(followup: FollowUp) -> Document | None:
    if not followup.is_public_talk:
        return None
    meeting = followup.meeting
    return Document(
        title=meeting.title,
        body="\n".join(part for part in (followup.speakers_shown, followup.public_summary) if part),
        url=reverse("talks:detail", args=[meeting.pk]),
        audience=Audience.PUBLIC,
        community_id=meeting.community_id,
        updated_at=followup.published_at or followup.updated_at,
    )


SOURCE = register(
    SearchSource(
        name="talks.talk",
        label=_("Talk"),
        queryset=lambda: FollowUp.objects.select_related("meeting"),
        document=_document,
    )
)
watch(FollowUp, SOURCE)
watch(
    Meeting,
    SOURCE,
    pks=lambda meeting: FollowUp.objects.filter(meeting_id=meeting.pk).values_list("pk", flat=True),
)
