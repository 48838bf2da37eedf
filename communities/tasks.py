"""Thin, idempotent Celery tasks: they call a service that does the work once, whatever runs
twice. E-mails are not sent here: the services write them to the outbox (notifications)."""

from celery import shared_task

from notifications.tasks import PortalTask


@shared_task(base=PortalTask)
def sweep_undecided_join_requests() -> dict:
    """Daily: requests undecided for 7 days (leads reminded) or 14 days (staff told)."""
    from communities.services import join_requests_escalate_undecided

    return join_requests_escalate_undecided()
