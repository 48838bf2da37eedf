"""The outbox's Celery task, and the base every portal task uses.

Tasks are thin: the relay task sends what the outbox holds; it takes no arguments, so running
it twice, or a hundred times at once, sends each message once (see notifications.relay).
Retrying a message the mail server refused is the relay's job (per message, with back-off,
see ``notifications.relay.retry_delay``), not Celery's: a task never re-sends a batch."""

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

# The project's app, imported before any task is declared or sent: web workers do not load it
# with Django (see aimq_portal/__init__.py), and a shared task sent before it exists would go
# through Celery's default app, to a broker nobody configured. The other apps' task modules
# import PortalTask from here, and so the app too.
import aimq_portal.celery  # noqa: F401


class PortalTask(Task):
    """The base of the portal's tasks, all of them idempotent sweeps or relays.

    A task that hangs (a mail server that accepts the connection and then says nothing) is
    stopped by the limits of the settings, CELERY_TASK_SOFT_TIME_LIMIT then
    CELERY_TASK_TIME_LIMIT; the outbox lease (OUTBOX_LEASE_SECONDS) outlasts them. A database
    that is briefly unreachable makes the task retry with back-off: running it again is safe."""

    acks_late = True
    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 15
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5


@shared_task(base=PortalTask, ignore_result=True)
def relay_outbox() -> dict:
    """Kicked after each commit that writes messages, and every minute by beat (the sweep that
    sends whatever a kick missed: broker down, worker lost). A run whose first batch comes full
    kicks one more run, so that another worker process joins in (the chain stops by itself when
    a batch comes short); a run that stops with messages left (its time box) kicks its
    successor."""
    from notifications.relay import relay
    from notifications.services import outbox_kick

    report = relay(on_full_batch=outbox_kick)
    if report.more:
        outbox_kick()
    return {"sent": report.sent, "skipped": report.skipped, "retried": report.retried}
