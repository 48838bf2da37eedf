"""The room's seats and its waiting list, for the services (meetings.services).

The rule: a room with ``in_person_seats`` holds that many in-person answers plus live offers.
When the room is full a member may ask for a seat (a ``SeatRequest``, first come first served).
When a seat frees up (an answer changes to online or "cannot attend", a member leaves the
community, an offer is declined or expires, the lead adds seats or removes the limit), the first
in line is offered it by e-mail and the seat is held for them until the offer's deadline:

- the deadline is ``MEETING_SEAT_OFFER_HOURS`` (48 h) after the offer, but never later than
  ``MEETING_SEAT_OFFER_CUTOFF_HOURS`` (3 h) before the meeting starts, so a seat not taken
  still finds someone;
- no offer is made when that would leave less than an hour to answer: from then on a seat that
  frees up goes to whoever answers "in person" first (the waiting list sees it is free);
- the member takes the seat by answering "in person" before the deadline; after it, the
  sweep (every minute) or the next answer to that meeting, whichever comes first, expires the
  offer and offers the seat to the next in line.

Every function here must run inside the caller's transaction, after it locked the meeting's
row (``services._lock_meeting``): the seat count, the offers and their expiry are all read and
written under that one lock, so an offer is made, taken or expired exactly once."""

from datetime import datetime, timedelta

from django.conf import settings

from meetings import emails
from meetings.models import Meeting, MeetingFormat, Rsvp, RsvpResponse, SeatRequest
from meetings.models import SeatRequestStatus as Status

DEFAULT_OFFER_HOURS = 48
DEFAULT_CUTOFF_HOURS = 3
# An offer shorter than this is no offer: nobody can be expected to read an e-mail that fast.
SHORTEST_OFFER = timedelta(hours=1)


def offer_duration() -> timedelta:
    return timedelta(hours=getattr(settings, "MEETING_SEAT_OFFER_HOURS", DEFAULT_OFFER_HOURS))


def offer_cutoff() -> timedelta:
    return timedelta(
        hours=getattr(settings, "MEETING_SEAT_OFFER_CUTOFF_HOURS", DEFAULT_CUTOFF_HOURS)
    )


def offer_deadline(meeting: Meeting, now: datetime) -> datetime | None:
    """Until when an offer made ``now`` holds its seat; None when it is too late to offer."""
    deadline = min(now + offer_duration(), meeting.starts_at - offer_cutoff())
    if deadline - now < SHORTEST_OFFER:
        return None
    return deadline


def in_person_count(meeting: Meeting, *, excluding=None) -> int:
    answers = Rsvp.objects.filter(meeting=meeting, response=RsvpResponse.IN_PERSON)
    if excluding is not None:
        answers = answers.exclude(member=excluding)
    return answers.count()


def held_count(meeting: Meeting, *, excluding=None) -> int:
    """Seats held by live offers (someone else's, with ``excluding``)."""
    offers = SeatRequest.objects.offers().filter(meeting=meeting)
    if excluding is not None:
        offers = offers.exclude(member=excluding)
    return offers.count()


def seats_taken(meeting: Meeting, *, excluding=None) -> int:
    """In-person answers plus seats held by offers: what the room's limit counts."""
    return in_person_count(meeting, excluding=excluding) + held_count(meeting, excluding=excluding)


def close(request: SeatRequest, status: str, now: datetime) -> bool:
    """Ends an open request; False when it was no longer open (nothing changes twice)."""
    changed = SeatRequest.objects.filter(pk=request.pk, status__in=[Status.WAITING, Status.OFFERED])
    done = changed.update(status=status, closed_at=now) == 1
    if done:
        request.status, request.closed_at = status, now
    return done


def expire_due_offers(meeting: Meeting, now: datetime) -> int:
    """Expires the meeting's offers whose deadline has passed (each once: the update is
    conditional) and tells their members; the seats go to the next in line."""
    expired = 0
    due = SeatRequest.objects.offers().filter(meeting=meeting, offer_expires_at__lte=now)
    for request in due.select_related("member").order_by("offer_expires_at", "pk"):
        if close(request, Status.EXPIRED, now):
            emails.notify_seat_offer_expired(request)
            expired += 1
    if expired:
        offer_free_seats(meeting, now)
    return expired


def offer_free_seats(meeting: Meeting, now: datetime) -> int:
    """Offers each free seat to the next member in line; returns how many offers were made."""
    if meeting.is_cancelled or meeting.format == MeetingFormat.ONLINE:
        return 0
    deadline = offer_deadline(meeting, now)
    if deadline is None:
        return 0
    waiting = SeatRequest.objects.waiting().filter(meeting=meeting).select_related("member")
    if meeting.in_person_seats is not None:
        free = meeting.in_person_seats - seats_taken(meeting)
        if free <= 0:
            return 0
        waiting = waiting[:free]
    offered = 0
    for request in waiting:
        request.status = Status.OFFERED
        request.offered_at = now
        request.offer_expires_at = deadline
        request.save(update_fields=["status", "offered_at", "offer_expires_at"])
        emails.notify_seat_offer(request)
        offered += 1
    return offered


def shorten_offers(meeting: Meeting, now: datetime) -> None:
    """The meeting moved earlier: no offer may hold a seat past the new cutoff."""
    latest = meeting.starts_at - offer_cutoff()
    for request in SeatRequest.objects.offers().filter(
        meeting=meeting, offer_expires_at__gt=latest
    ):
        if latest <= max(now, request.offered_at):
            close(request, Status.EXPIRED, now)
            emails.notify_seat_offer_expired(request)
        else:
            request.offer_expires_at = latest
            request.save(update_fields=["offer_expires_at"])


def close_all(meeting: Meeting, now: datetime) -> int:
    """The meeting was cancelled or went online only: its waiting list is closed."""
    return (
        SeatRequest.objects.open()
        .filter(meeting=meeting)
        .update(status=Status.WITHDRAWN, closed_at=now)
    )


def answered(meeting: Meeting, member, response: str, now: datetime) -> bool:
    """After the member's answer was saved: their place in line follows it. In person, they
    took their seat; "cannot attend", they leave the line (and their offer's seat frees up);
    online (a hybrid meeting), they keep waiting for a seat in the room. Returns whether a
    seat held for them was given back."""
    request = SeatRequest.objects.open().filter(meeting=meeting, member=member).first()
    if request is None:
        return False
    if response == RsvpResponse.IN_PERSON:
        close(request, Status.ACCEPTED, now)
    elif response == RsvpResponse.DECLINED:
        was_offer = request.status == Status.OFFERED
        return close(request, Status.WITHDRAWN, now) and was_offer
    return False
