"""The digest's part of a member's personal data: the weeks a digest was written for them.
On closure the record goes (the outbox keeps what was sent, without the address)."""

from typing import Any

from digest.models import DigestSent
from members.personal_data import DataSubject, PersonalDataPart

SECTIONS = ("weekly_digests",)


def export(subject: DataSubject) -> dict[str, Any]:
    digests = DigestSent.objects.filter(member=subject.user).order_by("week")
    return {
        "weekly_digests": [
            {"week": digest.week, "news_since": digest.since, "written_at": digest.created_at}
            for digest in digests
        ]
    }


def erase(subject: DataSubject) -> None:
    DigestSent.objects.filter(member=subject.user).delete()


PART = PersonalDataPart(name="digest", sections=SECTIONS, export=export, erase=erase)
