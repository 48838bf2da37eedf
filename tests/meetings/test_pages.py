"""The meeting pages through the test client: a lead schedules, edits and cancels; members
answer; leads read the roster and write the follow-up."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, FollowUp, Meeting, Rsvp
from tests.factories import MeetingFactory, MembershipFactory, RsvpFactory
from tests.helpers import shown_messages

pytestmark = pytest.mark.django_db


def _form_data(**overrides) -> dict:
    data = {
        "title": "Plans d'intervention",
        "format": "hybrid",
        "starts_at": "2030-05-14T09:00",
        "ends_at": "2030-05-14T13:00",
        "venue_name": "Hôtel de ville de Trois-Rivières",
        "address": "1325 place de l'Hôtel-de-Ville",
        "in_person_seats": "20",
        "lunch_provided": "on",
        "meeting_url": "https://meet.example.org/plans",
        "invited_experts": "Julie Gagnon, ing.",
        "agenda": "<p>Tour de table</p><script>alert(1)</script>",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def fellow_client(client, fellow):
    client.force_login(fellow)
    return client


@pytest.fixture
def meeting(community):
    return MeetingFactory(community=community, lunch_provided=True, in_person_seats=2)


@pytest.fixture
def past_meeting(community):
    starts_at = timezone.now() - timedelta(days=3)
    return MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3)
    )


# Scheduling


def test_lead_schedules_a_meeting_in_montreal_time(lead_client, community, fellow, run_tasks):
    with run_tasks():
        response = lead_client.post(
            reverse("meetings:schedule", args=[community.slug]), _form_data()
        )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    local_start = timezone.localtime(meeting.starts_at, timezone.get_fixed_timezone(-240))
    assert (local_start.hour, local_start.minute) == (9, 0)  # 09:00 EDT in May
    # Kept as typed; shown escaped (tests/meetings/test_formatting.py).
    assert meeting.agenda == "<p>Tour de table</p><script>alert(1)</script>"
    assert meeting.lunch_provided and meeting.in_person_seats == 20
    invitation = next(m for m in mail.outbox if fellow.email in m.to)
    assert f"/rencontres/{meeting.pk}/" in invitation.body
    page = lead_client.get(response["Location"])
    assert "mardi 14 mai 2030, 9\xa0h\xa000</time> – 13\xa0h\xa000" in page.content.decode()


def test_schedule_form_uses_local_datetime_inputs(lead_client, community):
    html = lead_client.get(reverse("meetings:schedule", args=[community.slug])).content.decode()

    assert html.count('type="datetime-local"') == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2030-05-14T08:00"}, "ends_at"),
        ({"meeting_url": "http://meet.example.org/x"}, "meeting_url"),
        ({"venue_name": ""}, "venue_name"),
        ({"address": ""}, "address"),
        ({"format": "online", "meeting_url": ""}, "meeting_url"),
        ({"starts_at": "2020-05-14T09:00", "ends_at": "2020-05-14T10:00"}, "starts_at"),
    ],
)
def test_invalid_meeting_is_shown_again_with_errors_and_input_kept(
    lead_client, community, overrides, field
):
    response = lead_client.post(
        reverse("meetings:schedule", args=[community.slug]), _form_data(**overrides)
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert "Plans d&#x27;intervention" in html  # the title typed is kept
    assert "Julie Gagnon, ing." in html
    assert 'value="2030-05-14T09:00"' in html or 'value="2020-05-14T09:00"' in html
    assert not Meeting.objects.exists()


def test_invalid_meeting_errors_in_english(lead_client, community, english):
    response = lead_client.post(
        reverse("meetings:schedule", args=[community.slug]),
        _form_data(ends_at="2030-05-14T08:00", venue_name=""),
    )

    html = response.content.decode()
    assert "The meeting must end after it starts." in html
    assert "Name the venue of a meeting held in person." in html


def test_lead_edits_a_meeting_and_members_are_told(lead_client, meeting, fellow, run_tasks):
    data = _form_data(title=meeting.title, starts_at="2030-06-01T13:30", ends_at="2030-06-01T16:00")
    with run_tasks():
        response = lead_client.post(reverse("meetings:edit", args=[meeting.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert shown_messages(lead_client.get(response["Location"])) == [
        "La rencontre est mise à jour."
    ]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert any(fellow.email in m.to for m in mail.outbox)


def test_moving_a_meeting_into_the_past_is_refused_beside_the_field(
    lead_client, meeting, fellow, run_tasks
):
    before = (meeting.starts_at, meeting.sequence)
    yesterday = timezone.localtime() - timedelta(days=1)
    data = _form_data(
        title="Nouveau titre",
        starts_at=yesterday.strftime("%Y-%m-%dT09:00"),
        ends_at=yesterday.strftime("%Y-%m-%dT12:00"),
    )

    with run_tasks():
        response = lead_client.post(reverse("meetings:edit", args=[meeting.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [
        "Une rencontre ne peut pas être déplacée à un moment déjà passé."
    ]
    assert 'value="Nouveau titre"' in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == before
    assert meeting.title != "Nouveau titre"
    assert not mail.outbox


def test_a_past_meeting_can_still_be_corrected(lead_client, past_meeting):
    local_start = timezone.localtime(past_meeting.starts_at)
    local_end = timezone.localtime(past_meeting.ends_at)
    # The form shows the stored time to the minute, as the lead's browser posts it back.
    past_meeting.starts_at = local_start.replace(second=0, microsecond=0)
    past_meeting.ends_at = local_end.replace(second=0, microsecond=0)
    past_meeting.save()
    data = _form_data(
        title="Titre corrigé",
        format=past_meeting.format,
        starts_at=local_start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=local_end.strftime("%Y-%m-%dT%H:%M"),
    )

    response = lead_client.post(reverse("meetings:edit", args=[past_meeting.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[past_meeting.pk])
    past_meeting.refresh_from_db()
    assert past_meeting.title == "Titre corrigé"


def test_edit_with_invalid_link_keeps_the_input(lead_client, meeting):
    response = lead_client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        _form_data(meeting_url="http://insecure.example.org"),
    )

    assert response.status_code == 200
    assert "meeting_url" in response.context["form"].errors
    assert "http://insecure.example.org" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.meeting_url == "https://meet.example.org/aimq"


def test_lead_cancels_after_a_confirmation_page(lead_client, meeting, english):
    page = lead_client.get(reverse("meetings:cancel", args=[meeting.pk]))
    assert page.status_code == 200
    assert meeting.cancelled_at is None

    response = lead_client.post(reverse("meetings:cancel", args=[meeting.pk]), follow=True)

    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert "The meeting is cancelled; the members are told by e-mail." in response.content.decode()


# Answers


def test_member_answers_in_person_with_lunch_in_french(fellow_client, fellow, meeting):
    response = fellow_client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "in_person", "stays_for_lunch": "on", "dietary_needs": "Sans gluten"},
        follow=True,
    )

    rsvp = Rsvp.objects.get(member=fellow)
    assert (rsvp.response, rsvp.stays_for_lunch, rsvp.dietary_needs) == (
        "in_person",
        True,
        "Sans gluten",
    )
    # French pages: the new strings await their translation (locale/), so the message is
    # checked by its level rather than its words.
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert 'lang="fr-CA"' in response.content.decode()


def test_member_answers_online_in_english(fellow_client, fellow, meeting, english):
    response = fellow_client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "online"}, follow=True
    )

    assert Rsvp.objects.get(member=fellow).response == "online"
    assert "Your answer is saved: I will attend online." in response.content.decode()


def test_rsvp_form_offers_only_the_formats_modes(fellow_client, community):
    online = MeetingFactory(community=community, format="online", venue_name="", address="")

    form = fellow_client.get(reverse("meetings:detail", args=[online.pk])).context["rsvp_form"]

    assert [value for value, _label in form.fields["response"].choices] == ["online", "declined"]
    assert "stays_for_lunch" not in form.fields


def test_full_room_is_a_form_error_suggesting_online(fellow_client, fellow, meeting, english):
    RsvpFactory.create_batch(2, meeting=meeting, response="in_person")
    for rsvp in Rsvp.objects.all():
        MembershipFactory(community=meeting.community, member=rsvp.member)

    response = fellow_client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "in_person"}
    )

    assert response.status_code == 200
    errors = response.context["rsvp_form"].errors["response"]
    assert "The room is full (2 seats). You can attend online, and ask for a seat" in errors[0]
    assert not Rsvp.objects.filter(member=fellow).exists()


def test_answers_are_closed_once_the_meeting_started(fellow_client, fellow, past_meeting, english):
    page = fellow_client.get(reverse("meetings:detail", args=[past_meeting.pk]))
    assert page.context["rsvp_form"] is None
    assert "The meeting has started: answers are closed." in page.content.decode()

    response = fellow_client.post(
        reverse("meetings:rsvp", args=[past_meeting.pk]), {"response": "online"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[past_meeting.pk])
    assert shown_messages(fellow_client.get(response["Location"])) == [
        "This meeting has started: answers can no longer change."
    ]
    assert not Rsvp.objects.exists()


# Roster


def test_roster_groups_answers_with_counts_lunch_and_diets(lead_client, meeting, fellow, english):
    Rsvp.objects.create(
        meeting=meeting,
        member=fellow,
        response="in_person",
        stays_for_lunch=True,
        dietary_needs="Végétarien",
    )
    MembershipFactory(community=meeting.community)  # has not answered

    response = lead_client.get(reverse("meetings:roster", args=[meeting.pk]))

    roster = response.context["roster"]
    assert [len(roster.in_person), len(roster.no_answer)] == [1, 2]  # the lead has not answered
    html = response.content.decode()
    assert "1 lunch to order." in html
    assert "Végétarien" in html


def test_roster_csv_is_utf8_with_a_bom_and_semicolons(lead_client, meeting, fellow):
    Rsvp.objects.create(meeting=meeting, member=fellow, response="online")

    response = lead_client.get(reverse("meetings:roster_csv", args=[meeting.pk]))

    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    # Semicolons: what Excel set up for French Canada splits columns on.
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Nom", "Courriel"]
    assert any(fellow.email in row for row in rows)
    assert body.decode("utf-8-sig").splitlines()[0].startswith("Nom;Courriel;")


def test_lead_emails_the_members_who_have_not_answered_once_a_day(
    lead_client, meeting, fellow, run_tasks
):
    answered = MembershipFactory(community=meeting.community).member
    Rsvp.objects.create(meeting=meeting, member=answered, response="declined")
    url = reverse("meetings:remind_unanswered", args=[meeting.pk])

    with run_tasks():
        lead_client.post(url)
        lead_client.post(url)

    recipients = [address for message in mail.outbox for address in message.to]
    assert recipients.count(fellow.email) == 1
    assert answered.email not in recipients
    message = next(m for m in mail.outbox if fellow.email in m.to)
    assert f"/rencontres/{meeting.pk}/" in message.body


# After the meeting


def test_lead_records_attendance_after_the_start(lead_client, past_meeting, fellow):
    response = lead_client.post(
        reverse("meetings:attendance", args=[past_meeting.pk]),
        {f"member_{fellow.pk}": "online"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:roster", args=[past_meeting.pk])
    assert shown_messages(lead_client.get(response["Location"])) == [
        "Présences enregistrées : 1 membre était présent."
    ]
    assert Attendance.objects.get(member=fellow).mode == "online"


def test_lead_takes_back_an_attendance_recorded_by_mistake(lead_client, past_meeting, fellow, lead):
    Attendance.objects.create(meeting=past_meeting, member=fellow, mode="online", recorded_by=lead)
    Attendance.objects.create(meeting=past_meeting, member=lead, mode="online", recorded_by=lead)
    page = lead_client.get(reverse("meetings:attendance", args=[past_meeting.pk]))
    assert page.context["form"][f"member_{fellow.pk}"].value() == "online"

    response = lead_client.post(
        reverse("meetings:attendance", args=[past_meeting.pk]),
        {f"member_{fellow.pk}": "", f"member_{lead.pk}": "online"},
        follow=True,
    )

    assert shown_messages(response) == ["Présences enregistrées : 1 membre était présent."]
    assert list(past_meeting.attendances.values_list("member", flat=True)) == [lead.pk]


def test_attendance_waits_for_the_start(lead_client, meeting, fellow):
    response = lead_client.post(
        reverse("meetings:attendance", args=[meeting.pk]), {f"member_{fellow.pk}": "online"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert shown_messages(lead_client.get(response["Location"])) == [
        "Les présences sont consignées une fois la rencontre commencée."
    ]
    assert not Attendance.objects.exists()


def test_lead_writes_the_follow_up_with_a_document(lead_client, past_meeting):
    document = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 test", "application/pdf")

    response = lead_client.post(
        reverse("meetings:followup", args=[past_meeting.pk]),
        {
            "minutes": "<p>Décisions</p><script>x</script>",
            "recording_url": "https://video.example.org/r",
            "recording_public": "on",
            "document": document,
            "document_title": "Compte rendu",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[past_meeting.pk])
    assert shown_messages(lead_client.get(response["Location"])) == [
        "Le suivi est enregistré; les membres de la communauté en sont avisés par courriel."
    ]
    followup = FollowUp.objects.get()
    assert followup.minutes == "<p>Décisions</p><script>x</script>"  # as typed, shown escaped
    assert followup.documents.get().title == "Compte rendu"


def test_follow_up_refuses_a_wrong_file_type_beside_the_field(lead_client, past_meeting):
    response = lead_client.post(
        reverse("meetings:followup", args=[past_meeting.pk]),
        {
            "minutes": "Notes",
            "document": SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream"),
        },
    )

    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    assert "Notes" in response.content.decode()


def test_follow_up_refuses_an_http_recording_link(lead_client, past_meeting):
    response = lead_client.post(
        reverse("meetings:followup", args=[past_meeting.pk]),
        {"recording_url": "http://video.example.org/r"},
    )

    assert response.status_code == 200
    assert "recording_url" in response.context["form"].errors


# My meetings and pages around


def test_my_meetings_lists_next_meetings_across_communities_with_the_answer(
    client, fellow, meeting, past_meeting, english
):
    other = MembershipFactory(member=fellow).community
    elsewhere = MeetingFactory(community=other, title="Voirie d'hiver")
    Rsvp.objects.create(meeting=meeting, member=fellow, response="online")
    client.force_login(fellow)

    response = client.get(reverse("meetings:mine"))

    listed = response.context["meetings"]
    assert {m.pk for m in listed} == {meeting.pk, elsewhere.pk}
    assert next(m for m in listed if m.pk == meeting.pk).my_response == "online"
    assert "/rencontres/calendrier/" in response.content.decode()


def test_community_page_lists_upcoming_and_past_meetings(client, meeting, past_meeting):
    response = client.get(reverse("communities:detail", args=[meeting.community.slug]))

    html = response.content.decode()
    assert meeting.title in html and past_meeting.title in html


def test_home_shows_the_members_next_meetings_with_the_answer(client, fellow, meeting, english):
    Rsvp.objects.create(meeting=meeting, member=fellow, response="declined")
    client.force_login(fellow)

    html = client.get(reverse("home")).content.decode()

    assert meeting.title in html
    assert "Your answer: not attending" in html


def test_nav_links_to_my_meetings_for_signed_in_users(fellow_client, client):
    assert reverse("meetings:mine") in fellow_client.get(reverse("home")).content.decode()


# Query counts


def test_meeting_page_costs_a_fixed_number_of_queries(
    fellow_client, community, django_assert_max_num_queries
):
    meeting = MeetingFactory(community=community)
    for _index in range(20):
        RsvpFactory(meeting=meeting, member=MembershipFactory(community=community).member)

    with django_assert_max_num_queries(12):
        response = fellow_client.get(reverse("meetings:detail", args=[meeting.pk]))

    assert response.status_code == 200


def test_my_meetings_costs_a_fixed_number_of_queries(
    client, fellow, community, django_assert_max_num_queries
):
    for _index in range(6):
        other = MembershipFactory(member=fellow).community
        MeetingFactory.create_batch(3, community=other)
    client.force_login(fellow)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:mine"))

    assert len(response.context["meetings"]) == 18


def test_community_page_with_many_meetings_keeps_its_query_budget(
    client, community, django_assert_max_num_queries
):
    MeetingFactory.create_batch(15, community=community)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("communities:detail", args=[community.slug]))

    assert response.status_code == 200


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_roster_csv_neutralises_every_formula_prefix(lead_client, meeting, fellow, prefix):
    # What the spreadsheets run as a formula when a cell starts with it (OWASP, CSV injection).
    Rsvp.objects.create(
        meeting=meeting,
        member=fellow,
        response="in_person",
        stays_for_lunch=True,
        dietary_needs=f'{prefix}HYPERLINK("http://evil")',
    )

    body = lead_client.get(reverse("meetings:roster_csv", args=[meeting.pk])).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))

    cells = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert cells == [f'\'{prefix}HYPERLINK("http://evil")']
