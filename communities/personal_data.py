"""The communities' part of a member's personal data (``members.personal_data``): their
memberships, join requests and history, and what they wrote as a lead; registered in
CommunitiesConfig.ready()."""

from typing import Any

from django.db.models import Q

from communities import emails, services
from communities.models import Decision, JoinRequest, JoinRequestStatus, Membership
from members.models import User
from members.personal_data import DataSubject, PersonalDataPart, coded
from notifications.services import messages_forget_subjects

SECTIONS = ("memberships", "join_requests", "community_history", "decisions_made")


def export(subject: DataSubject) -> dict[str, Any]:
    """Four queries."""
    user = subject.user
    memberships = (
        Membership.objects.filter(member=user)
        .select_related("community")
        .order_by("community__name_fr", "pk")
    )
    join_requests = JoinRequest.objects.filter(member=user).select_related("community")
    history = Decision.objects.filter(subject=user).select_related("community")
    # What they did as a lead (or as staff) to others: decisions with the message they wrote.
    # Whom a decision was about is someone else's information and stays out.
    made = Decision.objects.filter(actor=user).exclude(subject=user).select_related("community")
    return {
        "memberships": [
            {
                "community": membership.community.name,
                "role": coded(membership.role, membership.get_role_display()),
                "since": membership.joined_at,
                "notifications": coded(
                    membership.notifications, membership.get_notifications_display()
                ),
            }
            for membership in memberships.order_by("joined_at", "pk")
        ],
        "join_requests": [
            {
                "community": join_request.community.name,
                "status": coded(join_request.status, join_request.get_status_display()),
                "submitted_at": join_request.created_at,
                "decided_at": join_request.decided_at,
                "motivation": join_request.motivation,
                "message_from_the_leads": join_request.decision_message,
            }
            for join_request in join_requests.order_by("created_at", "pk")
        ],
        "community_history": [
            {
                "community": decision.community.name,
                "action": coded(decision.action, decision.get_action_display()),
                "at": decision.created_at,
                "message": decision.message,
            }
            for decision in history.order_by("created_at", "pk")
        ],
        "decisions_made": [
            {
                "community": decision.community.name,
                "action": coded(decision.action, decision.get_action_display()),
                "at": decision.created_at,
                "message": decision.message,
                "detail": decision.detail,
            }
            for decision in made.order_by("created_at", "pk")
        ],
    }


def erase(subject: DataSubject) -> None:
    """Withdraws the member's pending requests and leaves each community through the services
    (seats free, the waiting list's leads are told, staff hear of a community left without a
    lead, the meetings app withdraws upcoming answers); then clears what the member wrote about
    themselves and takes their name out of what leads wrote about them."""
    user = subject.user
    pending = JoinRequest.objects.filter(member=user, status=JoinRequestStatus.PENDING)
    for join_request in pending.select_related("community").order_by("community_id"):
        services.join_request_withdraw(join_request=join_request, member=user)
    for membership in (
        Membership.objects.filter(member=user).select_related("community").order_by("community_id")
    ):
        services.membership_leave(community=membership.community, member=user)

    JoinRequest.objects.filter(member=user).exclude(motivation="").update(motivation="")
    _redact_leads_messages(subject)
    # The leads were told "<name> asks to join": those subjects name the member.
    messages_forget_subjects(
        kind=emails.SUBMITTED,
        param="join_request",
        values=JoinRequest.objects.filter(member=user).values_list("pk", flat=True),
    )


def _redact_leads_messages(subject: DataSubject) -> None:
    """The messages leads wrote stay with their decisions (they are the community's reasons),
    without the member's name: in decisions about the member, any of their names; elsewhere,
    their full name or address. Two reads, two writes at most."""
    user = subject.user
    decisions = Decision.objects.filter(
        (Q(subject=user) & ~Q(message="")) | subject.mentions("message")
    ).only("pk", "subject_id", "message")
    changed = []
    for decision in decisions:
        redacted = subject.redact(decision.message, about_them=decision.subject_id == user.pk)
        if redacted != decision.message:
            decision.message = redacted
            changed.append(decision)
    Decision.objects.bulk_update(changed, ["message"])

    join_requests = JoinRequest.objects.filter(
        (Q(member=user) & ~Q(decision_message="")) | subject.mentions("decision_message")
    ).only("pk", "member_id", "decision_message")
    changed = []
    for join_request in join_requests:
        redacted = subject.redact(
            join_request.decision_message, about_them=join_request.member_id == user.pk
        )
        if redacted != join_request.decision_message:
            join_request.decision_message = redacted
            changed.append(join_request)
    JoinRequest.objects.bulk_update(changed, ["decision_message"])


def closure_context(user: User) -> dict[str, Any]:
    memberships = list(
        Membership.objects.filter(member=user)
        .select_related("community")
        .order_by("community__name_fr")
    )
    return {
        "memberships": memberships,
        "leads_a_community": any(membership.is_lead for membership in memberships),
        "pending_requests": JoinRequest.objects.filter(
            member=user, status=JoinRequestStatus.PENDING
        ).count(),
    }


PART = PersonalDataPart(
    name="communities",
    sections=SECTIONS,
    export=export,
    erase=erase,
    closure_template="communities/includes/account_close_summary.html",
    closure_context=closure_context,
)
