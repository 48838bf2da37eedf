"""The e-mails about meetings: invitations, updates, cancellations, reminders, a lead's
"please answer" and the waiting list's seat offers, each in the recipient's language, with the
meeting's .ics attached where a calendar should change. The agenda is written as the lead typed
it in the text part and formatted in the HTML part (``FormattedText``).

The ``notify_*`` functions are called by the services inside their transaction and write the
messages to the outbox (``notifications``). The builders below turn them into e-mails when the
relay sends them, from fresh rows: a notice overtaken by a later change of the meeting, or a
reminder of a meeting cancelled, moved or declined meanwhile, is skipped. Reminders are built a
batch at a time (thousands can fall due at once), in a fixed number of queries per batch."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.html import escape

from communities.models import Membership
from meetings import formatting, ics
from meetings.models import FollowUp, Meeting, MeetingFormat, Rsvp, RsvpResponse, SeatRequest
from meetings.models import SeatRequestStatus as SeatStatus
from members.models import User
from notifications.models import OutboxMessage
from notifications.registry import Skip, batch_message_kind, message_kind
from notifications.rendering import (
    FormattedText,
    absolute_url,
    address_of,
    email_of,
    html_of,
    render_for,
    render_text,
)
from notifications.services import outbox_enqueue, outbox_messages

NOTICE = "meetings.notice"
REMINDER = "meetings.reminder"
ANSWER_REQUEST = "meetings.answer_request"
SEAT_OFFER = "meetings.seat_offer"
SEAT_OFFER_EXPIRED = "meetings.seat_offer_expired"

NOTICE_TEMPLATES = {
    "scheduled": "meetings/meeting_scheduled",
    "updated": "meetings/meeting_updated",
    "cancelled": "meetings/meeting_cancelled",
}


def _members(meeting: Meeting) -> list[User]:
    return list(
        User.objects.filter(memberships__community_id=meeting.community_id, is_active=True)
        .only("pk", "email")
        .order_by("pk")
    )


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# Written by the services, in their transaction


# What an update e-mail compares: the time, the place, the format and the link.
CHANGE_FIELDS = ("starts_at", "ends_at", "format", "venue_name", "address", "meeting_url")


def _as_param(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _previous_told(meeting: Meeting, previous: dict) -> dict:
    """The values the members last heard of. An update still waiting in the outbox will be
    skipped for this one (its sequence is overtaken): its own "before" is what they knew, so
    this e-mail compares with it, field by field."""
    told = {field: _as_param(previous[field]) for field in CHANGE_FIELDS if field in previous}
    waiting = (
        OutboxMessage.objects.pending()
        .filter(
            kind=NOTICE,
            params__meeting=meeting.pk,
            params__notice="updated",
        )
        .order_by("pk")
        .values_list("params", flat=True)
        .first()
    )
    if waiting and waiting.get("previous"):
        told.update(waiting["previous"])
    return told


def notify_meeting_changed(meeting: Meeting, kind: str, *, previous: dict | None = None) -> None:
    """The invitation, update or cancellation of the meeting as it is now (its ``sequence``),
    to the community's members. An update records ``previous`` (the fields before the change)
    so its e-mail says what changed."""
    params = {"meeting": meeting.pk, "sequence": meeting.sequence, "notice": kind}
    if previous is not None:
        params["previous"] = _previous_told(meeting, previous)
    outbox_enqueue(
        kind=NOTICE,
        key=f"meeting:{meeting.pk}:seq:{meeting.sequence}:{kind}",
        recipients=_members(meeting),
        params=params,
    )


def notify_seat_offer(request: SeatRequest) -> None:
    """A seat is held for the member until the offer's deadline."""
    outbox_enqueue(
        kind=SEAT_OFFER,
        key=f"meeting:{request.meeting_id}:seat-request:{request.pk}:offer",
        recipients=[request.member],
        params={"meeting": request.meeting_id, "seat_request": request.pk},
    )


def notify_seat_offer_expired(request: SeatRequest) -> None:
    """The deadline passed: the seat went to the next in line; the member may ask again."""
    outbox_enqueue(
        kind=SEAT_OFFER_EXPIRED,
        key=f"meeting:{request.meeting_id}:seat-request:{request.pk}:expired",
        recipients=[request.member],
        params={"meeting": request.meeting_id, "seat_request": request.pk},
    )


