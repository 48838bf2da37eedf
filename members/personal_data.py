"""A member's personal data across the portal: its download (Loi 25's right of access) and its
erasure when the account closes (the withdrawal of consent).

members is the user app, at the bottom: it never imports the apps above it. Each of them
holds part of a member's data, and contributes that part by registering it here from its
AppConfig.ready(), as pretix's data shredders do: a part exports its own data, and erases it.
members calls every registered part (``members.selectors.member_data_export``,
``members.services.account_close``) and handles its own data itself: profile, addresses,
the e-mails the outbox sent them (``notifications``), the admin log and sessions.

    from members.personal_data import PersonalDataPart, register_personal_data

    class MeetingsConfig(AppConfig):
        def ready(self):
            register_personal_data(
                PersonalDataPart(
                    name="meetings",
                    sections=("meeting_answers", ...),
                    export=export_meetings_data,      # (DataSubject) -> {section: data}
                    erase=erase_meetings_data,        # (DataSubject) -> None
                    closure_template="meetings/includes/account_close_summary.html",
                    closure_context=closure_summary,  # (User) -> {name: value}
                )
            )
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from members.models import User

# The sections of the download that members fills itself; no part may claim them.
MEMBER_SECTIONS = ("profile", "privacy", "account", "email_addresses", "emails_sent")


def coded(value: str, label) -> dict[str, str]:
    """A coded value with its label in the reader's language, as the download shows choices:
    both stay readable."""
    return {"code": value, "label": str(label) if value else ""}


def former_member_label() -> str:
    """What replaces a closed account's name in stored text (messages, the admin log), in the
    portal's first language, whoever closes it: stored text does not follow the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Former member")


@dataclass(frozen=True)
class DataSubject:
    """The member whose data is exported or erased, as they were before anything is erased:
    each part of an erasure can still find the member's name and addresses in what others
    wrote. ``addresses`` are only the member's own (their login address and the ones they
    confirmed, ``members.selectors.member_addresses``), lower-cased."""

    user: User
    addresses: tuple[str, ...]
    first_name: str = ""
    last_name: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def _terms(self, *, about_them: bool) -> list[str]:
        terms = [self.full_name, *self.addresses]
        if about_them:
            # Alone, a first or last name is the member's only in what is about them: in
            # another member's record, "Roy" or "Marie" may well be someone else.
            terms += [self.first_name, self.last_name]
        return sorted({term for term in terms if len(term) >= 2}, key=len, reverse=True)

    def mentions(self, field: str) -> Q:
        """Rows whose text ``field`` may name the member (full name or an address), for a
        first pass in the database; ``redact`` then decides, word by word. The JSON form of
        each term is searched too: the admin log stores its messages as JSON, "é" as
        "\\u00e9"."""
        terms = self._terms(about_them=False)
        lookups = {variant for term in terms for variant in (term, json.dumps(term)[1:-1])}
        return reduce(or_, (Q(**{f"{field}__icontains": term}) for term in lookups), Q(pk__in=[]))

    def redact(self, text: str, *, about_them: bool = False) -> str:
        """``text`` with every mention of the member (their full name, their addresses, and,
        in what is about them, their first or last name alone) replaced by "Former member".
        Names are matched as written (a capitalised "Côté" is a name, "à côté" is not), whole
        words only; addresses in any case."""
        terms = self._terms(about_them=about_them)
        if not text or not terms:
            return text
        alternatives = [
            f"(?i:{re.escape(term)})" if "@" in term else re.escape(term) for term in terms
        ]
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
        return pattern.sub(former_member_label(), text)


@dataclass(frozen=True)
class PersonalDataPart:
    """What one app holds about a member.

    ``export(subject)`` returns the app's sections of the download, exactly the keys named in
    ``sections``, as plain data DjangoJSONEncoder serialises (labels in the active language);
    a fixed number of queries, whatever the member's history.

    ``erase(subject)`` runs inside the closure's transaction, with the member's row locked,
    before members erases its own data. It goes through the app's services (so the app's rules
    hold: seats free, leads are told), removes what the member wrote about themselves, and
    anonymises what must stay as history. It must be safe to run on an account with nothing.

    ``closure_template`` (optional) is a fragment included on the closure page, rendered with
    ``summary``: what ``closure_context(user)`` returns (what closing will change there)."""

    name: str
    sections: tuple[str, ...]
    export: Callable[[DataSubject], Mapping[str, Any]]
    erase: Callable[[DataSubject], None]
    closure_template: str = ""
    closure_context: Callable[[User], Mapping[str, Any]] | None = None


_parts: dict[str, PersonalDataPart] = {}


def register_personal_data(part: PersonalDataPart) -> None:
    """Adds (or, under the same name, replaces) an app's part. Parts are exported and erased
    in the order they registered: INSTALLED_APPS's order, since each registers in ready()."""
    claimed = {
        section: other.name
        for other in _parts.values()
        if other.name != part.name
        for section in other.sections
    }
    claimed.update(dict.fromkeys(MEMBER_SECTIONS, "members"))
    for section in part.sections:
        if section in claimed:
            raise ValueError(
                f"{part.name}: section {section!r} already filled by {claimed[section]}"
            )
    _parts[part.name] = part


def unregister_personal_data(name: str) -> None:
    _parts.pop(name, None)


def personal_data_parts() -> tuple[PersonalDataPart, ...]:
    return tuple(_parts.values())
