"""Every change with business meaning to communities, memberships and join requests.

The membership cap is a count that must hold under concurrency, so every service that adds
a seat, frees one or changes the capacity starts by locking the community's row
(``SELECT ... FOR UPDATE``) inside a transaction, then recounts. Concurrent approvals of one
community therefore run one after the other; different communities do not wait for each other.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import emails, permissions
from communities.models import (
    MAX_CAPACITY,
    MOTIVATION_MAX_LENGTH,
    Community,
    Decision,
    DecisionAction,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    NotificationChoice,
    Role,
)
from communities.signals import membership_ended
from members.models import User


class CommunityFull(ValidationError):
    """No seat is left: the request stays pending, on the waiting list."""


class AlreadyDecided(ValidationError):
    """Someone else decided this request first (two leads at once, a double click)."""


def _lock_community(community_id: int) -> Community:
    return Community.objects.select_for_update().get(pk=community_id)


def _seats_taken(community: Community) -> int:
    return Membership.objects.filter(community=community).count()


def _record(
    *,
    community: Community,
    action: str,
    actor: User | None,
    subject: User | None = None,
    join_request: JoinRequest | None = None,
    message: str = "",
    detail: str = "",
) -> Decision:
    return Decision.objects.create(
        community=community,
        action=action,
        actor=actor,
        subject=subject,
        join_request=join_request,
        message=message,
        detail=detail,
    )


def join_request_create(*, community: Community, member: User, motivation: str) -> JoinRequest:
    """Asks to join. A full community still takes the request: it waits on the waiting list."""
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError(_("Tell the leads briefly why you want to join."), code="required")
    if len(motivation) > MOTIVATION_MAX_LENGTH:
        raise ValidationError(
            _("Keep your motivation under %(limit)d characters."),
            code="max_length",
            params={"limit": MOTIVATION_MAX_LENGTH},
        )
    with transaction.atomic():
        community = _lock_community(community.pk)
        if not community.accepting_requests:
            raise ValidationError(
                _("This community is not taking join requests at the moment."), code="closed"
            )
        if Membership.objects.filter(community=community, member=member).exists():
            raise ValidationError(_("You are already a member of this community."), code="member")
        try:
            # The savepoint keeps the outer transaction usable when the constraint fires.
            with transaction.atomic():
                join_request = JoinRequest.objects.create(
                    community=community, member=member, motivation=motivation
                )
        except IntegrityError:
            raise ValidationError(
                _("You already have a pending request for this community."), code="duplicate"
            ) from None
        _record(
            community=community,
            action=DecisionAction.REQUESTED,
            actor=member,
            subject=member,
            join_request=join_request,
        )
        emails.notify_join_request_submitted(join_request)
    return join_request


def join_request_withdraw(*, join_request: JoinRequest, member: User) -> JoinRequest:
    if join_request.member_id != member.pk:
        raise PermissionDenied
    with transaction.atomic():
        _lock_community(join_request.community_id)
        join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if not join_request.is_open:
            raise AlreadyDecided(_("This request is no longer pending."), code="decided")
        join_request.status = JoinRequestStatus.WITHDRAWN
        join_request.decided_at = timezone.now()
        join_request.decided_by = member
        join_request.save(update_fields=["status", "decided_at", "decided_by"])
        _record(
            community=join_request.community,
            action=DecisionAction.WITHDRAWN,
            actor=member,
            subject=member,
            join_request=join_request,
        )
    return join_request


def _lock_open_request(*, join_request: JoinRequest, decided_by: User) -> tuple:
    community = _lock_community(join_request.community_id)
    if not permissions.can_decide_requests(decided_by, community):
        raise PermissionDenied
    join_request = (
        JoinRequest.objects.select_for_update().select_related("member").get(pk=join_request.pk)
    )
    if not join_request.is_open:
        raise AlreadyDecided(
            _("This request was already %(status)s.")
            % {"status": join_request.get_status_display().lower()},
            code="decided",
        )
    return community, join_request


def join_request_approve(
    *, join_request: JoinRequest, decided_by: User, message: str = ""
) -> Membership:
    """Gives the requester a seat if one is left; otherwise raises CommunityFull and the request
    stays pending on the waiting list."""
    with transaction.atomic():
        community, join_request = _lock_open_request(
            join_request=join_request, decided_by=decided_by
        )
        if _seats_taken(community) >= community.capacity:
            full = True
        else:
            full = False
            membership, _created = Membership.objects.get_or_create(
                community=community, member=join_request.member
            )
            join_request.status = JoinRequestStatus.APPROVED
            join_request.decided_at = timezone.now()
            join_request.decided_by = decided_by
            join_request.decision_message = message.strip()
            join_request.save(
                update_fields=["status", "decided_at", "decided_by", "decision_message"]
            )
            _record(
                community=community,
                action=DecisionAction.APPROVED,
                actor=decided_by,
                subject=join_request.member,
                join_request=join_request,
                message=join_request.decision_message,
            )
            emails.notify_join_request_decided(join_request)
    if full:
        raise CommunityFull(
            _(
                "%(community)s is full (%(capacity)d members): the request stays on the "
                "waiting list until a seat frees."
            ),
            code="full",
            params={"community": community.name, "capacity": community.capacity},
        )
    return membership


def join_request_decline(
    *, join_request: JoinRequest, decided_by: User, message: str = ""
) -> JoinRequest:
    with transaction.atomic():
        community, join_request = _lock_open_request(
            join_request=join_request, decided_by=decided_by
        )
        join_request.status = JoinRequestStatus.DECLINED
        join_request.decided_at = timezone.now()
        join_request.decided_by = decided_by
        join_request.decision_message = message.strip()
        join_request.save(update_fields=["status", "decided_at", "decided_by", "decision_message"])
        _record(
            community=community,
            action=DecisionAction.DECLINED,
            actor=decided_by,
            subject=join_request.member,
            join_request=join_request,
            message=join_request.decision_message,
        )
        emails.notify_join_request_decided(join_request)
    return join_request


def _someone_waits(community: Community) -> bool:
    return JoinRequest.objects.filter(
        community=community, status=JoinRequestStatus.PENDING
    ).exists()


def _free_seat(*, community: Community, membership: Membership, member: User, reason: str) -> None:
    """Ends a membership (the community's row is locked): the seat frees for the waiting list,
    and the apps above hear of it (the meetings app withdraws the member's answers to the
    community's upcoming meetings) in this same transaction."""
    membership.delete()
    membership_ended.send(sender=Membership, community=community, member=member, reason=reason)


def membership_leave(*, community: Community, member: User) -> None:
    with transaction.atomic():
        community = _lock_community(community.pk)
        membership = Membership.objects.filter(community=community, member=member).first()
        if membership is None:
            raise ValidationError(_("You are not a member of this community."), code="not_member")
        _free_seat(
            community=community, membership=membership, member=member, reason=DecisionAction.LEFT
        )
        decision = _record(
            community=community, action=DecisionAction.LEFT, actor=member, subject=member
        )
        if _someone_waits(community):
            emails.notify_seat_freed(community, event=decision)
        if (
            membership.role == Role.LEAD
            and not community.memberships.filter(role=Role.LEAD).exists()
        ):
            # Join requests now go to staff (no lead to decide them): staff must name a lead.
            emails.notify_community_without_lead(decision)


def membership_remove(*, membership: Membership, removed_by: User, reason: str) -> Decision:
    """A lead (or staff) removes a member; the member receives the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the member a reason for the removal."), code="required")
    with transaction.atomic():
        community = _lock_community(membership.community_id)
        if not permissions.can_manage_members(removed_by, community):
            raise PermissionDenied
        membership = Membership.objects.select_related("member").filter(pk=membership.pk).first()
        if membership is None:
            raise ValidationError(_("This person is no longer a member."), code="not_member")
        if membership.member_id == removed_by.pk:
            raise ValidationError(
                _("Use “Leave this community” to remove yourself."), code="self_removal"
            )
        _free_seat(
            community=community,
            membership=membership,
            member=membership.member,
            reason=DecisionAction.REMOVED,
        )
        decision = _record(
            community=community,
            action=DecisionAction.REMOVED,
            actor=removed_by,
            subject=membership.member,
            message=reason,
        )
        emails.notify_member_removed(decision)
        if _someone_waits(community):
            emails.notify_seat_freed(community, event=decision)
    return decision


def community_set_capacity(*, community: Community, capacity: int, changed_by: User) -> Community:
    """Changes the cap. Lowering it below the current number of members is refused."""
    if capacity < 1:
        raise ValidationError(_("The capacity must be at least 1."), code="min_capacity")
    if capacity > MAX_CAPACITY:
        raise ValidationError(
            _("The capacity cannot be more than %(max)d."),
            code="max_capacity",
            params={"max": MAX_CAPACITY},
        )
    with transaction.atomic():
        community = _lock_community(community.pk)
        if not changed_by.is_staff:
            raise PermissionDenied
        members_count = _seats_taken(community)
        if capacity < members_count:
            raise ValidationError(
                _(
                    "The capacity cannot be lower than the current number of members "
                    "(%(count)d). Remove members first."
                ),
                code="below_count",
                params={"count": members_count},
            )
        previous = community.capacity
        if capacity == previous:
            return community
        community.capacity = capacity
        community.save(update_fields=["capacity"])
        decision = _record(
            community=community,
            action=DecisionAction.CAPACITY_CHANGED,
            actor=changed_by,
            detail=f"{previous} → {capacity}",
        )
        if capacity > previous and previous <= members_count and _someone_waits(community):
            emails.notify_seat_freed(community, event=decision)
    return community


def lead_assign(*, community: Community, member: User, assigned_by: User) -> Membership:
    """Makes a member a lead; a newcomer takes a seat, so the cap is checked like an approval."""
    with transaction.atomic():
        community = _lock_community(community.pk)
        if not assigned_by.is_staff:
            raise PermissionDenied
        membership = Membership.objects.filter(community=community, member=member).first()
        if membership is None:
            if _seats_taken(community) >= community.capacity:
                raise CommunityFull(
                    _("%(community)s is full: free a seat before adding a lead."),
                    code="full",
                    params={"community": community.name},
                )
            membership = Membership.objects.create(
                community=community, member=member, role=Role.LEAD
            )
        elif membership.role != Role.LEAD:
            membership.role = Role.LEAD
            membership.save(update_fields=["role"])
    return membership


def membership_add(
    *, community: Community, member: User, added_by: User, role: str = Role.MEMBER
) -> Membership:
    """Staff seat someone directly (the admin's membership inline). A seat is a seat: the cap is
    checked under the community's lock exactly as for an approval."""
    if role == Role.LEAD:
        return lead_assign(community=community, member=member, assigned_by=added_by)
    with transaction.atomic():
        community = _lock_community(community.pk)
        if not added_by.is_staff:
            raise PermissionDenied
        if Membership.objects.filter(community=community, member=member).exists():
            raise ValidationError(
                _("%(member)s is already a member of this community."),
                code="member",
                params={"member": member.display_name},
            )
        if _seats_taken(community) >= community.capacity:
            raise CommunityFull(
                _(
                    "%(community)s is full (%(capacity)d members): free a seat or raise the "
                    "capacity before adding a member."
                ),
                code="full",
                params={"community": community.name, "capacity": community.capacity},
            )
        return Membership.objects.create(community=community, member=member, role=Role.MEMBER)


def join_requests_escalate_undecided(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Requests undecided for 7 days: their leads are reminded; for 14 days: staff are told.

    Each nudge is claimed once by a conditional UPDATE of its timestamp, and its messages are
    written in the same transaction: two sweeps at once, or one that crashed halfway, neither
    repeat nor lose a nudge. Returns the ids of the requests escalated, per audience."""
    now = now or timezone.now()
    escalated: dict[str, list[int]] = {"leads": [], "staff": []}
    pending = JoinRequest.objects.filter(status=JoinRequestStatus.PENDING)
    for audience, field, age in (
        ("leads", "leads_reminded_at", timedelta(days=7)),
        ("staff", "staff_alerted_at", timedelta(days=14)),
    ):
        due = pending.filter(**{f"{field}__isnull": True, "created_at__lte": now - age})
        for join_request in due.select_related("community").order_by("created_at", "pk"):
            with transaction.atomic():
                won = JoinRequest.objects.filter(
                    pk=join_request.pk,
                    status=JoinRequestStatus.PENDING,
                    **{f"{field}__isnull": True},
                ).update(**{field: now})
                if won:
                    emails.notify_join_request_escalation(join_request, audience)
                    escalated[audience].append(join_request.pk)
    return escalated


def notification_choice_set(*, member: User, community_id: int, choice: str) -> bool | None:
    """Sets what ``member`` hears of one community. Idempotent: one conditional UPDATE, so a
    link followed twice (or a form sent twice) changes nothing the second time. Returns whether
    the choice changed, or None when the member does not belong to the community (any more)."""
    if choice not in NotificationChoice.values:
        raise ValidationError(_("This notification choice does not exist."), code="invalid")
    memberships = Membership.objects.filter(member=member, community_id=community_id)
    if memberships.exclude(notifications=choice).update(notifications=choice):
        return True
    return False if memberships.exists() else None


def notification_choices_set(*, member: User, choices: dict[int, str]) -> list[int]:
    """The member's form for all their communities: ``choices`` maps community ids to a
    choice. Communities the member does not belong to are ignored. Returns the ids of the
    communities whose choice changed."""
    changed = []
    with transaction.atomic():
        for community_id, choice in sorted(choices.items()):
            if notification_choice_set(member=member, community_id=community_id, choice=choice):
                changed.append(community_id)
    return changed


def notification_choices_digest_off(*, member: User) -> int:
    """Unsubscribes from the weekly digest (its List-Unsubscribe link): every community of
    the member where the choice was the digest changes to nothing. Returns how many changed."""
    return Membership.objects.filter(member=member, notifications=NotificationChoice.DIGEST).update(
        notifications=NotificationChoice.NOTHING
    )
