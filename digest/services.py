"""The weekly sweep: who receives a digest this week, and the claim of each member's week.

A member's week is claimed by inserting their ``DigestSent`` row and writing the outbox
message in one transaction: a second sweep (run again, or a second beat at the same time)
meets the unique constraint, on PostgreSQL after waiting for the first one's commit, and skips
the member. Nothing is written for a member with nothing new, so they are looked at again by
the next sweep of the same week (news posted on Monday afternoon goes out with a sweep run
later that week, if any, or the next Monday)."""

import logging
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from communities.models import NotificationChoice
from digest import emails
from digest.models import DigestSent
from digest.selectors import digest_contents, digest_request, has_news, week_of
from members.models import User

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def _claim(*, member: User, week: date, since: datetime) -> bool:
    """The member's week, and their digest's outbox message, in one transaction."""
    try:
        with transaction.atomic():
            DigestSent.objects.create(member=member, week=week, since=since)
            emails.notify_digest(member=member, week=week, since=since)
    except IntegrityError:
        return False
    return True


def digests_enqueue(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Writes this week's digest of every member who chose it somewhere and has news, once.
    Safe to run again (and at the same time): a claimed week is skipped. Members are read in
    batches of ``batch_size``; each batch costs a fixed number of queries for the sections,
    then one transaction per member with news. Returns how many digests were written."""
    now = now or timezone.now()
    week = week_of(now)
    written = 0
    after_pk = 0
    while True:
        batch = list(
            User.objects.filter(
                pk__gt=after_pk,
                is_active=True,
                memberships__notifications=NotificationChoice.DIGEST,
            )
            .exclude(digests_sent__week=week)
            .distinct()
            .order_by("pk")
            .only("pk", "email")[:batch_size]
        )
        if not batch:
            break
        after_pk = batch[-1].pk
        request = digest_request(member_ids=[member.pk for member in batch], now=now)
        contents = digest_contents(request)
        for member in batch:
            if has_news(contents.get(member.pk)):
                written += _claim(member=member, week=week, since=request.since[member.pk])
    logger.info("Weekly digests of the week of %s: %d written.", week, written)
    return written
