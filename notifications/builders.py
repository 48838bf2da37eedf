"""The builder of messages rendered when they were written (allauth's account e-mails)."""

from django.core.mail import EmailMultiAlternatives

from notifications.models import OutboxMessage
from notifications.registry import Skip, message_kind
from notifications.rendering import message_id
from notifications.services import RENDERED


@message_kind(RENDERED)
def build_rendered(message: OutboxMessage) -> EmailMultiAlternatives | Skip:
    if not message.body_text and not message.body_html:
        return Skip("nothing to send")
    # allauth chose the address (a new one being confirmed, say): it is used as written.
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.to_email],
        headers={"Message-ID": message_id(message.key)},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email
