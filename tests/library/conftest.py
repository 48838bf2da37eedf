import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory

PDF = b"%PDF-1.4 une page\n"


def pdf(name: str = "gabarit.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def community(db):
    return CommunityFactory(capacity=40)


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community).member


@pytest.fixture
def fellow(community):
    return MembershipFactory(community=community).member


@pytest.fixture
def outsider(db):
    """A member of another community."""
    return MembershipFactory().member
