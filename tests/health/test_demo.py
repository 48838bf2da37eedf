"""The demo shows a year of life on the health pages, and loading again changes nothing."""

import pytest
from django.core.management import call_command

from communities.models import Community
from health.selectors import community_charts, period_at
from meetings.demo import DEMO_SLUGS
from meetings.models import Attendance, Meeting

pytestmark = pytest.mark.django_db


def test_the_demo_charts_are_not_empty_and_load_once():
    call_command("load_demo_data", stdout=None)
    counts = (Meeting.objects.count(), Attendance.objects.count())
    call_command("load_demo_data", stdout=None)
    assert (Meeting.objects.count(), Attendance.objects.count()) == counts

    for community in Community.objects.filter(slug__in=DEMO_SLUGS):
        charts = community_charts(community=community, period=period_at())
        assert len(charts.meetings) >= 5
        assert all(meeting.total for meeting in charts.meetings)
        active_months = [m for m in charts.months if m.resources or m.questions or m.answers]
        assert len(active_months) >= 3
