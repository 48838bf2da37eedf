"""Thin, idempotent Celery tasks: the services do the work once, whatever runs twice."""

from celery import shared_task

from notifications.tasks import PortalTask


@shared_task(base=PortalTask)
def send_poll_reminders() -> int:
    """Every 15 minutes (beat): the one reminder of polls closing soon, to who has not answered."""
    from scheduling.services import poll_reminders_enqueue_due

    return poll_reminders_enqueue_due()
