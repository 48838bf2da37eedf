"""The monthly claim: the staff's health summary is written once per month.

The month is claimed by inserting its ``MonthlySummarySent`` row and writing the summary's
outbox messages in one transaction: a second beat running at the same time meets the unique
month (on PostgreSQL after waiting for the first one's commit) and writes nothing."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from health import emails
from health.models import MonthlySummarySent
from health.selectors import LOCAL_ZONE
from notifications.recipients import staff_recipients

logger = logging.getLogger(__name__)


def monthly_summary_enqueue(*, now: datetime | None = None) -> bool:
    """Writes this month's summary to every staff member, once. Safe to run again and at the
    same time. Returns whether this call wrote it."""
    now = now or timezone.now()
    month = timezone.localdate(now, LOCAL_ZONE).replace(day=1)
    if MonthlySummarySent.objects.filter(month=month).exists():
        return False
    try:
        with transaction.atomic():
            recipients = staff_recipients()
            MonthlySummarySent.objects.create(month=month, recipients=len(recipients))
            emails.notify_monthly_summary(month=month, recipients=recipients)
    except IntegrityError:
        return False
    logger.info("Monthly health summary of %s written to %d staff.", month, len(recipients))
    return True
