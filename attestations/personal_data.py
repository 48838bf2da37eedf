"""The attestations' part of a member's personal data.

On closure the attestations stay, anonymised (no member, no name): an attestation the member
already handed to their professional order must still check out as genuine, and what is left
(a code, a year, hours and a date) tells nothing about anyone. The verification page then says
it was issued to a former member whose account is closed; whoever holds the PDF has the name."""

from typing import Any

from attestations.models import Attestation
from members.models import User
from members.personal_data import DataSubject, PersonalDataPart

SECTIONS = ("continuing_education_attestations",)


def export(subject: DataSubject) -> dict[str, Any]:
    """One query."""
    attestations = Attestation.objects.filter(member=subject.user).order_by("issued_at", "pk")
    return {
        "continuing_education_attestations": [
            {
                "verification_code": attestation.display_code,
                "name": attestation.holder_name,
                "year": attestation.year,
                "hours": str(attestation.hours),
                "activities": attestation.activity_count,
                "issued_at": attestation.issued_at,
            }
            for attestation in attestations
        ]
    }


def erase(subject: DataSubject) -> None:
    Attestation.objects.filter(member=subject.user).update(member=None, holder_name="")


def closure_context(user: User) -> dict[str, Any]:
    return {"attestations": Attestation.objects.filter(member=user).count()}


PART = PersonalDataPart(
    name="attestations",
    sections=SECTIONS,
    export=export,
    erase=erase,
    closure_template="attestations/includes/account_close_summary.html",
    closure_context=closure_context,
)
