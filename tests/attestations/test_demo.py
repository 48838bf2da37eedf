"""The demo's year of attendance: a demo member's page and attestation show real numbers, and
loading again changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from attestations.selectors import education_record
from meetings.models import Attendance
from members.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_member_has_a_year_of_attended_meetings(client):
    call_command("load_demo_data", stdout=None)
    attendance = Attendance.objects.count()
    call_command("load_demo_data", stdout=None)
    member = User.objects.get(email="membre02@example.org")

    record = education_record(member=member)

    assert Attendance.objects.count() == attendance
    assert len(record.activities) >= 8
    assert len(record.years) >= 2 and len(record.periods) >= 1
    assert any(activity.hours_set_by_lead for activity in record.activities)
    client.force_login(member)
    year = record.years[0].year
    response = client.post(reverse("attestations:download", args=[year]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
