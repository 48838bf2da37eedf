"""What the member pages read, each in a fixed number of queries."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Prefetch
from django.utils import timezone, translation

from members.models import ExpertiseArea, Region, User
from members.personal_data import DataSubject, coded, personal_data_parts
from notifications.selectors import messages_sent_to


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


def data_subject(user: User) -> DataSubject:
    """The member as the download and the closure see them (one query: their addresses)."""
    return DataSubject(
        user=user,
        addresses=tuple(member_addresses(user)),
        first_name=user.first_name.strip(),
        last_name=user.last_name.strip(),
    )


def member_data_export(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about a member (Loi 25: the right of access), as plain data
    the member's download serialises to JSON and the admin could reuse: their profile and
    account here, then each app's sections (``members.personal_data``): communities,
    requests and decisions, what they wrote as a lead, meetings and answers. Labels are in the
    active language; dates are aware datetimes. A fixed number of queries, whatever the
    member's history."""
    subject = data_subject(user)
    email_addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "job_title": user.job_title,
            "organisation": user.organisation,
            "organisation_type": coded(
                user.organisation_type, user.get_organisation_type_display()
            ),
            "region": coded(user.region, user.get_region_display()),
            "phone": user.phone,
            "expertise_areas": [
                coded(area.slug, area.label)
                for area in user.expertise_areas.order_by("label_fr", "pk")
            ],
            "expertise": user.expertise,
            "preferred_language": coded(
                user.preferred_language, user.get_preferred_language_display()
            ),
        },
        "privacy": {
            "consent_given_at": user.privacy_consent_at,
            "contact_visible_to_fellow_members": user.contact_visible,
            "listed_in_members_directory": user.directory_listed,
            "contact_visible_in_members_directory": user.directory_contact_visible,
        },
        "account": {
            "joined_at": user.date_joined,
            "last_login_at": user.last_login,
            "is_active": user.is_active,
        },
        # Every address on the account, the ones typed and not confirmed included (they are
        # what the member typed); only confirmed ones bring the messages below.
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in email_addresses
        ],
        "emails_sent": [
            {"to": message.to_email, "subject": message.subject, "sent_at": message.sent_at}
            for message in messages_sent_to(user_id=user.pk, addresses=subject.addresses)
        ],
    }
    for part in personal_data_parts():
        sections = dict(part.export(subject))
        if set(sections) != set(part.sections):
            raise ValueError(f"{part.name} exported {sorted(sections)}, not {part.sections}")
        data.update(sections)
    return data


def account_close_summaries(*, user: User) -> list[dict[str, Any]]:
    """What closing the account will change in each app, for the confirmation page: the
    fragments the apps registered, each with its context (``members.personal_data``)."""
    return [
        {"template": part.closure_template, "summary": part.closure_context(user)}
        for part in personal_data_parts()
        if part.closure_template and part.closure_context is not None
    ]


def with_expertise_areas(members):
    """``members`` (a User queryset) with their active areas of expertise prefetched as
    ``active_expertise_areas``, in the reader's language's order: one query for any number."""
    return members.prefetch_related(
        Prefetch(
            "expertise_areas",
            queryset=ExpertiseArea.objects.active().by_label(),
            to_attr="active_expertise_areas",
        )
    )


def member_searchable_text(member: User) -> str:
    """What a search index should know of a member to find them by what they do: name,
    organisation, region, the labels of their active areas of expertise in both languages,
    and their free expertise text. One query (none when ``member`` comes from
    ``with_expertise_areas``). Whether the reader may find them (``directory_listed``, an open
    account) is the caller's business."""
    areas = getattr(member, "active_expertise_areas", None)
    if areas is None:
        areas = list(member.expertise_areas.active().order_by("label_fr", "pk"))
    region_labels = []
    if member.region:
        for language in ("fr-ca", "en"):
            with translation.override(language):
                region_labels.append(str(Region(member.region).label))
    parts = [
        member.get_full_name(),
        member.organisation,
        *dict.fromkeys(region_labels),
        *(label for area in areas for label in dict.fromkeys([area.label_fr, area.label_en])),
        member.expertise,
    ]
    return "\n".join(part for part in parts if part)
