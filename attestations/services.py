"""Issuing an attestation: the record behind its verification code."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from attestations.models import Attestation, new_code
from attestations.selectors import Activity, attended_activities, total_of
from members.models import User


class NothingToAttest(ValidationError):
    """The member attended no meeting that year."""


def _digest(holder_name: str, year: int, activities: list[Activity]) -> str:
    content = {
        "name": holder_name,
        "year": year,
        "activities": [
            [a.meeting_id, a.day.isoformat(), a.community, a.subject, str(a.hours)]
            for a in activities
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def attestation_issue(*, member: User, year: int) -> tuple[Attestation, list[Activity]]:
    """The member's attestation of ``year`` and the activities it lists: the one already issued
    when nothing it states has changed (same code), else a new one. Two requests at once issue
    one: the unique constraint decides, and the loser reads the winner's row."""
    # In the member's language, as the PDF is: the communities' names are in it.
    with translation.override(member.preferred_language):
        activities = attended_activities(member=member, year=year)
    if not activities:
        raise NothingToAttest(
            _("You attended no meeting in %(year)d: there is nothing to attest."),
            code="nothing_to_attest",
            params={"year": year},
        )
    # The name only, never the address: the public check of the code shows it.
    holder_name = member.get_full_name()
    digest = _digest(holder_name, year, activities)
    existing = Attestation.objects.filter(member=member, year=year, content_digest=digest).first()
    if existing is not None:
        return existing, activities
    total = total_of(activities)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                attestation = Attestation.objects.create(
                    code=new_code(),
                    member=member,
                    holder_name=holder_name,
                    year=year,
                    hours=total.hours,
                    activity_count=total.count,
                    content_digest=digest,
                )
            return attestation, activities
        except IntegrityError:
            existing = Attestation.objects.filter(
                member=member, year=year, content_digest=digest
            ).first()
            if existing is not None:
                return existing, activities
            # Otherwise the random code was taken (one chance in 10^17): draw another.
    raise RuntimeError("No free attestation code after three draws")
