"""The cast of the search tests: a community A with something of every source for every
audience, its member and lead, a member of another community, a signed-in member of none,
staff and a visitor. Every title holds the word "zircon", so one search finds them all."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from library import services as library_services
from library.models import Kind, Visibility
from meetings.models import FollowUp, FollowUpDocument
from questions.models import Question
from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.search.documents import make_pdf


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_upload(name: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(*lines), content_type="application/pdf")


@dataclass
class Cast:
    community: object
    other: object
    member: object
    lead: object
    outsider: object
    loner: object
    staff: object


@pytest.fixture
def cast(db) -> Cast:
    community = CommunityFactory(name_fr="Voirie municipale", name_en="Municipal roads")
    other = CommunityFactory()
    return Cast(
        community=community,
        other=other,
        member=MembershipFactory(community=community, member__expertise="").member,
        lead=LeadMembershipFactory(community=community, member__expertise="").member,
        outsider=MembershipFactory(community=other, member__expertise="").member,
        loner=UserFactory(expertise=""),
        staff=StaffFactory(expertise=""),
    )


# What each persona finds of the world below: (source, title).
EVERYONE = {
    ("library.resource", "Zircon ressource publique"),
    ("meetings.meeting", "Zircon rencontre"),
    ("meetings.meeting", "Zircon conférence"),
    ("meetings.meeting", "Zircon procès-verbal public"),
    ("meetings.meeting", "Zircon procès-verbal privé"),
    ("talks.talk", "Zircon conférence"),
    ("meetings.minutes", "Zircon procès-verbal public"),
}
SIGNED_IN = {("members.member", "Zircon Expert")}
ASSOCIATION = {("library.resource", "Zircon ressource association")}
COMMUNITY = {
    ("library.resource", "Zircon ressource communauté"),
    ("meetings.minutes", "Zircon procès-verbal privé"),
    ("meetings.document", "Zircon document privé"),
    ("questions.question", "Zircon question"),
}


@pytest.fixture
def world(cast):
    """One thing of every source and audience in community A, titled "Zircon …"."""
    for visibility, title in (
        (Visibility.PUBLIC, "Zircon ressource publique"),
        (Visibility.ASSOCIATION, "Zircon ressource association"),
        (Visibility.COMMUNITY, "Zircon ressource communauté"),
    ):
        library_services.resource_create(
            community=cast.community,
            author=cast.member,
            title=title,
            kind=Kind.GUIDE,
            visibility=visibility,
            url="https://example.org/guide",
        )
    MeetingFactory(community=cast.community, title="Zircon rencontre")
    talk = MeetingFactory(community=cast.community, title="Zircon conférence")
    FollowUp.objects.create(
        meeting=talk, recording_url="https://video.example.org/1", recording_public=True
    )
    public_minutes = MeetingFactory(community=cast.community, title="Zircon procès-verbal public")
    FollowUp.objects.create(meeting=public_minutes, minutes="Bilan.", minutes_public=True)
    private = MeetingFactory(community=cast.community, title="Zircon procès-verbal privé")
    followup = FollowUp.objects.create(meeting=private, minutes="Bilan confidentiel.")
    FollowUpDocument.objects.create(
        followup=followup, title="Zircon document privé", file=pdf_upload("prive.pdf", "Texte")
    )
    Question.objects.create(
        community=cast.community, author=cast.member, title="Zircon question", details="Qui sait?"
    )
    UserFactory(
        first_name="Zircon", last_name="Expert", expertise="Ponceaux", directory_listed=True
    )
    return cast
