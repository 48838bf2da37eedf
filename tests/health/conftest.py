"""A known world for the health figures, seen on Thursday 2 July 2026 at noon (Montréal): 182
days of the year elapsed out of 365, so the pace needs ceil(5 × 182 / 365) = 3 meetings held.

Alpha (5 seats, a lead and 3 members) misses the pace and has a request waiting 31 days; Bêta
is on target; Gamma has done nothing yet."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from communities.models import Community, JoinRequest
from library.models import Resource
from meetings.models import Attendance
from questions.models import Answer, Question
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

MONTREAL = ZoneInfo("America/Montreal")
NOW = datetime(2026, 7, 2, 12, 0, tzinfo=MONTREAL)


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=MONTREAL)


def _request(community, status: str, created_at: datetime, decided_at: datetime | None = None):
    join_request = JoinRequestFactory(community=community, status=status)
    JoinRequest.objects.filter(pk=join_request.pk).update(
        created_at=created_at, decided_at=decided_at
    )


def _meeting(community, starts_at: datetime, format: str, *, in_person=0, online=0, **extra):
    meeting = MeetingFactory(
        community=community,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        format=format,
        title=f"Rencontre du {starts_at:%Y-%m-%d}",
        **extra,
    )
    for mode, count in (("in_person", in_person), ("online", online)):
        for _ in range(count):
            Attendance.objects.create(meeting=meeting, member=UserFactory(), mode=mode)
    return meeting


def _resource(community, created_at: datetime) -> None:
    resource = Resource.objects.create(community=community, title="Gabarit", kind="template")
    Resource.objects.filter(pk=resource.pk).update(created_at=created_at)


def _question(community, asked_at: datetime, answers_after_hours=(), removed_after_hours=()):
    question = Question.objects.create(community=community, title="Ponceau", details="Comment ?")
    Question.objects.filter(pk=question.pk).update(created_at=asked_at)
    for hours, removed in [(h, False) for h in answers_after_hours] + [
        (h, True) for h in removed_after_hours
    ]:
        answer = Answer.objects.create(question=question, body="Ainsi.")
        written = asked_at + timedelta(hours=hours)
        Answer.objects.filter(pk=answer.pk).update(
            created_at=written, removed_at=written + timedelta(hours=1) if removed else None
        )


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def known_world(db, frozen):
    # The communities seeded by the migrations are not part of this world.
    Community.objects.all().delete()
    alpha = CommunityFactory(name_fr="Alpha", name_en="Alpha", slug="alpha", capacity=5)
    beta = CommunityFactory(name_fr="Bêta", name_en="Beta", slug="beta", capacity=15)
    gamma = CommunityFactory(name_fr="Gamma", name_en="Gamma", slug="gamma", capacity=15)
    alpha_lead = LeadMembershipFactory(community=alpha).member
    MembershipFactory.create_batch(3, community=alpha)
    beta_lead = LeadMembershipFactory(community=beta).member

    # Alpha's requests: two waiting (31 and 7 days), four decided this year in 13, 2, 4 and 10
    # days (median 7), one of them sent last year; one decided last year.
    _request(alpha, "pending", at(2026, 6, 1, 12))
    _request(alpha, "pending", at(2026, 6, 25, 12))
    _request(alpha, "approved", at(2025, 12, 20), at(2026, 1, 2))
    _request(alpha, "approved", at(2026, 3, 1), at(2026, 3, 3))
    _request(alpha, "declined", at(2026, 4, 1), at(2026, 4, 5))
    _request(alpha, "approved", at(2026, 5, 1), at(2026, 5, 11))
    _request(alpha, "approved", at(2025, 11, 1), at(2025, 11, 8))

    # Alpha's meetings: last September in person (4 there), this year one online (3), one
    # hybrid (2 in the room, 1 online); one cancelled, one to come.
    _meeting(alpha, at(2025, 9, 15), "in_person", in_person=4)
    _meeting(alpha, at(2026, 2, 10), "online", online=3)
    _meeting(alpha, at(2026, 5, 12), "hybrid", in_person=2, online=1)
    _meeting(alpha, at(2026, 4, 1), "hybrid", in_person=5, cancelled_at=at(2026, 3, 20))
    _meeting(alpha, at(2026, 9, 1), "hybrid")

    # Alpha's library: two resources this year, one last October.
    _resource(alpha, at(2025, 10, 10))
    _resource(alpha, at(2026, 3, 5))
    _resource(alpha, at(2026, 6, 20))

    # Alpha's questions this year: first answers after 12, 5 (an earlier answer was removed)
    # and 1 hours (median 5); one not answered yet.
    _question(alpha, at(2026, 1, 15), answers_after_hours=[12, 30])
    _question(alpha, at(2026, 2, 1), answers_after_hours=[5], removed_after_hours=[3])
    _question(alpha, at(2026, 5, 1, 9), answers_after_hours=[1])
    _question(alpha, at(2026, 6, 30))

    # Bêta: three meetings held, the first in person; on target.
    _meeting(beta, at(2026, 3, 1), "in_person", in_person=6)
    _meeting(beta, at(2026, 4, 1), "online", online=5)
    _meeting(beta, at(2026, 6, 1), "online", online=4)

    return {
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "alpha_lead": alpha_lead,
        "beta_lead": beta_lead,
    }
