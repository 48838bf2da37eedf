"""The weekly digest's beat task: a thin, idempotent wrapper of the sweep."""

from celery import shared_task

from notifications.tasks import PortalTask


@shared_task(base=PortalTask)
def send_weekly_digests() -> int:
    """Monday morning (Montréal): each member's digest of the week, written once."""
    from digest.services import digests_enqueue

    return digests_enqueue()
