"""Meetings in the portal's search.

- A meeting (not cancelled) by its title, agenda and invited experts: public, as its page is
  (the address and the link, for members only, are not indexed).
- Its minutes: the community's members', or everyone's once a lead shared them.
- Each follow-up document by its title: the same, with the documents' sharing."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings.models import FollowUp, FollowUpDocument, Meeting
from search.registry import Audience, Document, SearchSource, register, watch


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + anchor


def _meeting_document(meeting: Meeting) -> Document | None:
    if meeting.is_cancelled:
        return None
    return Document(
        title=meeting.title,
        body="\n".join(part for part in (meeting.agenda, meeting.invited_experts) if part),
        url=_meeting_url(meeting),
        audience=Audience.PUBLIC,
        community_id=meeting.community_id,
        updated_at=meeting.updated_at,
    )


def _minutes_document(followup: FollowUp) -> Document | None:
    if not followup.minutes.strip():
        return None
    return Document(
        title=followup.meeting.title,
        body=followup.minutes,
        url=_meeting_url(followup.meeting, "#followup-heading"),
        audience=Audience.PUBLIC if followup.minutes_public else Audience.COMMUNITY,
        community_id=followup.meeting.community_id,
        updated_at=followup.updated_at,
    )


def _file_document(document: FollowUpDocument) -> Document:
    followup = document.followup
    return Document(
        title=document.label,
        body=followup.meeting.title,
        url=_meeting_url(followup.meeting, "#followup-heading"),
        audience=Audience.PUBLIC if followup.documents_public else Audience.COMMUNITY,
        community_id=followup.meeting.community_id,
        updated_at=document.uploaded_at,
    )


MEETINGS = register(
    SearchSource(
        name="meetings.meeting",
        label=_("Meeting"),
        queryset=lambda: Meeting.objects.all(),
        document=_meeting_document,
    )
)
MINUTES = register(
    SearchSource(
        name="meetings.minutes",
        label=_("Meeting minutes"),
        queryset=lambda: FollowUp.objects.select_related("meeting"),
        document=_minutes_document,
    )
)
DOCUMENTS = register(
    SearchSource(
        name="meetings.document",
        label=_("Meeting document"),
        queryset=lambda: FollowUpDocument.objects.select_related("followup__meeting"),
        document=_file_document,
    )
)


def _followup_of(meeting: Meeting) -> list[int]:
    return list(FollowUp.objects.filter(meeting_id=meeting.pk).values_list("pk", flat=True))


def _documents_of_followup(followup: FollowUp) -> list[int]:
    return list(followup.documents.values_list("pk", flat=True)) if followup.pk else []


def _documents_of_meeting(meeting: Meeting) -> list[int]:
    return list(
        FollowUpDocument.objects.filter(followup__meeting_id=meeting.pk).values_list(
            "pk", flat=True
        )
    )


watch(Meeting, MEETINGS)
watch(Meeting, MINUTES, pks=_followup_of)
watch(Meeting, DOCUMENTS, pks=_documents_of_meeting)
watch(FollowUp, MINUTES)
watch(FollowUp, DOCUMENTS, pks=_documents_of_followup)
watch(FollowUpDocument, DOCUMENTS)