def reminder_messages(
    meeting: Meeting, *, offset_minutes: int, recipients: Iterable
) -> list[OutboxMessage]:
    """The reminder ``offset_minutes`` before the meeting's current start, one message per
    recipient, for the sweep to write with the others it finds due (``outbox_write``)."""
    return outbox_messages(
        kind=REMINDER,
        key=f"meeting:{meeting.pk}:reminder:{offset_minutes}:{_stamp(meeting.starts_at)}",
        recipients=recipients,
        params={
            "meeting": meeting.pk,
            "offset_minutes": offset_minutes,
            "for_starts_at": meeting.starts_at.isoformat(),
        },
    )


def notify_answer_requested(meeting: Meeting, *, members: Iterable, day: str) -> int:
    """A lead asks those who have not answered to answer: once per member and day."""
    return outbox_enqueue(
        kind=ANSWER_REQUEST,
        key=f"meeting:{meeting.pk}:answer-request:{day}",
        recipients=members,
        params={"meeting": meeting.pk},
    )


# Built by the relay, when sent


def _with_calendar(email, meeting: Meeting):
    if isinstance(email, Skip):
        return email
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    # Recipients are the community's members: they may see the address and the link.
    email.attach(
        "meeting.ics",
        ics.meeting_calendar(meeting, include_private=True),
        f"text/calendar; method={method}; charset=UTF-8",
    )
    return email


def _meetings_of(messages: list[OutboxMessage]) -> dict[int, Meeting]:
    ids = {message.params["meeting"] for message in messages}
    return Meeting.objects.select_related("community").in_bulk(ids)


def _answers_of(messages: list[OutboxMessage]) -> dict[tuple[int, int], Rsvp]:
    meeting_ids = {message.params["meeting"] for message in messages}
    member_ids = {message.recipient_id for message in messages if message.recipient_id}
    answers = Rsvp.objects.filter(meeting_id__in=meeting_ids, member_id__in=member_ids)
    return {(answer.meeting_id, answer.member_id): answer for answer in answers}


def _memberships_of(messages: list[OutboxMessage], meetings: dict[int, Meeting]) -> set:
    community_ids = {meeting.community_id for meeting in meetings.values()}
    member_ids = {message.recipient_id for message in messages if message.recipient_id}
    return set(
        Membership.objects.filter(
            community_id__in=community_ids, member_id__in=member_ids
        ).values_list("community_id", "member_id")
    )


def agenda_of(meeting: Meeting) -> FormattedText | None:
    """The agenda as typed (text part) and formatted (HTML part); None when there is none."""
    text = formatting.to_plain_text(meeting.agenda)
    if not text:
        return None
    return FormattedText(text=text, html=formatting.to_html(meeting.agenda))


@dataclass(frozen=True)
class Change:
    """One thing an update changed: ``what`` is "when", "format", "place" or "link"; ``before``
    and ``after`` are what the template writes (a time span for "when")."""

    what: str
    before: object
    after: object


@dataclass(frozen=True)
class Span:
    starts_at: datetime
    ends_at: datetime


def _place(venue_name: str, address: str) -> str:
    return ", ".join(part for part in (venue_name, " ".join((address or "").split())) if part)


def changes_of(meeting: Meeting, previous: dict | None) -> list[Change]:
    """What an update changed, from the values the service recorded (``previous``) to the
    meeting as it is when the e-mail is built."""
    if not previous:
        return []
    changes = []
    before = Span(
        datetime.fromisoformat(previous["starts_at"]), datetime.fromisoformat(previous["ends_at"])
    )
    if (before.starts_at, before.ends_at) != (meeting.starts_at, meeting.ends_at):
        changes.append(Change("when", before, Span(meeting.starts_at, meeting.ends_at)))
    if previous["format"] != meeting.format:
        changes.append(
            Change("format", MeetingFormat(previous["format"]).label, meeting.get_format_display())
        )
    place_before = _place(previous["venue_name"], previous["address"])
    place_after = _place(meeting.venue_name, meeting.address) if meeting.has_room else ""
    if place_before != place_after:
        changes.append(Change("place", place_before, place_after))
    link_after = meeting.meeting_url if meeting.is_online else ""
    if previous["meeting_url"] != link_after:
        changes.append(Change("link", previous["meeting_url"], link_after))
    return changes


