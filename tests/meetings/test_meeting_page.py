"""What the meeting page, its e-mails and the lead's after-meeting pages show: who else is
coming, what an update changed, lunch for in-person answers only, the roster by attendance,
the attendance form by name and pre-filled, a past meeting without "cancel" nor invitation."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Attendance, Meeting, Rsvp
from tests.factories import MeetingFactory, MembershipFactory, RsvpFactory, UserFactory
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db
MONTREAL = ZoneInfo("America/Montreal")


def _past(community):
    starts_at = timezone.now() - timedelta(days=2)
    return MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )


def _join(community, **person):
    return MembershipFactory(community=community, member=UserFactory(**person)).member


# Who else is coming


@pytest.fixture
def coming(community):
    meeting = MeetingFactory(community=community)
    shy = _join(
        community,
        first_name="Simon",
        last_name="Secret",
        organisation="Ville de Lévis",
        phone="418 555-0111",
    )
    open_ = _join(
        community,
        first_name="Odile",
        last_name="Ouverte",
        organisation="MRC de Kamouraska",
        contact_visible=True,
        phone="418 555-0122",
    )
    absent = _join(community, first_name="Aline", last_name="Absente")
    RsvpFactory(meeting=meeting, member=shy, response="in_person", dietary_needs="Sans gluten")
    RsvpFactory(meeting=meeting, member=open_, response="online")
    RsvpFactory(meeting=meeting, member=absent, response="declined")
    meeting.people = {"shy": shy, "open": open_, "absent": absent}
    return meeting


def test_members_see_who_else_is_coming_with_organisation_and_mode(client, coming, fellow):
    client.force_login(fellow)

    response = client.get(reverse("meetings:detail", args=[coming.pk]))

    attendees = response.context["attendees"]
    assert [a.member.last_name for a in attendees.in_person] == ["Secret"]
    assert [a.member.last_name for a in attendees.online] == ["Ouverte"]
    html = page_text(response)
    assert "Simon Secret" in html and "Ville de Lévis" in html and "MRC de Kamouraska" in html
    assert "Aline Absente" not in html  # not coming: not listed
    assert "Sans gluten" not in html  # dietary needs are the leads'


def test_contact_details_follow_each_members_consent(client, coming, fellow, lead):
    client.force_login(fellow)
    html = page_text(client.get(reverse("meetings:detail", args=[coming.pk])))
    assert coming.people["open"].email in html and "418 555-0122" in html
    assert coming.people["shy"].email not in html and "418 555-0111" not in html

    client.force_login(lead)  # the community's leads see everyone's
    html = page_text(client.get(reverse("meetings:detail", args=[coming.pk])))
    assert coming.people["shy"].email in html


def test_visitors_who_are_not_members_do_not_see_who_is_coming(client, coming):
    for visitor in (None, UserFactory()):
        if visitor is not None:
            client.force_login(visitor)
        html = page_text(client.get(reverse("meetings:detail", args=[coming.pk])))
        assert "Simon Secret" not in html and "Odile Ouverte" not in html


def test_the_meeting_page_costs_the_same_queries_with_more_people(
    client, community, fellow, django_assert_num_queries
):
    meeting = MeetingFactory(community=community, in_person_seats=2)
    client.force_login(fellow)

    for _ in range(2):  # the room is full
        RsvpFactory(meeting=meeting, member=MembershipFactory(community=community).member)

    def grow(count):
        for _ in range(count):
            member = MembershipFactory(community=community).member
            RsvpFactory(meeting=meeting, member=member, response="online")
            services.seat_request_create(
                meeting=meeting, member=MembershipFactory(community=community).member
            )

    grow(2)
    # 6: the viewer's role is read once and reused by every permission check (it was 11), the
    # session comes from the cache and the viewer's answer with the others.
    with django_assert_num_queries(6) as few:
        client.get(reverse("meetings:detail", args=[meeting.pk]))
    grow(10)
    with django_assert_num_queries(6) as many:
        response = client.get(reverse("meetings:detail", args=[meeting.pk]))

    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(response.context["attendees"].online) >= 10


# What an update changed


def test_an_update_email_says_the_old_and_new_time_and_place(run_tasks, community, lead, fellow):
    starts_at = datetime(2030, 5, 14, 9, 0, tzinfo=MONTREAL)
    meeting = MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    with run_tasks():
        services.meeting_update(
            meeting=meeting,
            updated_by=lead,
            starts_at=starts_at + timedelta(hours=4),
            ends_at=starts_at + timedelta(hours=6),
            venue_name="Salle du conseil",
        )

    [email] = [message for message in mail.outbox if fellow.email in message.to]
    body = email.body
    assert "Ce qui a changé\xa0:" in body or "Ce qui a changé :" in body
    assert "avant\xa0: mardi 14 mai 2030, 9\xa0h\xa000 – 11\xa0h\xa000" in body
    assert "maintenant\xa0: mardi 14 mai 2030, 13\xa0h\xa000 – 15\xa0h\xa000" in body
    assert "avant\xa0: Hôtel de ville, 1 rue Principale, Trois-Rivières" in body
    assert "maintenant\xa0: Salle du conseil, 1 rue Principale, Trois-Rivières" in body
    assert "Formule" not in body.split("Voici")[0]  # the format did not change


def test_two_updates_before_the_first_is_sent_compare_with_what_members_knew(
    run_tasks, community, lead, fellow, english
):
    fellow.preferred_language = "en"
    fellow.save(update_fields=["preferred_language"])
    meeting = MeetingFactory(community=community, meeting_url="https://meet.example.org/a")
    services.meeting_update(
        meeting=meeting, updated_by=lead, meeting_url="https://meet.example.org/b"
    )
    with run_tasks():
        services.meeting_update(
            meeting=meeting, updated_by=lead, meeting_url="https://meet.example.org/c"
        )

    [email] = [message for message in mail.outbox if fellow.email in message.to]
    assert "before: https://meet.example.org/a" in email.body
    assert "now: https://meet.example.org/c" in email.body
    assert "meet.example.org/b" not in email.body


def test_the_update_records_the_old_values_in_the_outbox(community, lead):
    from notifications.models import OutboxMessage

    meeting = MeetingFactory(community=community, format="hybrid")
    services.meeting_update(
        meeting=meeting, updated_by=lead, format="online", venue_name="", address=""
    )

    params = OutboxMessage.objects.filter(kind="meetings.notice").first().params
    assert params["previous"]["format"] == "hybrid"
    assert params["previous"]["venue_name"] == "Hôtel de ville"


# Lunch is for in-person answers


def test_lunch_with_an_online_answer_is_refused_beside_the_box(client, community, fellow, english):
    meeting = MeetingFactory(community=community, lunch_provided=True)
    client.force_login(fellow)

    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "online", "stays_for_lunch": "on", "dietary_needs": "Végane"},
    )

    assert response.status_code == 200
    form = response.context["rsvp_form"]
    assert form.errors["stays_for_lunch"] == ["Lunch is for those who attend in person."]
    assert form["dietary_needs"].value() == "Végane"  # kept
    assert not Rsvp.objects.exists()


def test_the_answer_form_loads_the_script_that_shows_lunch_for_in_person_only(
    client, community, fellow
):
    meeting = MeetingFactory(community=community, lunch_provided=True)
    client.force_login(fellow)

    html = page_text(client.get(reverse("meetings:detail", args=[meeting.pk])))

    assert '<script src="/static/js/rsvp_form.js" defer></script>' in html
    assert 'id="div_id_stays_for_lunch"' in html and "data-rsvp-form" in html


# After the meeting


def test_the_roster_groups_people_by_attendance_once_recorded(client, community, lead, english):
    meeting = _past(community)
    came = _join(community, last_name="Venue")
    stayed_home = _join(community, last_name="Restée")
    RsvpFactory(meeting=meeting, member=came, response="online")
    RsvpFactory(meeting=meeting, member=stayed_home, response="in_person")
    Attendance.objects.create(meeting=meeting, member=came, mode="in_person")
    client.force_login(lead)

    response = client.get(reverse("meetings:roster", args=[meeting.pk]))

    roster = response.context["roster"]
    assert [line.member for line in roster.attended_in_person] == [came]
    assert stayed_home in [line.member for line in roster.not_attended]
    html = page_text(response)
    assert "Attended in person" in html and "Not recorded as present" in html
    assert "answered: I will attend online" in html


def test_the_attendance_form_is_sorted_by_name_and_prefilled_from_the_answers(
    client, community, lead
):
    meeting = _past(community)
    zoe = _join(community, first_name="Zoé", last_name="Zénon")
    anne = _join(community, first_name="Anne", last_name="Arsenault")
    marc = _join(community, first_name="Marc", last_name="Martel")
    RsvpFactory(meeting=meeting, member=zoe, response="in_person")
    RsvpFactory(meeting=meeting, member=anne, response="online")
    RsvpFactory(meeting=meeting, member=marc, response="declined")
    client.force_login(lead)

    form = client.get(reverse("meetings:attendance", args=[meeting.pk])).context["form"]

    names = [form[name].label for name in form.fields]
    assert names == sorted(names, key=lambda n: n.split()[-1])
    assert form[f"member_{zoe.pk}"].value() == "in_person"
    assert form[f"member_{anne.pk}"].value() == "online"
    assert form[f"member_{marc.pk}"].value() == ""
    # Sent as it is, the answers become the attendance.
    client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {f"member_{zoe.pk}": "in_person", f"member_{anne.pk}": "online"},
    )
    assert set(Attendance.objects.values_list("member", "mode")) == {
        (zoe.pk, "in_person"),
        (anne.pk, "online"),
    }


def test_a_past_meeting_offers_no_cancel_and_cannot_be_cancelled(client, community, lead, english):
    meeting = _past(community)
    client.force_login(lead)

    html = page_text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert reverse("meetings:cancel", args=[meeting.pk]) not in html

    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), follow=True)
    assert shown_messages(response) == ["This meeting has started: it can no longer be cancelled."]
    assert not Meeting.objects.get(pk=meeting.pk).is_cancelled
    with pytest.raises(services.MeetingClosed):
        services.meeting_cancel(meeting=meeting, cancelled_by=lead)


def test_a_past_meeting_does_not_invite_anonymous_visitors_to_answer(client, community, english):
    upcoming = MeetingFactory(community=community)
    past = _past(community)

    assert "Log in to answer" in page_text(
        client.get(reverse("meetings:detail", args=[upcoming.pk]))
    )
    html = page_text(client.get(reverse("meetings:detail", args=[past.pk])))
    assert "Log in to answer" not in html
    assert "This meeting has taken place." in html


# Continuing-education hours


def _hours_shown(client, meeting) -> str | None:
    text = page_text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    shown = re.search(r"Heures de formation continue</dt>\s*<dd[^>]*>([^<]*)</dd>", text)
    return shown and shown[1]


@pytest.mark.parametrize(
    ("duration", "set_hours", "shown"),
    [
        (timedelta(hours=4), None, "4 h"),
        (timedelta(hours=2, minutes=15), None, "2,25 h"),
        (timedelta(hours=7), Decimal("6"), "6 h"),
        (timedelta(hours=4), Decimal("3.5"), "3,5 h"),
    ],
    ids=["duration", "duration-quarter", "set-by-lead", "set-by-lead-half"],
)
def test_members_see_the_hours_the_meeting_counts_for(
    client, community, fellow, duration, set_hours, shown
):
    starts_at = timezone.now() + timedelta(days=3)
    meeting = MeetingFactory(
        community=community,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        education_hours=set_hours,
    )
    client.force_login(fellow)
    assert _hours_shown(client, meeting) == shown


def test_visitors_and_cancelled_meetings_show_no_hours(client, community, fellow):
    meeting = MeetingFactory(community=community)
    assert _hours_shown(client, meeting) is None
    client.force_login(fellow)
    assert _hours_shown(client, meeting) is not None
    cancelled = MeetingFactory(community=community, cancelled_at=timezone.now())
    assert _hours_shown(client, cancelled) is None
