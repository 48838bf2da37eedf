"""Every change to date polls: proposing, editing, answering, scheduling the chosen option,
closing, and the one reminder to members who have not answered.

Edits, answers and scheduling start by locking the poll's row (``SELECT ... FOR UPDATE``): an answer
never slips in after the poll closed, and a poll scheduled twice at once makes one meeting.
The meeting itself is made by ``meetings.services.meeting_schedule``, which writes the usual
invitations (with their .ics) to the outbox in the same transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Membership, NotificationChoice
from meetings.models import Meeting, MeetingFormat
from meetings.services import meeting_schedule
from members.models import User
from notifications.recipients import Recipient
from notifications.services import outbox_write
from scheduling import emails, permissions
from scheduling.models import Choice, DatePoll, PollAnswer, PollOption, PollReminder

MIN_OPTIONS = 2
MAX_OPTIONS = 20


@dataclass(frozen=True)
class OptionInput:
    starts_at: datetime
    ends_at: datetime
    format: str = ""
    place: str = ""
    # The existing option this row edits (``poll_update``); None for a new option.
    pk: int | None = None


class PollClosed(ValidationError):
    """The poll is closed: answers no longer change."""


def reminder_before() -> timedelta:
    return timedelta(hours=getattr(settings, "SCHEDULING_REMINDER_HOURS", 48))


def poll_errors(
    *, closes_at: datetime | None, options: list[OptionInput], now: datetime
) -> dict[str, list[ValidationError]]:
    """The rules of a proposal, for the form (beside the fields) and the service alike:
    each option ends after it starts and is in the future; at least two options; answers
    close in the future and before the first option starts."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message, code: str, params: dict | None = None) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))

    for option in options:
        if option.ends_at <= option.starts_at:
            add("options", _("Each option must end after it starts."), "ends_before")
            break
    for option in options:
        if option.starts_at <= now:
            add("options", _("Each option must be in the future."), "past")
            break
    if any(option.format and option.format not in MeetingFormat.values for option in options):
        add("options", _("Choose a format from the list."), "format")
    if len(options) < MIN_OPTIONS:
        add("options", _("Propose at least two options."), "too_few", {"min": MIN_OPTIONS})
    if len(options) > MAX_OPTIONS:
        add(
            "options",
            _("Propose at most %(max)d options."),
            "too_many",
            {"max": MAX_OPTIONS},
        )
    if closes_at is not None:
        if closes_at <= now:
            add("closes_at", _("The closing date must be in the future."), "closes_past")
        elif options and closes_at > min(option.starts_at for option in options):
            add(
                "closes_at",
                _("Answers must close before the first option starts."),
                "closes_after_first",
            )
    return errors


def _new_option(poll: DatePoll, option: OptionInput) -> PollOption:
    return PollOption(
        poll=poll,
        starts_at=option.starts_at,
        ends_at=option.ends_at,
        format=option.format,
        place=(option.place or "").strip(),
    )


def poll_create(
    *,
    community: Community,
    created_by: User,
    title: str,
    closes_at: datetime,
    options: list[OptionInput],
    details: str = "",
) -> DatePoll:
    """The poll and its options; the community's members are told by e-mail (those who chose
    nothing for the community excepted: see scheduling.emails)."""
    if not permissions.can_propose(created_by, community):
        raise PermissionDenied
    errors = poll_errors(closes_at=closes_at, options=options, now=timezone.now())
    poll = DatePoll(
        community=community,
        created_by=created_by,
        title=(title or "").strip(),
        details=(details or "").strip(),
        closes_at=closes_at,
    )
    try:
        poll.full_clean(exclude=["community", "created_by", "meeting"])
    except ValidationError as exc:
        for field, messages in exc.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        poll.save()
        PollOption.objects.bulk_create(
            [_new_option(poll, option) for option in sorted(options, key=lambda o: o.starts_at)]
        )
        emails.notify_poll_opened(poll)
    return poll


@dataclass(frozen=True)
class PollUpdate:
    """What an edit did to the members' answers, for the lead's message."""

    poll: DatePoll
    # Answers to options whose date, times, format or place changed: cleared, to be given again.
    cleared_answers: int = 0
    # Answers to the options removed, gone with them.
    removed_answers: int = 0


