"""The health figures of the known world (tests/health/conftest.py), asserted exactly."""

import dataclasses
from datetime import date

import pytest

from health.selectors import (
    Flag,
    communities_health,
    community_charts,
    period_at,
)

pytestmark = pytest.mark.django_db


def _figures(health) -> dict:
    return {
        field.name: getattr(health, field.name)
        for field in dataclasses.fields(health)
        if field.name != "community"
    }


def test_the_period_needs_three_meetings_by_the_second_of_july(frozen):
    period = period_at()

    assert (period.days_elapsed, period.days_in_year, period.meetings_needed) == (182, 365, 3)


def test_the_figures_of_every_community_are_those_of_the_known_world(known_world):
    healths = communities_health(period=period_at())

    assert [health.community.name_fr for health in healths] == ["Alpha", "Bêta", "Gamma"]
    alpha, beta, gamma = (_figures(health) for health in healths)
    assert alpha == {
        "members": 4,
        "seats": 5,
        "waiting": 2,
        "waiting_too_long": 1,
        "requests_received": 5,
        "requests_decided": 4,
        "median_decision_days": 7.0,
        "meetings_held": 2,
        "in_person_held": True,
        "resources_posted": 2,
        "questions_posted": 4,
        "questions_answered": 3,
        "median_first_answer_hours": 5.0,
        "flags": (Flag.BEHIND_PACE, Flag.REQUESTS_WAITING),
    }
    assert beta == {
        "members": 1,
        "seats": 15,
        "waiting": 0,
        "waiting_too_long": 0,
        "requests_received": 0,
        "requests_decided": 0,
        "median_decision_days": None,
        "meetings_held": 3,
        "in_person_held": True,
        "resources_posted": 0,
        "questions_posted": 0,
        "questions_answered": 0,
        "median_first_answer_hours": None,
        "flags": (),
    }
    assert gamma["meetings_held"] == 0
    assert gamma["in_person_held"] is False
    assert gamma["flags"] == (Flag.NO_IN_PERSON, Flag.BEHIND_PACE)


def test_on_new_years_day_no_meeting_is_needed_yet(db):
    import time_machine

    from tests.health.conftest import at

    with time_machine.travel(at(2027, 1, 1, 12), tick=False):
        period = period_at()

    assert (period.days_elapsed, period.meetings_needed) == (0, 0)


def test_the_charts_hold_attendance_per_meeting_and_activity_per_month(known_world):
    charts = community_charts(community=known_world["alpha"], period=period_at())

    assert [
        (meeting.starts_at.date(), meeting.format, meeting.in_person, meeting.online)
        for meeting in charts.meetings
    ] == [
        (date(2025, 9, 15), "in_person", 4, 0),
        (date(2026, 2, 10), "online", 0, 3),
        (date(2026, 5, 12), "hybrid", 2, 1),
    ]
    assert [(m.month, m.resources, m.questions, m.answers) for m in charts.months] == [
        (date(2025, 8, 1), 0, 0, 0),
        (date(2025, 9, 1), 0, 0, 0),
        (date(2025, 10, 1), 1, 0, 0),
        (date(2025, 11, 1), 0, 0, 0),
        (date(2025, 12, 1), 0, 0, 0),
        (date(2026, 1, 1), 0, 1, 2),
        (date(2026, 2, 1), 0, 1, 1),
        (date(2026, 3, 1), 1, 0, 0),
        (date(2026, 4, 1), 0, 0, 0),
        (date(2026, 5, 1), 0, 1, 1),
        (date(2026, 6, 1), 1, 1, 0),
        (date(2026, 7, 1), 0, 0, 0),
    ]
