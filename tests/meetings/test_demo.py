"""The demo meetings load with the rest of the demo data, and loading again changes nothing."""

from datetime import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.models import FollowUp, Meeting, Rsvp
from meetings.services import LOCAL_ZONE

pytestmark = pytest.mark.django_db


def test_demo_meetings_cover_each_format_and_load_once():
    call_command("load_demo_data", stdout=None)
    counts = (Meeting.objects.count(), Rsvp.objects.count(), FollowUp.objects.count())
    call_command("load_demo_data", stdout=None)

    assert (Meeting.objects.count(), Rsvp.objects.count(), FollowUp.objects.count()) == counts
    now = timezone.now()
    for community_id in Meeting.objects.values_list("community", flat=True).distinct():
        meetings = Meeting.objects.filter(community_id=community_id)
        assert meetings.filter(starts_at__lt=now).exists()
        assert {m.format for m in meetings.filter(starts_at__gt=now)} == {
            "in_person",
            "online",
            "hybrid",
        }
    lunch = Meeting.objects.filter(format="in_person", lunch_provided=True).first()
    assert lunch.invited_experts
    assert lunch.starts_at.astimezone(LOCAL_ZONE).time() == time(9)
    assert lunch.ends_at.astimezone(LOCAL_ZONE).time() == time(13)
    followup = FollowUp.objects.first()
    assert followup.minutes and followup.recording_url
    assert Meeting.objects.values("community").distinct().count() == 3
