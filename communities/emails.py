"""The e-mails about communities: who is told what, and how each message reads.

The ``notify_*`` functions are called by the services inside their transaction: they choose the
recipients and write the messages to the outbox (``notifications``), so a message exists
exactly when the change it tells of does. The builders below turn each message into an e-mail
when the relay sends it, from fresh rows and in the recipient's language; a message that is no
longer true by then (the request was decided meanwhile, a lead was named) is skipped."""

from django.db.models import Count
from django.utils import timezone

from communities.models import (
    Community,
    Decision,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Role,
)
from members.models import User
from notifications.models import MessageStatus, OutboxMessage
from notifications.recipients import Recipient, recipient_of, staff_recipients
from notifications.registry import Skip, message_kind
from notifications.rendering import absolute_url, render_for
from notifications.services import outbox_enqueue

SUBMITTED = "communities.join_request_submitted"
DECIDED = "communities.join_request_decided"
REMOVED = "communities.member_removed"
SEAT_FREED = "communities.seat_freed"
WITHOUT_LEAD = "communities.community_without_lead"
ESCALATION = "communities.join_request_escalation"
OPENED = "communities.community_opened"


def _lead_recipients(community_id: int) -> list[Recipient]:
    leads = User.objects.filter(
        memberships__community_id=community_id, memberships__role=Role.LEAD, is_active=True
    ).order_by("pk")
    return [recipient_of(lead) for lead in leads.only("pk", "email")]


def _is_full(community: Community) -> bool:
    return community.memberships.count() >= community.capacity


def _join_request(message: OutboxMessage) -> JoinRequest | None:
    return (
        JoinRequest.objects.select_related("member", "community")
        .filter(pk=message.params["join_request"])
        .first()
    )


# Written by the services, in their transaction


def notify_join_request_submitted(join_request: JoinRequest) -> None:
    """The community's leads, or staff when it has none, learn of a new request."""
    leads = _lead_recipients(join_request.community_id)
    outbox_enqueue(
        kind=SUBMITTED,
        key=f"join-request:{join_request.pk}:submitted",
        recipients=leads or staff_recipients(),
        params={"join_request": join_request.pk, "to_staff": not leads},
    )


def notify_join_request_decided(join_request: JoinRequest) -> None:
    outbox_enqueue(
        kind=DECIDED,
        key=f"join-request:{join_request.pk}:{join_request.status}",
        recipients=[join_request.member],
        params={"join_request": join_request.pk, "status": join_request.status},
    )


def notify_member_removed(decision: Decision) -> None:
    outbox_enqueue(
        kind=REMOVED,
        key=f"decision:{decision.pk}:removed",
        recipients=[decision.subject],
        params={"decision": decision.pk},
    )


def notify_seat_freed(community: Community, *, event: Decision) -> None:
    """A seat freed while people wait: the leads (or staff) may approve the first in line."""
    outbox_enqueue(
        kind=SEAT_FREED,
        key=f"community:{community.pk}:seat-freed:{event.pk}",
        recipients=_lead_recipients(community.pk) or staff_recipients(),
        params={"community": community.pk},
    )


def notify_community_without_lead(decision: Decision) -> None:
    """Staff learn that the last lead left (or closed their account) and who is waiting."""
    outbox_enqueue(
        kind=WITHOUT_LEAD,
        key=f"community:{decision.community_id}:without-lead:{decision.pk}",
        recipients=staff_recipients(),
        params={"decision": decision.pk},
    )


def notify_join_request_escalation(join_request: JoinRequest, audience: str) -> None:
    """A request undecided for a week (its leads are reminded) or two (staff are told)."""
    to_staff = audience == "staff"
    recipients = (
        staff_recipients()
        if to_staff
        else (_lead_recipients(join_request.community_id) or staff_recipients())
    )
    outbox_enqueue(
        kind=ESCALATION,
        key=f"join-request:{join_request.pk}:escalation:{audience}",
        recipients=recipients,
        params={"join_request": join_request.pk, "to_staff": to_staff},
    )


def notify_community_opened(community: Community) -> None:
    """Everyone interested hears that the community opened and that they may ask first. The
    key names the community; the outbox adds the member: one message each, ever."""
    interested = User.objects.filter(
        community_interests__community=community, is_active=True
    ).order_by("pk")
    outbox_enqueue(
        kind=OPENED,
        key=f"community:{community.pk}:opened",
        recipients=list(interested.only("pk", "email")),
        params={"community": community.pk},
    )


# Built by the relay, when sent

TEMPLATES = "communities/"


