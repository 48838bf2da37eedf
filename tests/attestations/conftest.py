from datetime import datetime, timedelta

import pytest
import time_machine

from meetings.models import Attendance
from meetings.services import LOCAL_ZONE
from tests.factories import CommunityFactory, MeetingFactory, MembershipFactory, UserFactory


def at(year: int, month: int, day: int, hour: int = 13, minute: int = 0) -> datetime:
    """A moment in Montréal."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


def attended(member, community, starts_at: datetime, *, hours: float = 2, title: str = "", **kw):
    """A meeting of ``community`` that ``member`` attended, lasting ``hours``."""
    meeting = MeetingFactory(
        community=community,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **({"title": title} if title else {}),
        **kw,
    )
    Attendance.objects.create(meeting=meeting, member=member, mode="in_person")
    return meeting


@pytest.fixture(autouse=True)
def _today():
    """Every test here runs on Sunday 6 December 2026, 15 h in Montréal (before any fixture
    logs someone in): dates of issue and years are the same whatever the day the suite runs."""
    with time_machine.travel(at(2026, 12, 6, 15), tick=False):
        yield


@pytest.fixture
def community(db):
    return CommunityFactory(name_fr="Gestion des actifs municipaux", capacity=40)


@pytest.fixture
def engineer(community):
    """A member of ``community`` with a name full of French letters."""
    member = UserFactory(first_name="Hélène", last_name="Côté-Bégin", preferred_language="fr-ca")
    MembershipFactory(community=community, member=member)
    return member


@pytest.fixture
def engineer_client(client, engineer):
    client.force_login(engineer)
    return client
