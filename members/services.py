"""Every change with business meaning to a member's account: profile, consent, closure."""

from functools import reduce
from importlib import import_module
from operator import or_

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from aimq_portal.models import EmailDelivery
from communities import services as community_services
from communities.models import JoinRequest, JoinRequestStatus, Membership
from meetings.models import CalendarFeedToken, Meeting, Rsvp
from members.models import Language, User
from members.selectors import member_addresses

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "organisation_type",
    "region",
    "phone",
    "expertise",
    "preferred_language",
    "contact_visible",
)

# What a closed account keeps of its profile: nothing but the defaults.
_CLEARED_PROFILE = {
    "first_name": "",
    "last_name": "",
    "job_title": "",
    "organisation": "",
    "organisation_type": "",
    "region": "",
    "phone": "",
    "expertise": "",
    "preferred_language": Language.FRENCH,
    "contact_visible": False,
}

CLOSED_EMAIL_DOMAIN = "invalid.example"


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    """Saves the profile fields a member edits; anything else in ``data`` is ignored.

    Compares with the stored row, not with ``user``: a ModelForm bound to ``user`` has already
    copied its input onto that object, so comparing with it would find nothing to save.
    """
    stored = User.objects.select_for_update().get(pk=user.pk)
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(stored, field) != data[field]:
            setattr(stored, field, data[field])
            changed.append(field)
    if changed:
        stored.full_clean(exclude=["password"])
        stored.save(update_fields=changed)
        for field in changed:
            setattr(user, field, getattr(stored, field))
    return stored


def consent_record(*, user: User, contact_visible: bool) -> User:
    """Records the member's consent (with its date) and whether they let the members of their
    communities see their e-mail address and phone number: at sign-up, or on the first visit of
    an account the association created for them."""
    user.privacy_consent_at = timezone.now()
    user.contact_visible = bool(contact_visible)
    user.save(update_fields=["privacy_consent_at", "contact_visible"])
    return user


def email_claims_release(*, email_address: EmailAddress) -> int:
    """Once its owner confirmed an address, no other account can (the database keeps a single
    confirmed copy), so the copies other accounts typed without confirming go: a claim that can
    never be proven is only a trap (its confirmation link still sits in the owner's mailbox).
    An account's primary row is left alone: it is its login address. Returns how many went."""
    deleted, _by_model = (
        EmailAddress.objects.filter(email__iexact=email_address.email, verified=False)
        .exclude(user_id=email_address.user_id)
        .exclude(primary=True)
        .delete()
    )
    return deleted


def closed_account_email(user: User) -> str:
    """A unique address that routes nowhere (RFC 2606 reserves .example), so the e-mail column
    stays unique and no message can reach anyone."""
    return f"ancien-membre-{user.pk}@{CLOSED_EMAIL_DOMAIN}"


def account_close(*, user: User) -> User:
    """Closes a member's account (Loi 25: withdrawal of consent), in one transaction.

    What the communities and meetings need to stay true goes through their own rules: pending
    join requests are withdrawn and every community is left through the community services (so
    seats free and the leads of a waiting list are told, exactly as when a member leaves), and
    answers to meetings that have not started are removed under the meeting's lock (so in-person
    seat counts stay right). Then the personal information goes: calendar feed, e-mail addresses,
    sessions, profile, and the address kept in the e-mail ledger. The row itself stays,
    anonymised, so that decisions, past join requests, attendance and past answers keep their
    history; it reads "Former member" everywhere.

    Safe to run twice: a closed account is returned as it is."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.closed_at is not None:
            return user
        addresses = member_addresses(user)

        for join_request in JoinRequest.objects.filter(
            member=user, status=JoinRequestStatus.PENDING
        ).select_related("community"):
            community_services.join_request_withdraw(join_request=join_request, member=user)
        for membership in Membership.objects.filter(member=user).select_related("community"):
            community_services.membership_leave(community=membership.community, member=user)

        _remove_upcoming_answers(user)
        _clear_personal_data_in_history(user)

        CalendarFeedToken.objects.filter(member=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        anonymous_address = closed_account_email(user)
        # The e-mail ledger keeps which messages went out (so none is sent twice), not to whom.
        to_member = reduce(or_, [Q(recipient__iexact=address) for address in addresses])
        EmailDelivery.objects.filter(to_member).update(recipient=anonymous_address, last_error="")
        # Messages to leads named the requester in their subject ("X asks to join ...").
        submitted = _submitted_messages_about(user)
        if submitted is not None:
            EmailDelivery.objects.filter(submitted).exclude(subject="").update(subject="")

        for field, value in _CLEARED_PROFILE.items():
            setattr(user, field, value)
        user.email = anonymous_address
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.closed_at = timezone.now()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        _delete_sessions(user)
    return user


def _remove_upcoming_answers(user: User) -> None:
    """Answers to meetings that have not started are withdrawn; past ones stay as history.

    The meetings app has no service to withdraw an answer; this follows ``rsvp_set``'s rule
    (lock the meeting's row, then change its answers) so a concurrent answer counts the freed
    in-person seat right."""
    now = timezone.now()
    meeting_ids = list(
        Rsvp.objects.filter(member=user, meeting__starts_at__gt=now)
        .order_by("meeting_id")
        .values_list("meeting_id", flat=True)
    )
    # Locked in id order, as every other path locks one meeting: no deadlock between them.
    list(Meeting.objects.select_for_update().filter(pk__in=meeting_ids).order_by("pk"))
    Rsvp.objects.filter(member=user, meeting_id__in=meeting_ids).delete()


def _clear_personal_data_in_history(user: User) -> None:
    """What the history keeps is what happened and when; what the member wrote about themselves
    goes (their motivation to join, their dietary needs)."""
    JoinRequest.objects.filter(member=user).exclude(motivation="").update(motivation="")
    Rsvp.objects.filter(member=user).exclude(dietary_needs="").update(dietary_needs="")


def _submitted_messages_about(user: User) -> Q | None:
    """The "asks to join" messages about the member's join requests, whose keys are
    ``join-request:<id>:submitted:to:<recipient>`` (see communities.emails)."""
    ids = JoinRequest.objects.filter(member=user).values_list("pk", flat=True)
    keys = [Q(key__startswith=f"join-request:{pk}:submitted:") for pk in ids]
    return reduce(or_, keys) if keys else None


def _delete_sessions(user: User) -> None:
    """Ends every session of the member. Their password is now unusable, which already voids
    their sessions (Django checks a hash of it on each request); this removes the rows too.
    Sessions are not indexed by user, so the unexpired ones are read: a rare action on an
    association's few thousand sessions."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class: type[SessionBase] = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):
        return  # cookie or cache sessions: the unusable password is what ends them
    model = store_class.get_model_class()
    user_id = str(user.pk)
    for session in model.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            store_class(session.session_key).delete()
