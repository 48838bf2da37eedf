"""What the member pages read, each in a fixed number of queries."""

from functools import reduce
from operator import or_
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone

from aimq_portal.models import EmailDelivery
from communities.models import Decision, JoinRequest, JoinRequestStatus, Membership
from meetings.models import Attendance, CalendarFeedToken, Reminder, Rsvp
from members.models import User


def users_owning_email(email: str) -> list[User]:
    """The accounts an address belongs to, for the log-in, the password reset and the
    uniqueness of a sign-up: the ones that confirmed it from its mailbox (the database lets only
    one do so); failing that, the one whose login address it is (a newcomer who has not
    confirmed yet, an account staff opened), which may confirm it. An address someone typed on
    their e-mail page without confirming it belongs to nobody: it finds no account. Two
    queries at most."""
    email = (email or "").strip()
    if not email:
        return []
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True)
    owners = list(User.objects.filter(pk__in=confirmed.values("user_id")))
    return owners or list(User.objects.filter(email__iexact=email))


def member_addresses(user: User) -> list[str]:
    """The addresses that are the member's: their login address and every address they
    confirmed, lower-cased. Only these bring messages into their data download or have their
    history anonymised when they leave; an address they typed without confirming it may be
    someone else's. One query."""
    confirmed = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    return sorted({user.email.lower(), *(address.lower() for address in confirmed)})


def _choice(value: str, label: str) -> dict[str, str]:
    """A coded value with its label in the reader's language: both stay readable."""
    return {"code": value, "label": str(label) if value else ""}


def _meeting(meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "community": meeting.community.name,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "cancelled": meeting.is_cancelled,
    }


def member_data_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about a member (Loi 25: the right of access), as plain data
    the member's download serialises to JSON and the admin could reuse. Labels are in the
    active language; dates are aware datetimes. The calendar feed's secret is not included:
    only whether one exists. Ten queries, whatever the member's history."""
    email_addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    addresses = member_addresses(user)
    memberships = Membership.objects.filter(member=user).select_related("community")
    join_requests = JoinRequest.objects.filter(member=user).select_related("community")
    decisions = Decision.objects.filter(subject=user).select_related("community")
    answers = Rsvp.objects.filter(member=user).select_related("meeting__community")
    attendance = Attendance.objects.filter(member=user).select_related("meeting__community")
    reminders = Reminder.objects.filter(member=user, sent_at__isnull=False).select_related(
        "meeting__community"
    )
    deliveries = EmailDelivery.objects.filter(
        reduce(or_, [Q(recipient__iexact=address) for address in addresses]),
        sent_at__isnull=False,
    )
    feed = CalendarFeedToken.objects.filter(member=user).only("created_at").first()

    return {
        "generated_at": timezone.now(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": user.job_title,
            "organisation": user.organisation,
            "organisation_type": _choice(
                user.organisation_type, user.get_organisation_type_display()
            ),
            "region": _choice(user.region, user.get_region_display()),
            "phone": user.phone,
            "expertise": user.expertise,
            "preferred_language": _choice(
                user.preferred_language, user.get_preferred_language_display()
            ),
        },
        "privacy": {
            "consent_given_at": user.privacy_consent_at,
            "contact_visible_to_fellow_members": user.contact_visible,
        },
        "account": {
            "joined_at": user.date_joined,
            "last_login_at": user.last_login,
            "is_active": user.is_active,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in email_addresses
        ],
        "memberships": [
            {
                "community": membership.community.name,
                "role": _choice(membership.role, membership.get_role_display()),
                "since": membership.joined_at,
            }
            for membership in memberships.order_by("joined_at", "pk")
        ],
        "join_requests": [
            {
                "community": join_request.community.name,
                "status": _choice(join_request.status, join_request.get_status_display()),
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
                "action": _choice(decision.action, decision.get_action_display()),
                "at": decision.created_at,
                "message": decision.message,
            }
            for decision in decisions.order_by("created_at", "pk")
        ],
        "meeting_answers": [
            {
                "meeting": _meeting(answer.meeting),
                "answer": _choice(answer.response, answer.get_response_display()),
                "stays_for_lunch": answer.stays_for_lunch,
                "dietary_needs": answer.dietary_needs,
                "answered_at": answer.updated_at,
            }
            for answer in answers.order_by("meeting__starts_at", "pk")
        ],
        "attendance": [
            {
                "meeting": _meeting(record.meeting),
                "mode": _choice(record.mode, record.get_mode_display()),
                "recorded_at": record.recorded_at,
            }
            for record in attendance.order_by("meeting__starts_at", "pk")
        ],
        "meeting_reminders": [
            {"meeting": _meeting(reminder.meeting), "sent_at": reminder.sent_at}
            for reminder in reminders.order_by("sent_at", "pk")
        ],
        "emails_sent": [
            {"to": delivery.recipient, "subject": delivery.subject, "sent_at": delivery.sent_at}
            for delivery in deliveries.order_by("sent_at", "pk")
        ],
        "calendar_feed": {
            "exists": feed is not None,
            "created_at": feed.created_at if feed else None,
        },
    }


def account_close_summary(*, user: User) -> dict[str, Any]:
    """What closing the account will change for the member, for the confirmation page: the
    communities they belong to (and lead), their pending requests and upcoming answers."""
    memberships = list(
        Membership.objects.filter(member=user)
        .select_related("community")
        .order_by("community__name_fr")
    )
    return {
        "memberships": memberships,
        "led_communities": [m.community for m in memberships if m.is_lead],
        "pending_requests": JoinRequest.objects.filter(
            member=user, status=JoinRequestStatus.PENDING
        ).count(),
        "upcoming_answers": Rsvp.objects.filter(
            member=user, meeting__starts_at__gt=timezone.now()
        ).count(),
    }
