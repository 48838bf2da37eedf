"""Thin, idempotent Celery tasks: they call a service that does the work once, whatever runs
twice. E-mails are not sent here: the services write them to the outbox (notifications)."""

from celery import shared_task

from notifications.tasks import PortalTask


@shared_task(base=PortalTask)
def send_due_reminders() -> int:
    """Every 15 minutes (beat): writes the reminders due now to the outbox."""
    from meetings.services import reminders_enqueue_due

    return reminders_enqueue_due()


@shared_task(base=PortalTask)
def expire_seat_offers() -> int:
    """Every minute (beat): expires the seat offers whose deadline passed; their seats go to
    the next in line. Twice at once expires each offer once (meetings.seats)."""
    from meetings.services import seat_offers_expire_due

    return seat_offers_expire_due()
