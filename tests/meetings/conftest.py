from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory

MONTREAL = ZoneInfo("America/Montreal")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=MONTREAL)


@pytest.fixture
def community(db):
    return CommunityFactory(capacity=40)


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community).member


@pytest.fixture
def other_lead(db):
    return LeadMembershipFactory().member


@pytest.fixture
def fellow(community):
    """A member of the community (not a lead)."""
    return MembershipFactory(community=community).member


@pytest.fixture
def meeting_fields():
    starts_at = (timezone.now() + timedelta(days=14)).replace(microsecond=0)
    return {
        "title": "Gestion des actifs",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "format": "hybrid",
        "venue_name": "Hôtel de ville",
        "address": "1 rue Principale, Trois-Rivières",
        "meeting_url": "https://meet.example.org/aimq",
        "agenda": "<p>Tour de table</p><script>alert(1)</script>",
    }
