"""Thin, idempotent Celery tasks: they take ids, load fresh rows and call the e-mail layer,
which sends each message at most once (see aimq_portal.mail)."""

from smtplib import SMTPException

from celery import shared_task

RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def notify_join_request_submitted(join_request_id: int) -> int:
    from communities import emails

    return emails.send_join_request_submitted(join_request_id)


@shared_task(**RETRY)
def notify_join_request_decided(join_request_id: int) -> int:
    from communities import emails

    return emails.send_join_request_decided(join_request_id)


@shared_task(**RETRY)
def notify_member_removed(decision_id: int) -> int:
    from communities import emails

    return emails.send_member_removed(decision_id)


@shared_task(**RETRY)
def notify_seat_freed(community_id: int) -> int:
    from communities import emails

    return emails.send_seat_freed(community_id)


@shared_task(**RETRY)
def notify_community_without_lead(decision_id: int) -> int:
    from communities import emails

    return emails.send_community_without_lead(decision_id)


@shared_task(**RETRY)
def notify_join_request_escalation(join_request_id: int, audience: str) -> int:
    from communities import emails

    return emails.send_join_request_escalation(join_request_id, audience)


@shared_task
def sweep_undecided_join_requests() -> dict:
    """Daily: claims requests undecided for 7 days (leads) or 14 days (staff), then sends."""
    from communities.services import claim_join_request_escalations

    claimed = claim_join_request_escalations()
    for audience, request_ids in claimed.items():
        for request_id in request_ids:
            notify_join_request_escalation.delay(request_id, audience)
    return claimed
