from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from icalendar import Calendar

from meetings import services
from meetings.models import Attendance, Meeting, Rsvp
from tests.factories import MeetingFactory, RsvpFactory


def test_lead_schedules_a_meeting_with_the_agenda_as_typed(community, lead, meeting_fields):
    """Kept as typed (trailing spaces and Windows line ends aside); formatted and cleaned when
    shown (tests/meetings/test_formatting.py)."""
    meeting_fields["agenda"] = "Tour de table  \r\n- Bilan\r\n- <script>alert(1)</script>\r\n"
    meeting = services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)

    meeting.refresh_from_db()
    assert meeting.agenda == "Tour de table\n- Bilan\n- <script>alert(1)</script>"
    assert meeting.sequence == 0 and meeting.created_by == lead


def test_members_are_invited_with_a_calendar_file(
    run_tasks, community, lead, fellow, meeting_fields
):
    with run_tasks():
        meeting = services.meeting_schedule(
            community=community, scheduled_by=lead, **meeting_fields
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, fellow.email])
    attachment = mail.outbox[0].attachments[0]
    assert attachment[2].startswith("text/calendar; method=REQUEST")
    assert meeting.title in mail.outbox[0].subject


def test_member_who_is_not_a_lead_cannot_schedule(community, fellow, meeting_fields):
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(community=community, scheduled_by=fellow, **meeting_fields)


def test_lead_of_another_community_cannot_schedule(community, other_lead, meeting_fields):
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(community=community, scheduled_by=other_lead, **meeting_fields)


def test_staff_schedules_for_any_community(community, staff, meeting_fields):
    meeting = services.meeting_schedule(community=community, scheduled_by=staff, **meeting_fields)
    assert meeting.pk


@pytest.mark.parametrize(
    ("format", "blank", "field"),
    [
        ("in_person", "venue_name", "venue_name"),
        ("hybrid", "address", "address"),
        ("online", "meeting_url", "meeting_url"),
        ("hybrid", "meeting_url", "meeting_url"),
    ],
)
def test_format_requires_its_place_or_link(community, lead, meeting_fields, format, blank, field):
    meeting_fields.update({"format": format, blank: ""})
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)
    assert field in error.value.message_dict


def test_online_meeting_needs_no_address(community, lead, meeting_fields):
    meeting_fields.update({"format": "online", "venue_name": "", "address": ""})
    assert services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)


def test_link_must_be_https(community, lead, meeting_fields):
    meeting_fields["meeting_url"] = "http://meet.example.org/aimq"
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)
    assert "https://" in error.value.message_dict["meeting_url"][0]


def test_meeting_must_end_after_it_starts(community, lead, meeting_fields):
    meeting_fields["ends_at"] = meeting_fields["starts_at"]
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)
    assert "ends_at" in error.value.message_dict


def test_database_refuses_a_meeting_ending_before_it_starts(community):
    meeting = MeetingFactory.build(community=community)
    meeting.ends_at = meeting.starts_at
    with pytest.raises(IntegrityError):
        meeting.save()


def test_database_refuses_an_online_meeting_without_link(community):
    with pytest.raises(IntegrityError):
        MeetingFactory(community=community, format="online", meeting_url="")


def test_error_messages_are_translated(community, lead, meeting_fields):
    from django.utils import translation

    meeting_fields["meeting_url"] = ""
    with pytest.raises(ValidationError) as error:
        services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)
    with translation.override("en"):
        assert error.value.message_dict["meeting_url"] == [
            "Give the link of a meeting held online."
        ]


def test_moving_a_meeting_raises_sequence_and_emails_an_update(run_tasks, community, lead, fellow):
    meeting = MeetingFactory(community=community)
    with run_tasks():
        services.meeting_update(
            meeting=meeting,
            updated_by=lead,
            # Always another time than the one it replaces, whatever the hour the test runs.
            starts_at=meeting.starts_at + timedelta(hours=3),
            ends_at=meeting.starts_at + timedelta(hours=5),
        )

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mail.outbox) == 2
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert calendar["METHOD"] == "REQUEST"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1


def test_changing_the_title_raises_sequence_without_email(run_tasks, community, lead, fellow):
    meeting = MeetingFactory(community=community)
    with run_tasks():
        services.meeting_update(meeting=meeting, updated_by=lead, title="Nouveau titre")

    meeting.refresh_from_db()
    assert meeting.sequence == 1 and mail.outbox == []


