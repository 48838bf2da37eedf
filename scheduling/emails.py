"""The e-mails about date polls: a new poll (to the community's members) and the one reminder
before it closes (to those who have not answered).

Who hears of a new poll: every active member of the community except those who chose to hear
nothing from it (``members_to_notify(urgent=True)``): a poll asks each member something
within days, so a weekly digest would come too late, as for an urgent question. The lead who
proposed it is not told.

Written to the outbox by the services, in their transaction; built by the relay when sent,
from fresh rows and in the recipient's language. A poll closed meanwhile, a member who left
the community, or (for the reminder) who answered meanwhile, is not sent anything."""

from django.utils import translation

from communities.models import Community, Membership
from communities.notification_links import notification_links, with_unsubscribe_headers
from communities.selectors import members_to_notify
from notifications.models import OutboxMessage
from notifications.recipients import Recipient
from notifications.registry import Skip, message_kind
from notifications.rendering import absolute_url, address_of, language_of, render_for
from notifications.services import outbox_enqueue, outbox_messages
from scheduling.models import DatePoll, PollAnswer

OPENED = "scheduling.poll_opened"
REMINDER = "scheduling.poll_reminder"

TEMPLATES = "scheduling/"


# Written by the services, in their transaction


def notify_poll_opened(poll: DatePoll) -> None:
    outbox_enqueue(
        kind=OPENED,
        key=f"date_poll:{poll.pk}:opened",
        recipients=members_to_notify(
            community_id=poll.community_id, urgent=True, exclude=poll.created_by
        ),
        params={"poll": poll.pk},
    )


def reminder_messages(poll_id: int, *, recipients: list[Recipient]) -> list[OutboxMessage]:
    """The unsaved reminder rows of one poll, for the sweep to write in bulk."""
    return outbox_messages(
        kind=REMINDER,
        key=f"date_poll:{poll_id}:reminder",
        recipients=recipients,
        params={"poll": poll_id},
    )


# Built by the relay, when sent


def poll_url(poll: DatePoll) -> str:
    return absolute_url("scheduling:detail", poll.community.slug, poll.pk)


def _render(message: OutboxMessage, *, template: str, poll: DatePoll):
    address = address_of(message)
    if isinstance(address, Skip):
        return address
    if not poll.is_open():
        return Skip("the poll closed before this was sent")
    recipient = message.recipient
    community: Community = poll.community
    if not Membership.objects.filter(community=community, member=recipient).exists():
        return Skip("the recipient is no longer a member of the community")
    with translation.override(language_of(recipient)):
        links = [notification_links(recipient, community)]
    email = render_for(
        message,
        template=template,
        context={
            "poll": poll,
            "community": community,
            "options": list(poll.options.all()),
            "poll_url": poll_url(poll),
            "notification_links": links,
        },
    )
    return with_unsubscribe_headers(email, recipient, community)


def _poll(message: OutboxMessage) -> DatePoll | None:
    return (
        DatePoll.objects.select_related("community", "created_by")
        .filter(pk=message.params["poll"])
        .first()
    )


@message_kind(OPENED)
def build_poll_opened(message: OutboxMessage):
    poll = _poll(message)
    if poll is None:
        return Skip("the poll was deleted before this was sent")
    return _render(message, template=TEMPLATES + "poll_opened", poll=poll)


@message_kind(REMINDER)
def build_poll_reminder(message: OutboxMessage):
    poll = _poll(message)
    if poll is None:
        return Skip("the poll was deleted before this was sent")
    if PollAnswer.objects.filter(option__poll=poll, member_id=message.recipient_id).exists():
        return Skip("the member answered meanwhile")
    return _render(message, template=TEMPLATES + "poll_reminder", poll=poll)
