"""The e-mails about meetings: invitations, updates, cancellations and reminders, each in the
recipient's language with the meeting's .ics attached where a calendar should change.

Each function takes ids, loads fresh rows and sends through ``aimq_portal.mail.send_once`` with
a key naming the event and the recipient, so a task that runs twice sends nothing twice. Each
returns the number of messages actually sent."""

from django.utils import timezone

from aimq_portal.mail import absolute_url, build_email, language_of, send_once
from aimq_portal.models import EmailDelivery
from communities.models import Membership
from meetings import ics
from meetings.models import Meeting, Reminder, Rsvp, RsvpResponse
from members.models import User

TEMPLATES = "meetings/"
NOTICE_TEMPLATES = {
    "scheduled": "meeting_scheduled",
    "updated": "meeting_updated",
    "cancelled": "meeting_cancelled",
}


def _members(meeting: Meeting) -> list[User]:
    return list(
        User.objects.filter(
            memberships__community_id=meeting.community_id, is_active=True
        ).order_by("pk")
    )


def _build(*, recipient: User, template: str, context: dict, meeting: Meeting | None = None):
    def build():
        message = build_email(
            template=TEMPLATES + template,
            context=context,
            to=recipient.email,
            language=language_of(recipient),
        )
        if meeting is not None:
            method = "CANCEL" if meeting.is_cancelled else "REQUEST"
            # Recipients are the community's members: they may see the address and the link.
            message.attach(
                "meeting.ics",
                ics.meeting_calendar(meeting, include_private=True),
                f"text/calendar; method={method}; charset=UTF-8",
            )
        return message

    return build


def send_meeting_notice(meeting_id: int, sequence: int, kind: str) -> int:
    """The invitation, update or cancellation of revision ``sequence`` of a meeting. A notice
    overtaken by a later change is not sent: the later one carries the meeting as it is."""
    meeting = Meeting.objects.select_related("community").get(pk=meeting_id)
    if meeting.sequence != sequence:
        return 0
    if kind != "cancelled" and meeting.is_cancelled:
        return 0
    answers = {rsvp.member_id: rsvp for rsvp in Rsvp.objects.filter(meeting=meeting)}
    community_url = absolute_url("communities:detail", meeting.community.slug)
    meeting_url = absolute_url("meetings:detail", meeting.pk)
    sent = 0
    for recipient in _members(meeting):
        context = {
            "meeting": meeting,
            "community": meeting.community,
            "recipient": recipient,
            "rsvp": answers.get(recipient.pk),
            "community_url": community_url,
            "meeting_page_url": meeting_url,
        }
        sent += send_once(
            key=f"meeting:{meeting.pk}:seq:{sequence}:{kind}:to:{recipient.pk}",
            recipient=recipient.email,
            build=_build(
                recipient=recipient,
                template=NOTICE_TEMPLATES[kind],
                context=context,
                meeting=meeting,
            ),
        )
    return sent


def _reminder_still_wanted(reminder: Reminder) -> bool:
    meeting = reminder.meeting
    if meeting.is_cancelled or meeting.starts_at != reminder.for_starts_at:
        return False  # cancelled, or moved: the new time has its own reminders
    if timezone.now() >= meeting.starts_at or not reminder.member.is_active:
        return False
    if not Membership.objects.filter(
        community_id=meeting.community_id, member_id=reminder.member_id
    ).exists():
        return False
    return not Rsvp.objects.filter(
        meeting=meeting, member_id=reminder.member_id, response=RsvpResponse.DECLINED
    ).exists()


def send_reminder(reminder_id: int) -> int:
    reminder = Reminder.objects.select_related("meeting__community", "member").get(pk=reminder_id)
    if reminder.sent_at is not None or not _reminder_still_wanted(reminder):
        return 0
    meeting, member = reminder.meeting, reminder.member
    rsvp = Rsvp.objects.filter(meeting=meeting, member=member).first()
    response = rsvp.response if rsvp else ""
    # What the member's answer needs: the address to come in person, the link to join online,
    # both while a hybrid meeting awaits their answer.
    show_place = meeting.has_room and response in ("", RsvpResponse.IN_PERSON)
    show_link = meeting.is_online and response in ("", RsvpResponse.ONLINE)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "recipient": member,
        "rsvp": rsvp,
        "show_place": show_place,
        "show_link": show_link,
        "days_before": reminder.offset_minutes // (24 * 60),
        "community_url": absolute_url("communities:detail", meeting.community.slug),
        "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
    }
    key = f"meeting-reminder:{reminder.pk}"
    sent = send_once(
        key=key,
        recipient=member.email,
        build=_build(recipient=member, template="meeting_reminder", context=context),
    )
    if sent or EmailDelivery.objects.filter(key=key, sent_at__isnull=False).exists():
        Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return int(sent)


def send_answer_request(meeting_id: int, member_id: int, day: str) -> int:
    """A lead's "please answer" to a member who has not, at most once per meeting, member and
    day; nothing if the member answered or left meanwhile, or the meeting closed."""
    meeting = Meeting.objects.select_related("community").get(pk=meeting_id)
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None or meeting.is_cancelled or timezone.now() >= meeting.starts_at:
        return 0
    if not Membership.objects.filter(community_id=meeting.community_id, member=member).exists():
        return 0
    if Rsvp.objects.filter(meeting=meeting, member=member).exists():
        return 0
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "recipient": member,
        "show_place": meeting.has_room,
        "show_link": meeting.is_online,
        "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
    }
    return int(
        send_once(
            key=f"meeting:{meeting.pk}:answer-request:{day}:to:{member.pk}",
            recipient=member.email,
            build=_build(recipient=member, template="meeting_answer_request", context=context),
        )
    )