def _changed(option: PollOption, new: OptionInput) -> bool:
    """An answer says "this date, this time, there suits me": any of them changed, it no
    longer holds (the format counts as the place: in person or online changes who can come)."""
    return (
        option.starts_at != new.starts_at
        or option.ends_at != new.ends_at
        or option.format != new.format
        or option.place != (new.place or "").strip()
    )


def poll_update(
    *,
    poll: DatePoll,
    updated_by: User,
    title: str,
    details: str,
    closes_at: datetime,
    options: list[OptionInput],
) -> PollUpdate:
    """Puts the poll in the state the lead typed while it is open: its title, details and
    closing date; ``options`` is every option it keeps (``pk`` set, changed or not) or adds
    (``pk`` None); an option of the poll left out is removed with its answers. The answers to
    an option whose date, times, format or place changed are cleared, so those members answer
    it again. Under the poll's row lock, so no answer slips in between the check and the write,
    and a poll scheduled or closed meanwhile is refused."""
    with transaction.atomic():
        poll = _lock_poll(poll.pk)
        if not permissions.can_propose(updated_by, poll.community):
            raise PermissionDenied
        if not poll.is_open():
            raise closed_error(poll)
        current = {option.pk: option for option in poll.options.all()}
        if any(option.pk is not None and option.pk not in current for option in options):
            raise ValidationError(_("This option is not one of the poll's."), code="option")
        errors = poll_errors(closes_at=closes_at, options=options, now=timezone.now())
        poll.title = (title or "").strip()
        poll.details = (details or "").strip()
        poll.closes_at = closes_at
        try:
            poll.full_clean(exclude=["community", "created_by", "meeting"])
        except ValidationError as exc:
            for field, messages in exc.error_dict.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        poll.save(update_fields=["title", "details", "closes_at"])

        kept = {option.pk for option in options if option.pk is not None}
        removed_answers = 0
        if removed := set(current) - kept:
            removed_answers = PollAnswer.objects.filter(option_id__in=removed).count()
            # The answers go with their option (on_delete=CASCADE).
            PollOption.objects.filter(pk__in=removed).delete()
        changed = []
        for new in options:
            option = current.get(new.pk) if new.pk is not None else None
            if option is None or not _changed(option, new):
                continue
            option.starts_at, option.ends_at = new.starts_at, new.ends_at
            option.format, option.place = new.format, (new.place or "").strip()
            changed.append(option)
        cleared_answers = 0
        if changed:
            PollOption.objects.bulk_update(changed, ["starts_at", "ends_at", "format", "place"])
            cleared_answers, _deleted = PollAnswer.objects.filter(option__in=changed).delete()
        PollOption.objects.bulk_create(
            [_new_option(poll, new) for new in options if new.pk is None]
        )
    return PollUpdate(poll=poll, cleared_answers=cleared_answers, removed_answers=removed_answers)


def _lock_poll(poll_id: int) -> DatePoll:
    return (
        DatePoll.objects.select_for_update(of=("self",)).select_related("community").get(pk=poll_id)
    )


def closed_error(poll: DatePoll) -> PollClosed:
    if poll.meeting_id:
        return PollClosed(_("This poll is closed: the meeting is scheduled."), code="scheduled")
    return PollClosed(_("This poll is closed: answers can no longer change."), code="closed")


def poll_answer(*, poll: DatePoll, member: User, choices: dict[int, str]) -> int:
    """Records or changes the member's answer to every option of the poll (``{option id:
    choice}``) while it is open; returns how many answers were written."""
    with transaction.atomic():
        poll = _lock_poll(poll.pk)
        if not permissions.can_answer(member, poll.community):
            raise PermissionDenied
        if not poll.is_open():
            raise closed_error(poll)
        option_ids = set(poll.options.values_list("pk", flat=True))
        if set(choices) != option_ids:
            raise ValidationError(_("Answer every option."), code="incomplete")
        if any(choice not in Choice.values for choice in choices.values()):
            raise ValidationError(_("Choose yes, if needed or no."), code="choice")
        for option_id, choice in choices.items():
            # The poll's row lock orders a member's answers: no two inserts of the same pair.
            PollAnswer.objects.update_or_create(
                option_id=option_id, member=member, defaults={"choice": choice}
            )
    return len(choices)


