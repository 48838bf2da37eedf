"""The meetings admin: staff look meetings, answers and reminders up; follow-ups are edited."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from meetings.models import FollowUp, MeetingReminder, Rsvp
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_staff_search_meetings_by_community_name(staff_client, community):
    meeting = MeetingFactory(community=community, title="Gestion des ponceaux")
    MeetingFactory(title="Autre chose")

    response = staff_client.get(
        reverse("admin:meetings_meeting_changelist"), {"q": community.name_fr}
    )

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [meeting]


def test_meeting_page_shows_answers_read_only(staff_client, community, fellow):
    meeting = MeetingFactory(community=community)
    Rsvp.objects.create(meeting=meeting, member=fellow, response="online")

    response = staff_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert response.status_code == 200
    assert escape(str(fellow)) in response.content.decode()
    assert staff_client.get(reverse("admin:meetings_meeting_add")).status_code == 403


def test_reminders_are_read_only(staff_client, community, fellow):
    meeting = MeetingFactory(community=community)
    reminder = MeetingReminder.objects.create(
        meeting=meeting, offset_minutes=1440, for_starts_at=meeting.starts_at
    )

    assert staff_client.get(reverse("admin:meetings_meetingreminder_changelist")).status_code == 200
    response = staff_client.post(
        reverse("admin:meetings_meetingreminder_delete", args=[reminder.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert MeetingReminder.objects.filter(pk=reminder.pk).exists()


def test_follow_up_page_lists_its_documents(staff_client, community):
    followup = FollowUp.objects.create(meeting=MeetingFactory(community=community))

    response = staff_client.get(reverse("admin:meetings_followup_change", args=[followup.pk]))

    assert response.status_code == 200
    assert "documents-TOTAL_FORMS" in response.content.decode()