@message_kind(SUBMITTED)
def build_join_request_submitted(message: OutboxMessage):
    join_request = _join_request(message)
    if join_request is None or not join_request.is_open:
        return Skip("the request was decided or withdrawn before this was sent")
    community = join_request.community
    return render_for(
        message,
        template=TEMPLATES + "join_request_submitted",
        context={
            "join_request": join_request,
            "community": community,
            "is_full": _is_full(community),
            "to_staff": message.params.get("to_staff", False),
            "decide_url": absolute_url("communities:request_detail", join_request.pk),
        },
    )


@message_kind(DECIDED)
def build_join_request_decided(message: OutboxMessage):
    join_request = _join_request(message)
    if join_request is None or join_request.status != message.params["status"]:
        return Skip("the request changed before this was sent")
    community = join_request.community
    return render_for(
        message,
        template=TEMPLATES + "join_request_decided",
        context={
            "join_request": join_request,
            "community": community,
            "approved": join_request.status == JoinRequestStatus.APPROVED,
            "community_url": absolute_url("communities:detail", community.slug),
        },
    )


@message_kind(REMOVED)
def build_member_removed(message: OutboxMessage):
    decision = (
        Decision.objects.select_related("community", "subject")
        .filter(pk=message.params["decision"])
        .first()
    )
    if decision is None or decision.subject is None:
        return Skip("the member is gone")
    return render_for(
        message,
        template=TEMPLATES + "member_removed",
        context={"decision": decision, "community": decision.community, "member": decision.subject},
    )


@message_kind(SEAT_FREED)
def build_seat_freed(message: OutboxMessage):
    community = (
        Community.objects.annotate(seats_taken=Count("memberships"))
        .filter(pk=message.params["community"])
        .first()
    )
    if community is None or community.seats_taken >= community.capacity:
        return Skip("the seat was taken again before this was sent")
    # Seats freed close together make one message: the latest one says it all.
    later = OutboxMessage.objects.filter(
        kind=SEAT_FREED,
        params__community=community.pk,
        recipient_id=message.recipient_id,
        to_email=message.to_email,
        pk__gt=message.pk,
    ).exclude(status=MessageStatus.SKIPPED)
    if later.exists():
        return Skip("a later message tells of the free seats")
    waiting = (
        JoinRequest.objects.filter(community=community, status=JoinRequestStatus.PENDING)
        .select_related("member")
        .order_by("created_at", "pk")
    )
    head = waiting.first()
    if head is None:
        return Skip("nobody is waiting any more")
    return render_for(
        message,
        template=TEMPLATES + "seat_freed",
        context={
            "community": community,
            "seats_taken": community.seats_taken,
            "head": head,
            "waiting_count": waiting.count(),
            "decide_url": absolute_url("communities:request_detail", head.pk),
        },
    )


@message_kind(WITHOUT_LEAD)
def build_community_without_lead(message: OutboxMessage):
    decision = (
        Decision.objects.select_related("community", "subject")
        .filter(pk=message.params["decision"])
        .first()
    )
    if decision is None:
        return Skip("the event is gone")
    community = decision.community
    if community.memberships.filter(role=Role.LEAD).exists():
        return Skip("a new lead was named before this was sent")
    return render_for(
        message,
        template=TEMPLATES + "community_without_lead",
        context={
            "community": community,
            "former_lead": decision.subject,
            "left_at": decision.created_at,
            "pending_count": community.join_requests.filter(
                status=JoinRequestStatus.PENDING
            ).count(),
            "admin_url": absolute_url("admin:communities_community_change", community.pk),
        },
    )


@message_kind(ESCALATION)
def build_join_request_escalation(message: OutboxMessage):
    join_request = _join_request(message)
    if join_request is None or not join_request.is_open:
        return Skip("the request was decided or withdrawn before this was sent")
    return render_for(
        message,
        template=TEMPLATES + "join_request_escalation",
        context={
            "join_request": join_request,
            "community": join_request.community,
            "to_staff": message.params.get("to_staff", False),
            "age_days": (timezone.now() - join_request.created_at).days,
            "decide_url": absolute_url("communities:request_detail", join_request.pk),
        },
    )


@message_kind(OPENED)
def build_community_opened(message: OutboxMessage):
    community = Community.objects.filter(pk=message.params["community"]).first()
    if community is None or community.in_preparation:
        return Skip("the community is gone or back in preparation")
    if Membership.objects.filter(community=community, member_id=message.recipient_id).exists():
        return Skip("the member already has a seat")
    return render_for(
        message,
        template=TEMPLATES + "community_opened",
        context={
            "community": community,
            "head_start_ends_at": community.head_start_ends_at,
            "community_url": absolute_url("communities:detail", community.slug)
            + "#participation-heading",
        },
    )
