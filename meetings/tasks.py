"""Thin, idempotent Celery tasks: they take ids, load fresh rows and call the services or the
e-mail layer, which sends each message at most once (see aimq_portal.mail)."""

from celery import shared_task

from communities.tasks import RETRY


@shared_task(**RETRY)
def notify_meeting_changed(meeting_id: int, sequence: int, kind: str) -> int:
    from meetings import emails

    return emails.send_meeting_notice(meeting_id, sequence, kind)


@shared_task(**RETRY)
def send_meeting_reminder(reminder_id: int) -> int:
    from meetings import emails

    return emails.send_reminder(reminder_id)


@shared_task
def send_due_reminders() -> int:
    """Every 15 minutes (beat): claims the reminders due now; each is sent by its own task."""
    from meetings.services import reminders_send_due

    return len(reminders_send_due())


@shared_task(**RETRY)
def ask_for_answer(meeting_id: int, member_id: int, day: str) -> int:
    from meetings import emails

    return emails.send_answer_request(meeting_id, member_id, day)
