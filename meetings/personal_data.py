"""The meetings' part of a member's personal data (``members.personal_data``): their answers,
places on waiting lists, attendance, reminders and calendar feed, and what they wrote as a lead
(meetings they scheduled, follow-ups and documents); registered in MeetingsConfig.ready()."""

from pathlib import PurePosixPath
from typing import Any

from django.utils import timezone

from meetings import emails
from meetings.models import (
    Attendance,
    CalendarFeedToken,
    FollowUp,
    FollowUpDocument,
    Meeting,
    Rsvp,
    SeatRequest,
)
from meetings.services import rsvp_withdraw_upcoming
from members.models import User
from members.personal_data import DataSubject, PersonalDataPart, coded
from notifications.selectors import messages_sent_to

SECTIONS = (
    "meeting_answers",
    "meeting_seat_requests",
    "attendance",
    "meeting_reminders",
    "calendar_feed",
    "meetings_scheduled",
    "followups_written",
    "followup_documents_uploaded",
)


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "community": meeting.community.name,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "cancelled": meeting.is_cancelled,
    }


def export(subject: DataSubject) -> dict[str, Any]:
    """Nine queries. The calendar feed's secret is not included: only whether one exists."""
    user = subject.user
    answers = Rsvp.objects.filter(member=user).select_related("meeting__community")
    seat_requests = SeatRequest.objects.filter(member=user).select_related("meeting__community")
    attendance = Attendance.objects.filter(member=user).select_related("meeting__community")
    reminders = list(
        messages_sent_to(user_id=user.pk, addresses=subject.addresses, kind=emails.REMINDER)
    )
    reminded_meetings = Meeting.objects.select_related("community").in_bulk(
        {message.params["meeting"] for message in reminders}
    )
    feed = CalendarFeedToken.objects.filter(member=user).only("created_at").first()
    scheduled = Meeting.objects.filter(created_by=user).select_related("community")
    followups = FollowUp.objects.filter(updated_by=user).select_related("meeting__community")
    documents = FollowUpDocument.objects.filter(uploaded_by=user).select_related(
        "followup__meeting__community"
    )
    return {
        "meeting_answers": [
            {
                "meeting": _meeting(answer.meeting),
                "answer": coded(answer.response, answer.get_response_display()),
                "stays_for_lunch": answer.stays_for_lunch,
                "dietary_needs": answer.dietary_needs,
                "answered_at": answer.updated_at,
            }
            for answer in answers.order_by("meeting__starts_at", "pk")
        ],
        # Their places on waiting lists for a seat, and the offers they were made.
        "meeting_seat_requests": [
            {
                "meeting": _meeting(request.meeting),
                "status": coded(request.status, request.get_status_display()),
                "asked_at": request.created_at,
                "offered_at": request.offered_at,
                "offer_expires_at": request.offer_expires_at,
                "closed_at": request.closed_at,
            }
            for request in seat_requests.order_by("created_at", "pk")
        ],
        "attendance": [
            {
                "meeting": _meeting(record.meeting),
                "mode": coded(record.mode, record.get_mode_display()),
                "recorded_at": record.recorded_at,
            }
            for record in attendance.order_by("meeting__starts_at", "pk")
        ],
        "meeting_reminders": [
            {
                "meeting": _meeting(reminded_meetings[message.params["meeting"]]),
                "sent_at": message.sent_at,
            }
            for message in reminders
            if message.params["meeting"] in reminded_meetings
        ],
        "calendar_feed": {
            "exists": feed is not None,
            "created_at": feed.created_at if feed else None,
        },
        # What they wrote as a lead.
        "meetings_scheduled": [
            {
                "meeting": _meeting(meeting),
                "scheduled_at": meeting.created_at,
                "agenda": meeting.agenda,
                "invited_experts": meeting.invited_experts,
            }
            for meeting in scheduled.order_by("starts_at", "pk")
        ],
        "followups_written": [
            {
                "meeting": _meeting(followup.meeting),
                "minutes": followup.minutes,
                "recording_url": followup.recording_url,
                "speakers": followup.speakers,
                "public_summary": followup.public_summary,
                "updated_at": followup.updated_at,
            }
            for followup in followups.order_by("meeting__starts_at", "pk")
        ],
        "followup_documents_uploaded": [
            {
                "meeting": _meeting(document.followup.meeting),
                "title": document.title,
                "file_name": PurePosixPath(document.file.name).name,
                "uploaded_at": document.uploaded_at,
            }
            for document in documents.order_by("uploaded_at", "pk")
        ],
    }


def erase(subject: DataSubject) -> None:
    """Withdraws the member's answers to every meeting that has not started (those of the
    communities they just left are already gone), clears the dietary needs of the answers kept
    as history, and deletes their calendar feed. Meetings, follow-ups and documents they wrote
    as a lead stay: they belong to the community; their name goes from them (``scheduled by``
    reads "Former member")."""
    user = subject.user
    rsvp_withdraw_upcoming(member=user)
    Rsvp.objects.filter(member=user).exclude(dietary_needs="").update(dietary_needs="")
    CalendarFeedToken.objects.filter(member=user).delete()


def closure_context(user: User) -> dict[str, Any]:
    return {
        "upcoming_answers": Rsvp.objects.filter(
            member=user, meeting__starts_at__gt=timezone.now()
        ).count()
    }


PART = PersonalDataPart(
    name="meetings",
    sections=SECTIONS,
    export=export,
    erase=erase,
    closure_template="meetings/includes/account_close_summary.html",
    closure_context=closure_context,
)
