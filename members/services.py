"""Every change with business meaning to a member's account: profile, consent, closure."""

import json
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from members.models import ExpertiseArea, Language, User
from members.personal_data import DataSubject, former_member_label, personal_data_parts
from members.selectors import data_subject
from members.signals import expertise_areas_merged
from notifications.services import messages_forget_address

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
    "directory_listed",
    "directory_contact_visible",
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
    "directory_listed": False,
    "directory_contact_visible": False,
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
    if "expertise_areas" in data:
        _expertise_areas_set(member=stored, chosen=data["expertise_areas"])
    return stored


def _expertise_areas_set(*, member: User, chosen) -> None:
    """The member's areas become the active ones ``chosen``. Areas staff deactivated are not
    offered on the form, so the member could not keep them by ticking: they stay as they are
    (and come back into view if staff switch them on again). The chosen areas are read again
    under a lock: one that staff merged into another meanwhile is gone, not an error."""
    active = list(
        ExpertiseArea.objects.select_for_update()
        .filter(pk__in=[area.pk for area in chosen], is_active=True)
        .order_by("pk")
    )
    retired = list(member.expertise_areas.filter(is_active=False))
    member.expertise_areas.set([*active, *retired])


@transaction.atomic
def expertise_area_merge(*, keep: ExpertiseArea, duplicates) -> int:
    """Merges ``duplicates`` into ``keep`` (staff curating the vocabulary): every member who
    chose a duplicate has ``keep`` instead, and the duplicates go. Returns how many members
    gained ``keep``. The areas are locked first, so a member saving their profile meanwhile
    waits instead of choosing an area that is about to go."""
    duplicate_ids = [area.pk for area in duplicates if area.pk != keep.pk]
    list(
        ExpertiseArea.objects.select_for_update()
        .filter(pk__in=[keep.pk, *duplicate_ids])
        .order_by("pk")
    )
    link = User.expertise_areas.through
    holders = set(
        link.objects.filter(expertisearea_id__in=duplicate_ids).values_list("user_id", flat=True)
    )
    already = set(link.objects.filter(expertisearea_id=keep.pk).values_list("user_id", flat=True))
    gained = sorted(holders - already)
    link.objects.bulk_create(
        [link(user_id=user_id, expertisearea_id=keep.pk) for user_id in gained],
        ignore_conflicts=True,
    )
    ExpertiseArea.objects.filter(pk__in=duplicate_ids).delete()
    expertise_areas_merged.send(sender=ExpertiseArea, member_ids=sorted(holders))
    return len(gained)


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

    Each app above erases its own part first (``members.personal_data``), through its own
    rules: communities withdraw pending join requests and leave every community (seats free,
    the waiting list's leads are told, upcoming answers are withdrawn under each meeting's
    lock), take the member's name out of the leads' messages and clear their motivations;
    meetings withdraw the remaining upcoming answers, clear dietary needs and delete the
    calendar feed. Then the member's own data goes: the admin log's mentions of them, their
    address in the outbox, their e-mail addresses, sessions and profile. The row itself
    stays, anonymised, so that decisions, past join requests, attendance and past answers keep
    their history; it reads "Former member" everywhere.

    Safe to run twice: a closed account is returned as it is. Its cost grows with the number of
    communities the member belongs to, not with their history."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.closed_at is not None:
            return user
        # Taken before anything is erased: the parts look for the member's name and addresses.
        subject = data_subject(user)
        for part in personal_data_parts():
            part.erase(subject)

        _anonymise_admin_log(subject)
        anonymous_address = closed_account_email(user)
        # The outbox keeps which messages went out (so none is sent twice), not to whom.
        messages_forget_address(
            user_id=user.pk, addresses=subject.addresses, replacement=anonymous_address
        )
        EmailAddress.objects.filter(user=user).delete()
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
        user.expertise_areas.clear()
        _delete_sessions(user)
    return user


def _anonymise_admin_log(subject: DataSubject) -> None:
    """The admin log (django.contrib.admin's LogEntry) keeps what staff did, and when: it
    stays, as the association's record, but no longer names the member. Entries about their
    account read "Former member"; elsewhere (their membership, their join request...) their
    name and addresses are replaced in the entry's title and message. One read, one write."""
    user_type = ContentType.objects.get_for_model(User)
    own = Q(content_type=user_type, object_id=str(subject.user.pk))
    entries = LogEntry.objects.filter(
        own | subject.mentions("object_repr") | subject.mentions("change_message")
    )
    label = former_member_label()
    changed = []
    for entry in entries:
        about_them = entry.content_type_id == user_type.pk and entry.object_id == str(
            subject.user.pk
        )
        object_repr = label if about_them else subject.redact(entry.object_repr)
        change_message = _redact_change_message(entry.change_message, subject, about_them)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            entry.object_repr = object_repr[: LogEntry._meta.get_field("object_repr").max_length]
            entry.change_message = change_message
            changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["object_repr", "change_message"])


def _redact_change_message(message: str, subject: DataSubject, about_them: bool) -> str:
    """A LogEntry's message is JSON (a list of what was added or changed, with the titles of
    inline objects) or, in older entries, plain text."""
    try:
        structured = json.loads(message)
    except ValueError:
        return subject.redact(message, about_them=about_them)
    if not isinstance(structured, list):
        return subject.redact(message, about_them=about_them)

    def walk(value):
        if isinstance(value, str):
            return subject.redact(value, about_them=about_them)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    redacted = walk(structured)
    # Written back as Django wrote it (json.dumps' defaults), so an untouched entry is equal.
    return json.dumps(redacted) if redacted != structured else message


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
