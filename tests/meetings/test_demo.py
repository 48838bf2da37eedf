"""The demo meetings load with the rest of the demo data, and loading again changes nothing."""

from datetime import datetime, time

import pytest
import time_machine
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


@pytest.fixture
def demo(db):
    # Early March: the demo's meetings run from the winter into the spring.
    with time_machine.travel(datetime(2026, 3, 10, 12, tzinfo=LOCAL_ZONE), tick=False):
        call_command("load_demo_data", stdout=None)


def test_demo_people_have_distinct_names(demo):
    from members.models import User

    names = list(User.objects.values_list("first_name", "last_name"))

    assert len(names) == len(set(names))


def test_demo_meetings_have_distinct_titles_whose_seasons_match_their_dates(demo):
    from meetings.demo import SEASONS

    titles = list(Meeting.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    for meeting in Meeting.objects.all():
        month = meeting.starts_at.astimezone(LOCAL_ZONE).month
        seasons = {word for pair in SEASONS.values() for word in pair}
        named = [season for season in seasons if season in meeting.title]
        assert named in ([], [SEASONS[month][0]], [SEASONS[month][1]]), meeting.title


def test_demo_minutes_tell_the_attendance_recorded(demo):
    followups = FollowUp.objects.select_related("meeting")
    assert followups.count() == 6
    for followup in followups:
        attended = followup.meeting.attendances.count()
        assert attended > 0
        assert followup.minutes.startswith(f"{attended} membres présents"), followup.minutes


def test_demo_has_public_talks_to_show(demo):
    talks = FollowUp.objects.filter(recording_public=True)

    assert talks.count() >= 3
    assert all(talk.public_summary and talk.speakers and talk.published_at for talk in talks)
    assert talks.filter(minutes_public=True, documents_public=True).exists()
    assert FollowUp.objects.filter(recording_public=False).exists()  # a private one too