@batch_message_kind(NOTICE)
def build_notices(messages: list[OutboxMessage]) -> dict:
    meetings = _meetings_of(messages)
    answers = _answers_of(messages)
    agendas = {pk: agenda_of(meeting) for pk, meeting in meetings.items()}
    built = {}
    for message in messages:
        meeting = meetings.get(message.params["meeting"])
        notice = message.params["notice"]
        if meeting is None:
            built[message.pk] = Skip("the meeting is gone")
        elif meeting.sequence != message.params["sequence"]:
            # A cancellation raises the sequence too: an invitation overtaken by it goes here.
            built[message.pk] = Skip("a later change of the meeting was sent instead")
        else:
            email = render_for(
                message,
                template=NOTICE_TEMPLATES[notice],
                context={
                    "meeting": meeting,
                    "community": meeting.community,
                    "agenda": agendas[meeting.pk],
                    "changes": changes_of(meeting, message.params.get("previous")),
                    "rsvp": answers.get((meeting.pk, message.recipient_id)),
                    "community_url": absolute_url("communities:detail", meeting.community.slug),
                    "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
                },
            )
            built[message.pk] = _with_calendar(email, meeting)
    return built


def _reminder_skip_reason(
    message: OutboxMessage, meeting: Meeting | None, is_member: bool, answer: Rsvp | None
) -> str:
    """Why a claimed reminder must not go out any more; empty when it must."""
    if meeting is None:
        return "the meeting is gone"
    if meeting.is_cancelled:
        return "the meeting was cancelled"
    if meeting.starts_at != datetime.fromisoformat(message.params["for_starts_at"]):
        return "the meeting was moved: its new time has its own reminders"
    if timezone.now() >= meeting.starts_at:
        return "the meeting has started"
    if not is_member:
        return "the recipient left the community"
    if answer is not None and answer.response == RsvpResponse.DECLINED:
        return "the recipient declined"
    return ""


# Where the recipient's name goes in a reminder rendered once for many recipients.
_NAME = "\x00name\x00"


@dataclass(frozen=True)
class _Anyone:
    """The recipient as the reminder's template sees it when it is rendered once for all the
    members of a meeting who gave the same answer: a name to fill in afterwards."""

    first_name: str = _NAME
    email: str = _NAME


@batch_message_kind(REMINDER)
def build_reminders(messages: list[OutboxMessage]) -> dict:
    """Thousands of reminders can fall due at once: a reminder's text differs between members
    of one meeting only by their name and their answer, so it is rendered (subject, text and
    HTML) once per meeting, language and answer, and each member's name filled in."""
    meetings = _meetings_of(messages)
    answers = _answers_of(messages)
    memberships = _memberships_of(messages, meetings)
    rendered: dict[tuple, tuple[str, str, str]] = {}
    agendas: dict[int, FormattedText | None] = {}
    built = {}
    for message in messages:
        meeting = meetings.get(message.params["meeting"])
        answer = answers.get((message.params["meeting"], message.recipient_id))
        is_member = meeting is not None and (meeting.community_id, message.recipient_id) in (
            memberships
        )
        reason = _reminder_skip_reason(message, meeting, is_member, answer)
        address = address_of(message)
        if reason or isinstance(address, Skip):
            built[message.pk] = Skip(reason) if reason else address
            continue
        to, language = address
        response = answer.response if answer else ""
        version = (meeting.pk, language, response, message.params["offset_minutes"])
        if meeting.pk not in agendas:
            agendas[meeting.pk] = agenda_of(meeting)
        if version not in rendered:
            subject, text = render_text(
                template="meetings/meeting_reminder",
                language=language,
                context={
                    "meeting": meeting,
                    "community": meeting.community,
                    "agenda": agendas[meeting.pk],
                    "recipient": _Anyone(),
                    "rsvp": answer,
                    # What the answer needs: the address to come in person, the link to join
                    # online, both while a hybrid meeting awaits an answer.
                    "show_place": meeting.has_room and response in ("", RsvpResponse.IN_PERSON),
                    "show_link": meeting.is_online and response in ("", RsvpResponse.ONLINE),
                    "days_before": message.params["offset_minutes"] // (24 * 60),
                    "community_url": absolute_url("communities:detail", meeting.community.slug),
                    "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
                },
            )
            # The HTML part too: the name is escaped where it goes, as the layout would have.
            html = html_of(
                subject=subject,
                text=text,
                language=language,
                formatted=[agendas[meeting.pk]] if agendas[meeting.pk] else (),
            )
            rendered[version] = (subject, text, html)
        subject, text, html = rendered[version]
        name = message.recipient.first_name or message.recipient.email
        built[message.pk] = email_of(
            subject=subject.replace(_NAME, name),
            text=text.replace(_NAME, name),
            html=html.replace(_NAME, escape(name)),
            to=to,
            language=language,
            key=message.key,
        )
    return built


