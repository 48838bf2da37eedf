"""The weekly digest e-mail: written by the sweep (``notify_digest``, in the claim's
transaction), built by the relay from fresh rows in the recipient's language. By the time it is
sent the member may have changed their choices or the news may be gone: it then lists what is
still true, or is not sent."""

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone, translation

from communities.notification_links import digest_unsubscribe_headers, notification_links
from digest.selectors import digest_contents, digest_request, has_news
from notifications.models import OutboxMessage
from notifications.recipients import recipient_of
from notifications.registry import Skip, batch_message_kind
from notifications.rendering import absolute_url, address_of, build_email
from notifications.services import outbox_enqueue

DIGEST = "digest.weekly"


def notify_digest(*, member, week: date, since: datetime) -> None:
    outbox_enqueue(
        kind=DIGEST,
        key=f"digest:{member.pk}:{week.isoformat()}",
        recipients=[recipient_of(member)],
        params={"week": week.isoformat(), "since": since.isoformat()},
    )


@batch_message_kind(DIGEST)
def build_digests(messages: list[OutboxMessage]) -> dict:
    """A batch of digests: the sections are read once per language of the batch."""
    built: dict = {}
    by_language: dict[str, list[tuple[OutboxMessage, str]]] = defaultdict(list)
    for message in messages:
        address = address_of(message)
        if isinstance(address, Skip):
            built[message.pk] = address
            continue
        to, language = address
        by_language[language].append((message, to))
    now = timezone.now()
    for language, of_language in by_language.items():
        with translation.override(language):
            request = digest_request(
                member_ids=[message.recipient_id for message, _to in of_language],
                now=now,
                since={
                    message.recipient_id: datetime.fromisoformat(message.params["since"])
                    for message, _to in of_language
                },
            )
            contents = digest_contents(request)
            for message, to in of_language:
                built[message.pk] = _email(
                    message, to, language, contents.get(message.recipient_id)
                )
    return built


def _email(message: OutboxMessage, to: str, language: str, digests):
    if not has_news(digests):
        return Skip("nothing new any more, or the member no longer chose the digest")
    member = message.recipient
    email = build_email(
        template="digest/digest",
        context={
            "recipient": member,
            "since": datetime.fromisoformat(message.params["since"]),
            "communities": digests,
            "notification_links": [
                notification_links(member, digest.community) for digest in digests
            ],
            "choices_url": absolute_url("communities:notifications"),
        },
        to=to,
        language=language,
        key=message.key,
    )
    email.extra_headers.update(digest_unsubscribe_headers(member))
    return email
