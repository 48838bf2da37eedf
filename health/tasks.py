"""The monthly summary's beat task: a thin, idempotent wrapper of the claim."""

from celery import shared_task

from notifications.tasks import PortalTask


@shared_task(base=PortalTask)
def send_monthly_health_summary() -> bool:
    """The first of each month (Montréal morning): the staff's summary, written once."""
    from health.services import monthly_summary_enqueue

    return monthly_summary_enqueue()