@message_kind(ANSWER_REQUEST)
def build_answer_request(message: OutboxMessage):
    meeting = (
        Meeting.objects.select_related("community").filter(pk=message.params["meeting"]).first()
    )
    if meeting is None or meeting.is_cancelled or timezone.now() >= meeting.starts_at:
        return Skip("the meeting was cancelled or has started")
    member_id = message.recipient_id
    if not Membership.objects.filter(
        community_id=meeting.community_id, member_id=member_id
    ).exists():
        return Skip("the recipient left the community")
    if Rsvp.objects.filter(meeting=meeting, member_id=member_id).exists():
        return Skip("the recipient answered meanwhile")
    return render_for(
        message,
        template="meetings/meeting_answer_request",
        context={
            "meeting": meeting,
            "community": meeting.community,
            "agenda": agenda_of(meeting),
            "show_place": meeting.has_room,
            "show_link": meeting.is_online,
            "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
        },
    )


# A follow-up posted (minutes, a recording, documents): one e-mail per posting

FOLLOWUP_POSTED = "meetings.followup_posted"


def notify_followup_posted(followup: FollowUp, *, posted: list[str], posted_by: User) -> int:
    """Tells the community's members (not the lead who posted) that the follow-up of a meeting
    has something new. One message per posting (``posting_revision``), whatever it holds."""
    meeting = followup.meeting
    members = [member for member in _members(meeting) if member.pk != posted_by.pk]
    return outbox_enqueue(
        kind=FOLLOWUP_POSTED,
        key=f"followup:{followup.pk}:posting:{followup.posting_revision}",
        recipients=members,
        params={
            "followup": followup.pk,
            "revision": followup.posting_revision,
            "posted": posted,
        },
    )


@message_kind(FOLLOWUP_POSTED)
def build_followup_posted(message: OutboxMessage):
    followup = (
        FollowUp.objects.select_related("meeting__community")
        .filter(pk=message.params["followup"])
        .first()
    )
    if followup is None:
        return Skip("the follow-up is gone")
    if followup.posting_revision != message.params["revision"]:
        # Posted again before this went out: the later message tells everything at once.
        return Skip("a later posting of the follow-up was sent instead")
    meeting = followup.meeting
    if not Membership.objects.filter(
        community_id=meeting.community_id, member_id=message.recipient_id
    ).exists():
        return Skip("the recipient left the community")
    documents = list(followup.documents.all())
    if not (followup.minutes or followup.recording_url or documents):
        return Skip("nothing is left to tell of")
    return render_for(
        message,
        template="meetings/followup_posted",
        context={
            "meeting": meeting,
            "community": meeting.community,
            "followup": followup,
            "documents": documents,
            "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
        },
    )


def _seat_request_of(message: OutboxMessage) -> SeatRequest | None:
    return (
        SeatRequest.objects.select_related("meeting__community")
        .filter(pk=message.params["seat_request"])
        .first()
    )


@message_kind(SEAT_OFFER)
def build_seat_offer(message: OutboxMessage):
    request = _seat_request_of(message)
    if request is None:
        return Skip("the seat request is gone")
    if request.status != SeatStatus.OFFERED:
        return Skip("the offer was taken, declined or expired meanwhile")
    meeting = request.meeting
    if meeting.is_cancelled or timezone.now() >= request.offer_expires_at:
        return Skip("the meeting was cancelled or the offer's deadline passed")
    return render_for(
        message,
        template="meetings/seat_offer",
        context={
            "meeting": meeting,
            "community": meeting.community,
            "deadline": request.offer_expires_at,
            "show_place": True,
            "show_link": False,
            "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
        },
    )


@message_kind(SEAT_OFFER_EXPIRED)
def build_seat_offer_expired(message: OutboxMessage):
    request = _seat_request_of(message)
    if request is None or request.status != SeatStatus.EXPIRED:
        return Skip("the seat request is gone")
    meeting = request.meeting
    if meeting.is_cancelled or timezone.now() >= meeting.starts_at:
        return Skip("the meeting was cancelled or has started")
    return render_for(
        message,
        template="meetings/seat_offer_expired",
        context={
            "meeting": meeting,
            "community": meeting.community,
            "deadline": request.offer_expires_at,
            "meeting_page_url": absolute_url("meetings:detail", meeting.pk),
        },
    )
