from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scheduling import services
from scheduling.models import DatePoll
from tests.factories import CommunityFactory, LeadMembershipFactory, MembershipFactory

LOCAL_ZONE = ZoneInfo("America/Montreal")
# A Monday morning in Montréal; every test runs at this moment unless it travels on.
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def community(db):
    return CommunityFactory(capacity=40)


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community, member__first_name="Léa").member


@pytest.fixture
def voter(community):
    return MembershipFactory(community=community, member__first_name="Annie").member


@pytest.fixture
def peer(community):
    return MembershipFactory(community=community, member__first_name="Luc").member


@pytest.fixture
def outsider(db):
    """A member of another community."""
    return MembershipFactory().member


def at(days: int, hour: int) -> datetime:
    """``days`` after NOW's date at ``hour`` Montréal time."""
    return (NOW + timedelta(days=days)).replace(hour=hour, minute=0)


def options(*specs) -> list[services.OptionInput]:
    """(days, hour) pairs: two-hour options, in person at the town hall."""
    return [
        services.OptionInput(
            starts_at=at(days, hour),
            ends_at=at(days, hour + 2),
            format="in_person",
            place="Hôtel de ville",
        )
        for days, hour in specs
    ]


def propose(community, lead, *, closes_in_days: int = 7, specs=((14, 9), (16, 13), (21, 9))):
    return services.poll_create(
        community=community,
        created_by=lead,
        title="Prochaine rencontre",
        details="Bilan du plan d’intervention.",
        closes_at=at(closes_in_days, 17),
        options=options(*specs),
    )


@pytest.fixture
def poll(frozen, community, lead, voter, peer) -> DatePoll:
    return propose(community, lead)
