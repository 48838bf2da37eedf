import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from questions import services
from questions.models import Answer, Question
from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory

PDF = b"%PDF-1.4 une page\n"


def pdf(name: str = "photo-ponceau.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ask(community, author, **fields) -> Question:
    data = {
        "title": "Ponceau effondré : réparation temporaire ?",
        "details": "Un ponceau s’est effondré après l’orage.",
    }
    data.update(fields)
    return services.question_ask(community=community, author=author, **data)


def answer(question, author, body: str = "Un pont Bailey, loué pour un mois.") -> Answer:
    return services.answer_post(question=question, author=author, body=body)


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
def asker(community):
    return MembershipFactory(community=community, member__first_name="Annie").member


@pytest.fixture
def peer(community):
    return MembershipFactory(community=community, member__first_name="Luc").member


@pytest.fixture
def outsider(db):
    """A member of another community."""
    return MembershipFactory().member


@pytest.fixture
def question(community, asker):
    return ask(community, asker)
