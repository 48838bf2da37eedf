"""The e-mails about communities: who receives what, in their own language.

Each function takes an id, loads fresh rows and sends every message through
``aimq_portal.mail.send_once`` with a key naming the event and the recipient, so a task that
runs twice sends nothing twice. Each returns the number of messages actually sent."""

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from aimq_portal.mail import absolute_url, build_email, language_of, send_once
from communities.models import Community, Decision, JoinRequest, JoinRequestStatus, Role
from members.models import User

TEMPLATES = "communities/"


class _StaffAddress:
    """A staff address from settings, for when no staff account exists yet."""

    def __init__(self, email: str) -> None:
        self.email = email
        self.pk = email
        self.preferred_language = settings.LANGUAGE_CODE


def _leads(community: Community) -> list[User]:
    return list(
        User.objects.filter(
            memberships__community=community, memberships__role=Role.LEAD, is_active=True
        ).order_by("pk")
    )


def _staff() -> list:
    staff = list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))
    return staff or [_StaffAddress(email) for email in settings.STAFF_NOTIFICATION_EMAILS]


def _send(*, key: str, recipient, template: str, context: dict) -> bool:
    return send_once(
        key=f"{key}:to:{recipient.pk}",
        recipient=recipient.email,
        build=lambda: build_email(
            template=TEMPLATES + template,
            context=context,
            to=recipient.email,
            language=language_of(recipient),
        ),
    )


def _join_request(join_request_id: int) -> JoinRequest:
    return JoinRequest.objects.select_related("member", "community").get(pk=join_request_id)


def _is_full(community: Community) -> bool:
    return community.memberships.count() >= community.capacity


def send_join_request_submitted(join_request_id: int) -> int:
    join_request = _join_request(join_request_id)
    if not join_request.is_open:
        return 0
    community = join_request.community
    leads = _leads(community)
    recipients = leads or _staff()
    context = {
        "join_request": join_request,
        "community": community,
        "is_full": _is_full(community),
        "to_staff": not leads,
        "decide_url": absolute_url("communities:request_detail", join_request.pk),
    }
    return sum(
        _send(
            key=f"join-request:{join_request.pk}:submitted",
            recipient=recipient,
            template="join_request_submitted",
            context=context,
        )
        for recipient in recipients
    )


def send_join_request_decided(join_request_id: int) -> int:
    join_request = _join_request(join_request_id)
    if join_request.status not in (JoinRequestStatus.APPROVED, JoinRequestStatus.DECLINED):
        return 0
    community = join_request.community
    context = {
        "join_request": join_request,
        "community": community,
        "approved": join_request.status == JoinRequestStatus.APPROVED,
        "community_url": absolute_url("communities:detail", community.slug),
    }
    return int(
        _send(
            key=f"join-request:{join_request.pk}:{join_request.status}",
            recipient=join_request.member,
            template="join_request_decided",
            context=context,
        )
    )


def send_member_removed(decision_id: int) -> int:
    decision = Decision.objects.select_related("community", "subject").get(pk=decision_id)
    if decision.subject is None:
        return 0
    context = {"decision": decision, "community": decision.community, "member": decision.subject}
    return int(
        _send(
            key=f"decision:{decision.pk}:removed",
            recipient=decision.subject,
            template="member_removed",
            context=context,
        )
    )


def send_seat_freed(community_id: int) -> int:
    community = Community.objects.annotate(seats_taken=Count("memberships")).get(pk=community_id)
    if community.seats_taken >= community.capacity:
        return 0  # the seat was taken again before this ran
    waiting = (
        JoinRequest.objects.filter(community=community, status=JoinRequestStatus.PENDING)
        .select_related("member")
        .order_by("created_at", "pk")
    )
    head = waiting.first()
    if head is None:
        return 0
    # Several seats freed close together make one message: the key names the latest event.
    latest_event = community.decisions.order_by("-pk").values_list("pk", flat=True).first()
    leads = _leads(community)
    context = {
        "community": community,
        "seats_taken": community.seats_taken,
        "head": head,
        "waiting_count": waiting.count(),
        "decide_url": absolute_url("communities:request_detail", head.pk),
    }
    return sum(
        _send(
            key=f"community:{community.pk}:seat-freed:{latest_event}",
            recipient=recipient,
            template="seat_freed",
            context=context,
        )
        for recipient in leads or _staff()
    )


def send_community_without_lead(decision_id: int) -> int:
    """Staff learn that the last lead left (or closed their account) and who is waiting."""
    decision = Decision.objects.select_related("community", "subject").get(pk=decision_id)
    community = decision.community
    if _leads(community):
        return 0  # a new lead was named before this ran
    context = {
        "community": community,
        "former_lead": decision.subject,
        "left_at": decision.created_at,
        "pending_count": community.join_requests.filter(status=JoinRequestStatus.PENDING).count(),
        "admin_url": absolute_url("admin:communities_community_change", community.pk),
    }
    return sum(
        _send(
            key=f"community:{community.pk}:without-lead:{decision.pk}",
            recipient=recipient,
            template="community_without_lead",
            context=context,
        )
        for recipient in _staff()
    )


def send_join_request_escalation(join_request_id: int, audience: str) -> int:
    join_request = _join_request(join_request_id)
    if not join_request.is_open:
        return 0
    community = join_request.community
    to_staff = audience == "staff"
    recipients = _staff() if to_staff else (_leads(community) or _staff())
    context = {
        "join_request": join_request,
        "community": community,
        "to_staff": to_staff,
        "age_days": (timezone.now() - join_request.created_at).days,
        "decide_url": absolute_url("communities:request_detail", join_request.pk),
    }
    return sum(
        _send(
            key=f"join-request:{join_request.pk}:escalation:{audience}",
            recipient=recipient,
            template="join_request_escalation",
            context=context,
        )
        for recipient in recipients
    )
