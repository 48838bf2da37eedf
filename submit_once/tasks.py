from celery import shared_task

# The project's app, before the task is declared or sent (see notifications.tasks).
import aimq_portal.celery  # noqa: F401
from submit_once.services import submissions_prune


@shared_task
def prune_submissions() -> int:
    return submissions_prune()
