"""The registry through which each app contributes its part of a member's personal data to
the download and to the closure of the account (members.personal_data)."""

import pytest
from django.urls import reverse

from members.personal_data import (
    PersonalDataPart,
    personal_data_parts,
    register_personal_data,
    unregister_personal_data,
)
from members.services import account_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes_part():
    """A part an app would register: it exports a "notes" section and records what its
    erasure was given."""
    erased = []
    part = PersonalDataPart(
        name="notes",
        sections=("notes",),
        export=lambda subject: {"notes": [f"Note sur {subject.full_name}"]},
        erase=lambda subject: erased.append((subject.full_name, subject.user.closed_at)),
    )
    register_personal_data(part)
    yield erased
    unregister_personal_data("notes")


def test_the_apps_above_register_their_parts():
    assert [part.name for part in personal_data_parts()] == [
        "communities",
        "digest",
        "meetings",
        "library",
        "questions",
    ]


def test_a_registered_part_is_in_the_download(member_client, member, notes_part):
    data = member_client.get(reverse("members:data_export")).json()

    assert data["notes"] == [f"Note sur {member.first_name} {member.last_name}"]


def test_a_registered_part_erases_before_the_member_is_anonymised(member, notes_part):
    name = f"{member.first_name} {member.last_name}"

    account_close(user=member)

    assert notes_part == [(name, None)]


def test_a_part_cannot_fill_a_section_already_filled():
    for section in ("memberships", "emails_sent"):
        with pytest.raises(ValueError, match=section):
            register_personal_data(
                PersonalDataPart(
                    name="intruder", sections=(section,), export=dict, erase=lambda subject: None
                )
            )
    assert "intruder" not in [part.name for part in personal_data_parts()]
