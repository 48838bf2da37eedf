"""Building and sending the portal's e-mails.

Messages are rendered from templates (subject, text, HTML) in the recipient's language with
absolute links, and sent through ``send_once``: at most one send per key, retried by the
calling Celery task when the mail server fails.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from aimq_portal.models import EmailDelivery


def absolute_url(view_name: str, *args, **kwargs) -> str:
    return settings.SITE_URL + reverse(view_name, args=args, kwargs=kwargs)


def language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def build_email(*, template: str, context: dict, to: str, language: str) -> EmailMultiAlternatives:
    """Renders emails/<template>_subject.txt and <template>.txt in ``language``; the HTML part
    is the same text in the portal's e-mail layout (escaped there once, with links made
    clickable), so the two parts never drift apart."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        text = render_to_string(f"emails/{template}.txt", context).strip() + "\n"
        html = render_to_string(
            "emails/layout.html", {"subject": subject, "body": text, "language": language}
        )
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send_once(*, key: str, recipient: str, build: Callable[[], EmailMultiAlternatives]) -> bool:
    """Sends the message named ``key`` unless it was already sent (or is being sent).

    The conditional UPDATE is the claim: only one caller flips ``claimed_at`` from NULL, so two
    workers, a retried task or a beat running twice never send it twice. If the mail server
    fails, the claim is released and the error re-raised for the task to retry with back-off.
    A crash after the send leaves the claim in place: the message is never sent again."""
    delivery, _created = EmailDelivery.objects.get_or_create(
        key=key, defaults={"recipient": recipient}
    )
    now = timezone.now()
    claimed = EmailDelivery.objects.filter(
        pk=delivery.pk, claimed_at__isnull=True, sent_at__isnull=True
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = build()
    try:
        message.send()
    except Exception as error:
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            claimed_at=None, last_error=repr(error)[:2000]
        )
        raise
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        sent_at=timezone.now(), subject=message.subject[:255], last_error=""
    )
    return True