def test_saving_without_change_keeps_sequence(community, lead):
    meeting = MeetingFactory(community=community)
    services.meeting_update(meeting=meeting, updated_by=lead, title=meeting.title)
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_member_cannot_edit_a_meeting(community, fellow):
    meeting = MeetingFactory(community=community)
    with pytest.raises(PermissionDenied):
        services.meeting_update(meeting=meeting, updated_by=fellow, title="Pirate")


def test_going_online_clears_in_person_answers(community, lead, fellow):
    meeting = MeetingFactory(community=community)
    RsvpFactory(meeting=meeting, member=fellow, response="in_person")
    services.meeting_update(meeting=meeting, updated_by=lead, format="online")
    assert not Rsvp.objects.filter(meeting=meeting).exists()


def test_seats_cannot_drop_below_in_person_answers(community, lead, fellow):
    meeting = MeetingFactory(community=community)
    RsvpFactory(meeting=meeting, member=fellow, response="in_person")
    RsvpFactory(meeting=meeting, member=lead, response="in_person")
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, updated_by=lead, in_person_seats=1)


def test_cancelling_emails_members_a_cancellation_once(run_tasks, community, lead, fellow):
    meeting = MeetingFactory(community=community)
    with run_tasks():
        services.meeting_cancel(meeting=meeting, cancelled_by=lead)
        services.meeting_cancel(meeting=meeting, cancelled_by=lead)

    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    assert len(mail.outbox) == 2
    calendar = Calendar.from_ical(mail.outbox[0].attachments[0][1])
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_member_cannot_cancel(community, fellow):
    meeting = MeetingFactory(community=community)
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, cancelled_by=fellow)
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled


def test_followup_minutes_are_kept_as_typed_and_recording_https(community, lead):
    meeting = MeetingFactory(community=community)
    followup = services.followup_save(
        meeting=meeting,
        saved_by=lead,
        minutes="<p>Résumé</p><img src=x onerror=alert(1)>",
        recording_url="https://video.example.org/1",
        recording_public=True,
    )
    assert followup.minutes == "<p>Résumé</p><img src=x onerror=alert(1)>"  # shown escaped
    with pytest.raises(ValidationError):
        services.followup_save(meeting=meeting, saved_by=lead, recording_url="ftp://x.org/1")


def test_followup_document_type_is_checked(community, lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = MeetingFactory(community=community)
    pdf = SimpleUploadedFile("notes.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert services.followup_document_add(meeting=meeting, uploaded_by=lead, file=pdf).pk
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.followup_document_add(meeting=meeting, uploaded_by=lead, file=exe)


def test_calendar_token_regenerated_revokes_the_old_one(member):
    from meetings.selectors import member_for_calendar_token

    old = services.calendar_token_get_or_create(member=member).token
    new = services.calendar_token_regenerate(member=member).token
    assert old != new
    assert member_for_calendar_token(token=old) is None
    assert member_for_calendar_token(token=new) == member


def test_lead_records_attendance_once_the_meeting_started(community, lead, fellow):
    import time_machine

    meeting = MeetingFactory(community=community)
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, member=fellow, mode="online", recorded_by=lead)
    with time_machine.travel(meeting.starts_at):
        services.attendance_record(meeting=meeting, member=fellow, mode="online", recorded_by=lead)
        attendance = services.attendance_record(
            meeting=meeting, member=fellow, mode="in_person", recorded_by=lead
        )
        with pytest.raises(PermissionDenied):
            services.attendance_record(
                meeting=meeting, member=lead, mode="online", recorded_by=fellow
            )
    assert attendance.mode == "in_person" and meeting.attendances.count() == 1


def test_lead_clears_an_attendance_and_only_a_lead_can(community, lead, fellow):
    meeting = MeetingFactory(community=community)
    Attendance.objects.create(meeting=meeting, member=fellow, mode="online", recorded_by=lead)

    with pytest.raises(PermissionDenied):
        services.attendance_clear(meeting=meeting, member=fellow, cleared_by=fellow)
    assert meeting.attendances.count() == 1

    services.attendance_clear(meeting=meeting, member=fellow, cleared_by=lead)
    services.attendance_clear(meeting=meeting, member=fellow, cleared_by=lead)  # sent twice
    assert meeting.attendances.count() == 0