def poll_close(*, poll: DatePoll, closed_by: User) -> DatePoll:
    """Stops the answers before the closing date, without scheduling anything."""
    with transaction.atomic():
        poll = _lock_poll(poll.pk)
        if not permissions.can_propose(closed_by, poll.community):
            raise PermissionDenied
        if poll.closed_at is None:
            poll.closed_at = timezone.now()
            poll.save(update_fields=["closed_at"])
    return poll


class AlreadyScheduled(ValidationError):
    """The poll's meeting is already scheduled (by another click or another lead)."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(
            _("A meeting was already scheduled from this poll."), code="already_scheduled"
        )
        self.meeting = meeting


def poll_schedule(
    *, poll: DatePoll, option: PollOption, scheduled_by: User, **meeting_fields
) -> Meeting:
    """Turns ``option`` into a meeting through ``meetings.services.meeting_schedule`` (its
    checks, its invitations to the members with the .ics), then closes the poll and links it
    to the meeting: all in one transaction under the poll's row lock, so a second click, or
    another lead at the same moment, finds the meeting made and makes none."""
    with transaction.atomic():
        poll = _lock_poll(poll.pk)
        if not permissions.can_propose(scheduled_by, poll.community):
            raise PermissionDenied
        if poll.meeting_id:
            raise AlreadyScheduled(poll.meeting)
        if option.poll_id != poll.pk:
            raise ValidationError(_("This option is not one of the poll's."), code="option")
        meeting = meeting_schedule(
            community=poll.community, scheduled_by=scheduled_by, **meeting_fields
        )
        poll.meeting = meeting
        poll.closed_at = poll.closed_at or timezone.now()
        poll.save(update_fields=["meeting", "closed_at"])
    return meeting


# The reminder


def _unanswered(poll_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """For each poll, the active members of its community who have not answered it, have not
    been reminded, did not propose it, and did not choose to hear nothing from the community:
    four queries."""
    polls, proposers = {}, set()
    for poll_id, community_id, created_by_id in (
        DatePoll.objects.filter(pk__in=poll_ids)
        .values_list("pk", "community_id", "created_by_id")
        .order_by()
    ):
        polls[poll_id] = community_id
        proposers.add((poll_id, created_by_id))
    answered = set(
        PollAnswer.objects.filter(option__poll_id__in=poll_ids)
        .values_list("option__poll_id", "member_id")
        .distinct()
        .order_by()
    ) | set(
        PollReminder.objects.filter(poll_id__in=poll_ids)
        .values_list("poll_id", "member_id")
        .order_by()
    )
    by_community: dict[int, list[tuple[int, str]]] = {}
    for community_id, member_id, email in (
        Membership.objects.filter(community_id__in=set(polls.values()), member__is_active=True)
        .exclude(notifications=NotificationChoice.NOTHING)
        .order_by("member_id")
        .values_list("community_id", "member_id", "member__email")
    ):
        by_community.setdefault(community_id, []).append((member_id, email))
    return {
        poll_id: [
            (member_id, email)
            for member_id, email in by_community.get(community_id, [])
            if (poll_id, member_id) not in answered and (poll_id, member_id) not in proposers
        ]
        for poll_id, community_id in polls.items()
    }


def poll_reminders_enqueue_due(*, now: datetime | None = None) -> int:
    """Writes to the outbox the reminders of the open polls closing within
    ``SCHEDULING_REMINDER_HOURS`` (48 by default), one to each member who has not answered;
    returns how many messages it wrote. A poll proposed less than a day before that window
    opens reminds nobody: the announcement is still fresh.

    Each (poll, member) is reminded once: its ``PollReminder`` row is unique and so is the
    message's outbox key, both inserted ignoring conflicts in one transaction, so two sweeps at
    once (the second waits on the first's unique index, then skips) write each reminder once."""
    now = now or timezone.now()
    window = reminder_before()
    due = list(
        DatePoll.objects.filter(
            closed_at__isnull=True,
            closes_at__gt=now,
            closes_at__lte=now + window,
            created_at__lte=now - timedelta(days=1),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    with transaction.atomic():
        markers, messages = [], []
        for poll_id, members in _unanswered(set(due)).items():
            recipients = [Recipient(email=email, user_id=member_id) for member_id, email in members]
            markers += [PollReminder(poll_id=poll_id, member_id=m) for m, _email in members]
            messages += emails.reminder_messages(poll_id, recipients=recipients)
        PollReminder.objects.bulk_create(markers, ignore_conflicts=True)
        return outbox_write(messages)
