"""Every change with business meaning to meetings, answers, reminders and follow-ups.

In-person seats are a count that must hold under concurrency: ``rsvp_set`` (and any change of
the seat limit) starts by locking the meeting's row (``SELECT ... FOR UPDATE``), then recounts.
E-mails are written to the outbox in the same transaction as the change they tell of (see
meetings.emails and notifications)."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Membership
from communities.permissions import is_member
from meetings import emails, formatting, permissions, seats
from meetings.models import (
    Attendance,
    AttendanceMode,
    CalendarFeedToken,
    FollowUp,
    FollowUpDocument,
    Meeting,
    MeetingFormat,
    MeetingReminder,
    Rsvp,
    RsvpResponse,
    SeatRequest,
    SeatRequestStatus,
    new_calendar_token,
)
from members.models import User
from notifications.recipients import Recipient
from notifications.services import outbox_write

LOCAL_ZONE = ZoneInfo("America/Montreal")
DEFAULT_REMINDER_OFFSETS = [timedelta(days=7), timedelta(days=1)]
# A reminder is sent only within this window after it fell due. Beat runs every 15 minutes, so
# 12 hours absorbs a long outage of the worker or beat; beyond that a "7 days before" reminder
# would arrive days late (meeting scheduled 2 days ahead, member who joined after the offset,
# beat down for a weekend) and say something untrue, so it is skipped rather than caught up.
REMINDER_GRACE = timedelta(hours=12)

# Changing these fields changes the calendar event: SEQUENCE is raised.
CALENDAR_FIELDS = (
    "title",
    "agenda",
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "address",
    "meeting_url",
)
# Changing these is news a member must act upon: they are e-mailed the update.
NOTIFY_FIELDS = ("starts_at", "ends_at", "format", "venue_name", "address", "meeting_url")
EDITABLE_FIELDS = (
    *CALENDAR_FIELDS,
    "in_person_seats",
    "invited_experts",
    "lunch_provided",
    "education_hours",
)


class RoomFull(ValidationError):
    """No in-person seat is left; the member may attend online (hybrid) or wait for a seat."""


class MeetingClosed(ValidationError):
    """The meeting is cancelled or has started: answers can no longer change."""


def _lock_meeting(meeting_id: int) -> Meeting:
    # The meeting's row only ("of self"), not the community's it joins: services of the
    # communities app lock the community first and then its meetings (a member leaving withdraws
    # their answers, ``rsvp_withdraw_upcoming``); locking both here, meeting first, could
    # deadlock with them.
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=meeting_id)
    )


def typed_text(text: str) -> str:
    """An agenda or minutes as the lead typed them (see meetings.formatting: they are
    formatted, and cleaned, when shown)."""
    return formatting.to_plain_text(text)


def _validate(meeting: Meeting) -> None:
    """Field validators (https only, lengths) and the format rules of Meeting.clean()."""
    meeting.full_clean(exclude=["community", "created_by"])


def meeting_schedule(
    *,
    community: Community,
    scheduled_by: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    format: str,
    agenda: str = "",
    venue_name: str = "",
    address: str = "",
    meeting_url: str = "",
    in_person_seats: int | None = None,
    invited_experts: str = "",
    lunch_provided: bool = False,
    education_hours: Decimal | None = None,
) -> Meeting:
    if not permissions.can_manage_meetings(scheduled_by, community):
        raise PermissionDenied
    meeting = Meeting(
        community=community,
        created_by=scheduled_by,
        title=(title or "").strip(),
        agenda=typed_text(agenda),
        starts_at=starts_at,
        ends_at=ends_at,
        format=format,
        venue_name=(venue_name or "").strip(),
        address=(address or "").strip(),
        meeting_url=(meeting_url or "").strip(),
        in_person_seats=in_person_seats,
        invited_experts=(invited_experts or "").strip(),
        lunch_provided=lunch_provided,
        education_hours=education_hours,
    )
    if meeting.starts_at and meeting.starts_at <= timezone.now():
        raise ValidationError(
            {"starts_at": _("A new meeting must start in the future.")}, code="past"
        )
    _validate(meeting)
    with transaction.atomic():
        meeting.save()
        emails.notify_meeting_changed(meeting, "scheduled")
    return meeting


def meeting_update(*, meeting: Meeting, updated_by: User, **changes) -> Meeting:
    """Applies ``changes`` (any of EDITABLE_FIELDS). Raises SEQUENCE when the calendar event
    changes and e-mails the members an updated invitation when the time, place, format or link
    changed. Answers the new format no longer allows are cleared: those members are told and
    answer again."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields: {sorted(unknown)}")
    if "agenda" in changes:
        changes["agenda"] = typed_text(changes["agenda"])
    for field in ("title", "venue_name", "address", "meeting_url", "invited_experts"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if not permissions.can_manage_meetings(updated_by, meeting.community):
            raise PermissionDenied
        if meeting.is_cancelled:
            raise MeetingClosed(_("This meeting is cancelled."), code="cancelled")
        changed = {f for f, value in changes.items() if getattr(meeting, f) != value}
        if not changed:
            return meeting
        # What the members were told, for the e-mail that says what changed.
        previous = {field: getattr(meeting, field) for field in NOTIFY_FIELDS}
        for field in changed:
            setattr(meeting, field, changes[field])
        # A meeting that is over may still be corrected (its title, its agenda), but nobody can
        # answer or be reminded of a time that has passed.
        if "starts_at" in changed and meeting.starts_at <= timezone.now():
            raise ValidationError(
                {"starts_at": _("A meeting cannot be moved to a time that has passed.")},
                code="past",
            )
        _validate(meeting)
        if "format" in changed:
            Rsvp.objects.filter(meeting=meeting).exclude(
                response__in=meeting.allowed_responses
            ).delete()
        if meeting.in_person_seats is not None and "in_person_seats" in changed:
            # Seats held by offers count: their members were promised one.
            answered = seats.seats_taken(meeting)
            if answered > meeting.in_person_seats:
                raise ValidationError(
                    {
                        "in_person_seats": _(
                            "%(count)d members already answered in person or were offered a "
                            "seat: the room needs at least that many seats."
                        )
                        % {"count": answered}
                    },
                    code="seats_below_answers",
                )
        if changed & set(CALENDAR_FIELDS):
            meeting.sequence += 1
        meeting.save()
        now = timezone.now()
        if not meeting.has_room:
            seats.close_all(meeting, now)
        else:
            if "starts_at" in changed:
                seats.shorten_offers(meeting, now)
            # More seats, no limit any more, or online answers cleared: the line moves.
            seats.offer_free_seats(meeting, now)
        if changed & set(NOTIFY_FIELDS):
            emails.notify_meeting_changed(meeting, "updated", previous=previous)
    return meeting


def meeting_cancel(*, meeting: Meeting, cancelled_by: User) -> Meeting:
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if not permissions.can_manage_meetings(cancelled_by, meeting.community):
            raise PermissionDenied
        if meeting.is_cancelled:
            return meeting  # a double click cancels once and e-mails once
        if timezone.now() >= meeting.starts_at:
            raise MeetingClosed(
                _("This meeting has started: it can no longer be cancelled."), code="started"
            )
        meeting.cancelled_at = timezone.now()
        meeting.sequence += 1
        meeting.save(update_fields=["cancelled_at", "sequence", "updated_at"])
        seats.close_all(meeting, meeting.cancelled_at)
        emails.notify_meeting_changed(meeting, "cancelled")
    return meeting


def _answers_closed(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise MeetingClosed(_("This meeting is cancelled."), code="cancelled")
    if timezone.now() >= meeting.starts_at:
        raise MeetingClosed(
            _("This meeting has started: answers can no longer change."), code="started"
        )


def _settle_lapsed_offers(meeting: Meeting) -> None:
    """A deadline that passed is passed, whether or not the sweep came by yet: before an answer
    is weighed, the meeting's lapsed offers expire and their seats go to the next in line. In
    its own transaction, so that a refused answer does not take the expiry back with it."""
    now = timezone.now()
    if SeatRequest.objects.offers().filter(meeting=meeting, offer_expires_at__lte=now).exists():
        with transaction.atomic():
            seats.expire_due_offers(_lock_meeting(meeting.pk), now)


def rsvp_set(
    *,
    meeting: Meeting,
    member: User,
    response: str,
    stays_for_lunch: bool = False,
    dietary_needs: str = "",
) -> Rsvp:
    """Records or changes a member's answer until the meeting starts. An in-person answer
    takes a seat if the room has one left, or the seat offered to the member (counted under
    the meeting's row lock, see meetings.seats); a seat given back is offered to the next
    member on the waiting list."""
    _settle_lapsed_offers(meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if not is_member(member, meeting.community):
            raise PermissionDenied
        _answers_closed(meeting)
        if response not in meeting.allowed_responses:
            raise ValidationError(
                {"response": _("This answer does not fit the format of this meeting.")},
                code="format",
            )
        if stays_for_lunch and response != RsvpResponse.IN_PERSON:
            # Refused rather than dropped: the member believes they are counted for lunch.
            raise ValidationError(
                {
                    "stays_for_lunch": ValidationError(
                        _("Lunch is for those who attend in person."), code="lunch_not_in_person"
                    )
                }
            )
        now = timezone.now()
        if (
            response == RsvpResponse.IN_PERSON
            and meeting.in_person_seats is not None
            and seats.seats_taken(meeting, excluding=member) >= meeting.in_person_seats
        ):
            if meeting.format == MeetingFormat.HYBRID:
                message = _(
                    "The room is full (%(seats)d seats). You can attend online, and ask for a "
                    "seat: you will be offered one by e-mail if one frees up."
                )
            else:
                message = _(
                    "The room is full (%(seats)d seats). Ask for a seat: you will be offered "
                    "one by e-mail if one frees up."
                )
            # params, not "%": the message is translated when shown, in the reader's language.
            raise RoomFull(message, code="room_full", params={"seats": meeting.in_person_seats})
        previous = Rsvp.objects.filter(meeting=meeting, member=member).first()
        eats = response == RsvpResponse.IN_PERSON and meeting.lunch_provided and stays_for_lunch
        rsvp, _created = Rsvp.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "response": response,
                "stays_for_lunch": eats,
                "dietary_needs": (dietary_needs or "").strip()[:300] if eats else "",
            },
        )
        gave_back_offer = seats.answered(meeting, member, response, now)
        gave_back_seat = (
            previous is not None
            and previous.response == RsvpResponse.IN_PERSON
            and response != RsvpResponse.IN_PERSON
        )
        if gave_back_offer or gave_back_seat:
            seats.offer_free_seats(meeting, now)
    return rsvp


# Waiting list for in-person seats (the rule: meetings.seats)


def seat_request_create(*, meeting: Meeting, member: User) -> SeatRequest:
    """Puts the member in line for a seat of a full room; asking twice keeps one place."""
    _settle_lapsed_offers(meeting)
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        if not is_member(member, meeting.community):
            raise PermissionDenied
        _answers_closed(meeting)
        existing = SeatRequest.objects.open().filter(meeting=meeting, member=member).first()
        if existing is not None:
            return existing  # a double click: one place in line
        now = timezone.now()
        if not meeting.has_room or meeting.in_person_seats is None:
            raise ValidationError(
                _("This meeting has no limit on seats: answer that you will attend in person."),
                code="no_limit",
            )
        if Rsvp.objects.filter(
            meeting=meeting, member=member, response=RsvpResponse.IN_PERSON
        ).exists():
            raise ValidationError(_("You already have a seat in the room."), code="has_seat")
        if seats.seats_taken(meeting) < meeting.in_person_seats:
            raise ValidationError(
                _("A seat is free: answer that you will attend in person to take it."),
                code="seat_free",
            )
        if seats.offer_deadline(meeting, now) is None:
            raise ValidationError(
                _(
                    "The meeting is too close for a waiting list. If a seat frees up, the first "
                    "member to answer in person takes it."
                ),
                code="too_late",
            )
        try:
            with transaction.atomic():
                return SeatRequest.objects.create(meeting=meeting, member=member)
        except IntegrityError:
            # Unreachable under the lock; the constraint stays the last word.
            return SeatRequest.objects.open().get(meeting=meeting, member=member)


def seat_request_withdraw(*, meeting: Meeting, member: User) -> SeatRequest | None:
    """The member leaves the line, or declines the seat offered to them (which goes to the next
    in line). Returns the request closed, None when the member had none."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting.pk)
        request = SeatRequest.objects.open().filter(meeting=meeting, member=member).first()
        if request is None:
            return None
        now = timezone.now()
        was_offer = request.status == SeatRequestStatus.OFFERED
        seats.close(
            request, SeatRequestStatus.DECLINED if was_offer else SeatRequestStatus.WITHDRAWN, now
        )
        if was_offer:
            seats.offer_free_seats(meeting, now)
    return request


def seat_offers_expire_due(*, now: datetime | None = None) -> int:
    """The sweep (every minute): expires the offers whose deadline passed and offers their
    seats to the next in line. Each meeting under its row lock, one transaction each; returns
    how many offers expired."""
    now = now or timezone.now()
    meeting_ids = sorted(
        set(
            SeatRequest.objects.offers()
            .filter(offer_expires_at__lte=now)
            .values_list("meeting_id", flat=True)
        )
    )
    expired = 0
    for meeting_id in meeting_ids:
        with transaction.atomic():
            meeting = _lock_meeting(meeting_id)
            expired += seats.expire_due_offers(meeting, now)
    return expired


def rsvp_withdraw_upcoming(*, member: User, community: Community | None = None) -> int:
    """Withdraws the member's answers to meetings that have not started, of one community (they
    left it, were removed from it) or of every community (they close their account), so the
    in-person seats and the dietary needs they held free up (their places on waiting lists
    too; the seats go to the next in line). Answers to meetings that started stay, as history.
    Returns how many answers went.

    Follows ``rsvp_set``'s rule: the meetings' rows are locked (in id order, so two of these
    never deadlock) before their answers change. For one community, every upcoming meeting of
    it is locked, answered or not: an answer the member sends meanwhile waits for the
    withdrawal, then finds them no longer a member."""
    now = timezone.now()
    with transaction.atomic():
        upcoming = Meeting.objects.filter(starts_at__gt=now)
        if community is not None:
            upcoming = upcoming.filter(community=community)
        else:
            answered = Rsvp.objects.filter(member=member).values("meeting_id")
            in_line = SeatRequest.objects.open().filter(member=member).values("meeting_id")
            upcoming = upcoming.filter(Q(pk__in=answered) | Q(pk__in=in_line))
        meeting_ids = list(upcoming.select_for_update().order_by("pk").values_list("pk", flat=True))
        if not meeting_ids:
            return 0
        answers = Rsvp.objects.filter(member=member, meeting_id__in=meeting_ids)
        requests = list(
            SeatRequest.objects.open()
            .filter(member=member, meeting_id__in=meeting_ids)
            .values_list("pk", "meeting_id", "status")
        )
        # The meetings where a seat frees up: an in-person answer, or an offer, given back.
        freed = set(
            answers.filter(response=RsvpResponse.IN_PERSON).values_list("meeting_id", flat=True)
        ) | {meeting_id for _pk, meeting_id, status in requests if status == "offered"}
        if requests:
            SeatRequest.objects.filter(pk__in=[pk for pk, *_rest in requests]).update(
                status=SeatRequestStatus.WITHDRAWN, closed_at=now
            )
        withdrawn, _by_model = answers.delete()
        for meeting in Meeting.objects.filter(pk__in=freed).order_by("pk"):
            seats.offer_free_seats(meeting, now)
    return withdrawn


def attendance_record(
    *, meeting: Meeting, member: User, mode: str, recorded_by: User
) -> Attendance:
    if not permissions.can_manage_meetings(recorded_by, meeting.community):
        raise PermissionDenied
    if mode not in AttendanceMode.values:
        raise ValidationError({"mode": _("Choose in person or online.")}, code="mode")
    if mode == AttendanceMode.IN_PERSON and not meeting.has_room:
        raise ValidationError({"mode": _("This meeting was held online only.")}, code="format")
    if mode == AttendanceMode.ONLINE and not meeting.is_online:
        raise ValidationError({"mode": _("This meeting was held in person only.")}, code="format")
    if timezone.now() < meeting.starts_at:
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"mode": mode, "recorded_by": recorded_by}
        )
    return attendance


def attendance_clear(*, meeting: Meeting, member: User, cleared_by: User) -> None:
    """Takes back an attendance recorded by mistake: the member is "not recorded" again.
    Clearing what is not recorded does nothing, so a form sent twice is harmless."""
    if not permissions.can_manage_meetings(cleared_by, meeting.community):
        raise PermissionDenied
    Attendance.objects.filter(meeting=meeting, member=member).delete()


def followup_save(
    *,
    meeting: Meeting,
    saved_by: User,
    minutes: str = "",
    recording_url: str = "",
    recording_public: bool = False,
    minutes_public: bool = False,
    documents_public: bool = False,
    speakers: str = "",
    public_summary: str = "",
    document=None,
    document_title: str = "",
) -> FollowUp:
    """Saves the follow-up as the lead wrote it, with one more document if given, in one
    transaction: a document refused leaves the follow-up as it was.

    What is new for the members (minutes written for the first time, a recording link given or
    changed, a document added) is one posting: the community's members get one e-mail for it,
    whatever it holds (see ``meetings.emails.notify_followup_posted``)."""
    if not permissions.can_manage_meetings(saved_by, meeting.community):
        raise PermissionDenied
    with transaction.atomic():
        followup, _created = FollowUp.objects.select_for_update().get_or_create(meeting=meeting)
        had_minutes = bool(followup.minutes)
        previous_recording = followup.recording_url
        followup.minutes = typed_text(minutes)
        followup.recording_url = (recording_url or "").strip()
        followup.recording_public = bool(recording_public) and bool(followup.recording_url)
        followup.minutes_public = bool(minutes_public) and bool(followup.minutes)
        followup.documents_public = bool(documents_public)
        followup.speakers = (speakers or "").strip()
        followup.public_summary = (public_summary or "").strip()
        if followup.recording_public and followup.published_at is None:
            followup.published_at = timezone.now()
        elif not followup.recording_public:
            followup.published_at = None
        followup.updated_by = saved_by
        followup.full_clean(exclude=["meeting", "updated_by"])
        posted = []
        if followup.minutes and not had_minutes:
            posted.append("minutes")
        if followup.recording_url and followup.recording_url != previous_recording:
            posted.append("recording")
        if document:
            _document_save(followup, uploaded_by=saved_by, file=document, title=document_title)
            posted.append("documents")
        if posted:
            followup.posting_revision += 1
        followup.save()
        if posted:
            emails.notify_followup_posted(followup, posted=posted, posted_by=saved_by)
    return followup


def _document_file_name(name: str) -> str:
    """The uploaded name, or "document.<ext>" when nothing of its stem survives the storage's
    cleaning (":.pdf" would be stored as the hidden, extension-less file ".pdf")."""
    stem, dot, extension = (name or "").rpartition(".")
    if dot and not re.sub(r"[^\w-]", "", stem):
        return f"document.{extension}"
    return name


def _document_save(followup: FollowUp, *, uploaded_by: User, file, title: str) -> FollowUpDocument:
    file.name = _document_file_name(file.name)
    document = FollowUpDocument(
        followup=followup, file=file, title=(title or "").strip(), uploaded_by=uploaded_by
    )
    document.full_clean(exclude=["followup", "uploaded_by"])
    document.save()
    return document


def followup_document_add(
    *, meeting: Meeting, uploaded_by: User, file, title: str = ""
) -> FollowUpDocument:
    """One document added on its own: a posting of its own (one e-mail to the members)."""
    if not permissions.can_manage_meetings(uploaded_by, meeting.community):
        raise PermissionDenied
    with transaction.atomic():
        followup, _created = FollowUp.objects.select_for_update().get_or_create(
            meeting=meeting, defaults={"updated_by": uploaded_by}
        )
        document = _document_save(followup, uploaded_by=uploaded_by, file=file, title=title)
        followup.posting_revision += 1
        followup.save(update_fields=["posting_revision"])
        emails.notify_followup_posted(followup, posted=["documents"], posted_by=uploaded_by)
    return document


def followup_document_remove(*, document: FollowUpDocument, removed_by: User) -> None:
    """A document posted by mistake: its row goes, and its file leaves the storage once the
    removal is committed (a rollback keeps both)."""
    meeting = document.followup.meeting
    if not permissions.can_manage_meetings(removed_by, meeting.community):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _by_model = FollowUpDocument.objects.filter(pk=document.pk).delete()
        if deleted:
            storage, name = document.file.storage, document.file.name
            transaction.on_commit(lambda: storage.delete(name))


# Calendar feed tokens


def calendar_token_get_or_create(*, member: User) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(member=member)
    return token


def calendar_token_regenerate(*, member: User) -> CalendarFeedToken:
    """A new secret: the old feed address stops working at once."""
    with transaction.atomic():
        token, created = CalendarFeedToken.objects.select_for_update().get_or_create(member=member)
        if not created:
            token.token = new_calendar_token()
            token.save(update_fields=["token", "created_at"])
    return token


# Reminders


def reminder_offsets() -> list[timedelta]:
    offsets = getattr(settings, "MEETING_REMINDER_OFFSETS", DEFAULT_REMINDER_OFFSETS)
    return [o if isinstance(o, timedelta) else timedelta(minutes=o) for o in offsets]


def reminder_due_at(starts_at: datetime, offset: timedelta) -> datetime:
    """When the reminder ``offset`` before ``starts_at`` falls due.

    Whole days are counted in Montreal wall-clock time: "7 days before" a 10:00 meeting is
    10:00 local seven days earlier, even when daylight-saving time changes in between (the
    exact duration would be 09:00 or 11:00). What remains under a day (e.g. a "2 hours
    before" offset) is an exact duration. Python's arithmetic on an aware datetime in a
    ZoneInfo zone is wall-clock arithmetic, and the offset is recomputed for the result."""
    local_start = starts_at.astimezone(LOCAL_ZONE)
    local_due = local_start - timedelta(days=offset.days)
    rest = offset - timedelta(days=offset.days)
    return (local_due.astimezone(ZoneInfo("UTC")) - rest).astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class _Due:
    meeting: Meeting
    offset: timedelta
    due_at: datetime


def _due_now(now: datetime) -> list[_Due]:
    """The reminders due at ``now`` and not yet written: one query per offset, which reads only
    the meetings whose reminder may have fallen due in the grace window and has no
    ``MeetingReminder`` yet (so a tick with nothing new reads nothing)."""
    due = []
    # A whole day before is a day of wall-clock time: in UTC, an hour more or less across a
    # daylight-saving change.
    dst_margin = timedelta(hours=1)
    for offset in reminder_offsets():
        offset_minutes = int(offset.total_seconds() // 60)
        written = MeetingReminder.objects.filter(
            meeting=OuterRef("pk"),
            offset_minutes=offset_minutes,
            for_starts_at=OuterRef("starts_at"),
        )
        meetings = (
            Meeting.objects.filter(
                cancelled_at__isnull=True,
                starts_at__gt=max(now, now + offset - REMINDER_GRACE - dst_margin),
                starts_at__lte=now + offset + dst_margin,
            )
            .exclude(Exists(written))
            .only("pk", "community_id", "starts_at")
            .order_by("starts_at", "pk")
        )
        for meeting in meetings:
            due_at = reminder_due_at(meeting.starts_at, offset)
            if due_at <= now < min(due_at + REMINDER_GRACE, meeting.starts_at):
                due.append(_Due(meeting=meeting, offset=offset, due_at=due_at))
    return due


def reminders_enqueue_due(*, now: datetime | None = None) -> int:
    """Writes to the outbox the reminders due at ``now``; returns how many messages it wrote.

    A reminder goes to each member of the meeting's community who has not declined and who
    was already a member when it fell due. Each reminder (meeting, offset, start) is written
    once: its ``MeetingReminder`` row is unique and so is each message's key, both inserted
    ignoring conflicts in one transaction, so two sweeps at once write it once. The whole sweep
    is a fixed number of statements however many reminders fall due, and a sweep with nothing
    new to write reads two queries. Whether each message is still true when it is sent (the
    member declined meanwhile, the meeting moved or was cancelled) is the builder's check
    (meetings.emails)."""
    now = now or timezone.now()
    todo = [(item, int(item.offset.total_seconds() // 60)) for item in _due_now(now)]
    if not todo:
        return 0
    meeting_ids = {item.meeting.pk for item, _offset in todo}
    with transaction.atomic():
        declined = set(
            Rsvp.objects.filter(meeting_id__in=meeting_ids, response=RsvpResponse.DECLINED)
            .order_by()
            .values_list("meeting_id", "member_id")
        )
        members_of: dict[int, list[tuple]] = {}
        for community_id, member_id, email, joined_at in (
            Membership.objects.filter(
                community_id__in={item.meeting.community_id for item, _offset in todo},
                member__is_active=True,
            )
            .order_by("member_id")
            .values_list("community_id", "member_id", "member__email", "joined_at")
        ):
            members_of.setdefault(community_id, []).append((member_id, email, joined_at))
        markers, messages = [], []
        for item, offset_minutes in todo:
            meeting = item.meeting
            recipients = [
                Recipient(email=email, user_id=member_id)
                for member_id, email, joined_at in members_of.get(meeting.community_id, [])
                if joined_at <= item.due_at and (meeting.pk, member_id) not in declined
            ]
            markers.append(
                MeetingReminder(
                    meeting=meeting,
                    offset_minutes=offset_minutes,
                    for_starts_at=meeting.starts_at,
                    recipients=len(recipients),
                )
            )
            messages += emails.reminder_messages(
                meeting, offset_minutes=offset_minutes, recipients=recipients
            )
        MeetingReminder.objects.bulk_create(markers, ignore_conflicts=True)
        return outbox_write(messages)


def remind_unanswered(*, meeting: Meeting, by: User) -> int:
    """E-mails the community's members who have not answered, asking them to. One e-mail per
    meeting, member and day (the outbox key), so a second click the same day sends nothing
    twice. Returns how many members are asked."""
    if not permissions.can_manage_meetings(by, meeting.community):
        raise PermissionDenied
    if meeting.is_cancelled:
        raise MeetingClosed(_("This meeting is cancelled."), code="cancelled")
    if timezone.now() >= meeting.starts_at:
        raise MeetingClosed(
            _("This meeting has started: answers can no longer change."), code="started"
        )
    answered = Rsvp.objects.filter(meeting=meeting).values_list("member_id", flat=True)
    members = list(
        User.objects.filter(memberships__community_id=meeting.community_id, is_active=True)
        .exclude(pk__in=answered)
        .only("pk", "email")
        .order_by("pk")
    )
    day = timezone.localdate(timezone.now(), LOCAL_ZONE).isoformat()
    with transaction.atomic():
        emails.notify_answer_requested(meeting, members=members, day=day)
    return len(members)
