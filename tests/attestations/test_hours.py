"""The hours a meeting counts for, and the totals per calendar year and per reference period,
with their boundaries in Montréal time."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from attestations.selectors import Period, education_record, meeting_hours, reference_period
from meetings import services as meeting_services
from meetings.models import Meeting
from tests.attestations.conftest import at, attended
from tests.factories import LeadMembershipFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_meeting_counts_its_actual_duration(community):
    meeting = MeetingFactory(
        community=community, starts_at=at(2026, 5, 4, 13), ends_at=at(2026, 5, 4, 16, 20)
    )

    assert meeting_hours(meeting) == Decimal("3.33")


def test_the_hours_the_lead_set_replace_the_duration(community):
    meeting = MeetingFactory(
        community=community,
        starts_at=at(2026, 5, 4, 9),
        ends_at=at(2026, 5, 4, 16),
        education_hours=Decimal("3.5"),
    )

    assert meeting_hours(meeting) == Decimal("3.50")


def test_totals_per_year_add_actual_and_set_hours(engineer, community):
    attended(engineer, community, at(2025, 11, 3), hours=3)
    attended(engineer, community, at(2026, 2, 10), hours=2, education_hours=Decimal("1.5"))
    attended(engineer, community, at(2026, 6, 1), hours=2.5)

    record = education_record(member=engineer)

    assert [(t.year, t.hours, t.count) for t in record.years] == [
        (2026, Decimal("4.00"), 2),
        (2025, Decimal("3.00"), 1),
    ]


def test_a_cancelled_meeting_does_not_count(engineer, community):
    meeting = attended(engineer, community, at(2026, 2, 10))
    Meeting.objects.filter(pk=meeting.pk).update(cancelled_at=meeting.starts_at)

    assert education_record(member=engineer).activities == []


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2025, 3, 31), Period(date(2023, 4, 1), date(2025, 3, 31))),
        (date(2025, 4, 1), Period(date(2025, 4, 1), date(2027, 3, 31))),
        (date(2026, 12, 31), Period(date(2025, 4, 1), date(2027, 3, 31))),
        (date(2027, 3, 31), Period(date(2025, 4, 1), date(2027, 3, 31))),
        (date(2027, 4, 1), Period(date(2027, 4, 1), date(2029, 3, 31))),
    ],
)
def test_reference_periods_run_two_years_from_april_1(day, period):
    assert reference_period(day) == period


def test_the_period_start_and_length_come_from_the_settings(settings):
    settings.ATTESTATIONS_PERIOD_START = (7, 1)
    settings.ATTESTATIONS_PERIOD_YEARS = 3
    settings.ATTESTATIONS_PERIOD_FIRST_YEAR = 2024

    assert reference_period(date(2027, 6, 30)) == Period(date(2024, 7, 1), date(2027, 6, 30))
    assert reference_period(date(2027, 7, 1)) == Period(date(2027, 7, 1), date(2030, 6, 30))


def test_the_boundary_between_periods_is_midnight_in_montreal(engineer, community):
    # 31 March, 23 h 30 in Montréal is already 1 April in UTC: it still counts for the period
    # ending on 31 March. 1 April at 0 h 30 counts for the next one.
    attended(engineer, community, at(2025, 3, 31, 23, 30), hours=1)
    attended(engineer, community, at(2025, 4, 1, 0, 30), hours=2)

    periods = education_record(member=engineer).periods

    assert [(p.period.first_day, p.hours) for p in periods] == [
        (date(2025, 4, 1), Decimal("2.00")),
        (date(2023, 4, 1), Decimal("1.00")),
    ]


def test_the_boundary_between_years_is_midnight_in_montreal(engineer, community):
    attended(engineer, community, at(2025, 12, 31, 22), hours=1)  # 1 January in UTC

    assert [t.year for t in education_record(member=engineer).years] == [2025]


def _page_at(client, member, moment) -> str:
    with time_machine.travel(moment, tick=False):
        client.force_login(member)
        return client.get(reverse("attestations:mine")).content.decode()


def test_the_page_names_the_current_period_in_words(client, engineer, community):
    attended(engineer, community, at(2026, 5, 4), hours=3)

    page = _page_at(client, engineer, at(2027, 3, 31, 23, 59))

    assert "1er avril 2025 au 31 mars 2027" in page


def test_the_current_period_changes_on_april_1_in_montreal(client, engineer, community):
    attended(engineer, community, at(2026, 5, 4), hours=3)

    page = _page_at(client, engineer, at(2027, 4, 1, 0, 1))

    assert "1er avril 2027 au 31 mars 2029" in page


def test_the_page_lists_each_meeting_with_its_hours_and_the_totals(
    engineer_client, engineer, community
):
    attended(engineer, community, at(2026, 5, 4), hours=3, title="Ponceaux en hiver")
    attended(
        engineer,
        community,
        at(2026, 9, 14),
        hours=7,
        title="Journée d'étude",
        education_hours=Decimal("5.5"),
    )
    attended(engineer, community, at(2025, 10, 1), hours=2, title="Bilan de l'an passé")

    page = engineer_client.get(reverse("attestations:mine") + "?annee=2026").content.decode()

    assert "Ponceaux en hiver" in page and "Journée d&#x27;étude" in page
    assert "Bilan de l&#x27;an passé" not in page  # another year: its own page
    assert "5,5" in page and "8,5" in page  # the set hours, the year's total
    assert "fixées par le responsable" in page


def test_the_page_of_a_member_who_attended_nothing_says_so(client, member):
    client.force_login(member)

    response = client.get(reverse("attestations:mine"))

    assert response.status_code == 200
    assert response.context["record"].activities == []
    assert reverse("attestations:download", args=[2026]) not in response.content.decode()


def test_the_page_shows_only_the_members_own_meetings(engineer_client, engineer, community):
    other = LeadMembershipFactory(community=community).member
    attended(other, community, at(2026, 5, 4), title="Rencontre de quelqu'un d'autre")

    page = engineer_client.get(reverse("attestations:mine")).content.decode()

    assert "Rencontre de quelqu" not in page


# The lead sets the hours


def test_the_lead_sets_the_hours_in_the_meeting_form(client, community):
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community)
    client.force_login(lead)
    data = {
        "title": meeting.title,
        "format": "online",
        "starts_at": (meeting.starts_at.astimezone(at(2026, 1, 1).tzinfo)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "ends_at": (
            (meeting.starts_at + timedelta(hours=3)).astimezone(at(2026, 1, 1).tzinfo)
        ).strftime("%Y-%m-%dT%H:%M"),
        "meeting_url": "https://meet.example.org/x",
        "agenda": "Tour de table",
        "education_hours": "2,5",
    }

    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.education_hours == Decimal("2.5")


@pytest.mark.parametrize("typed", ["0", "-1", "24,5"])
def test_the_meeting_form_refuses_hours_out_of_range(client, community, typed):
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community)
    client.force_login(lead)
    local = meeting.starts_at.astimezone(at(2026, 1, 1).tzinfo)
    data = {
        "title": "Titre gardé",
        "format": "online",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "meeting_url": "https://meet.example.org/x",
        "education_hours": typed,
    }

    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["education_hours"]
    assert "Titre gardé" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.education_hours is None


def test_the_service_refuses_hours_beyond_a_day(community):
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community)

    with pytest.raises(ValidationError) as error:
        meeting_services.meeting_update(
            meeting=meeting, updated_by=lead, education_hours=Decimal("25")
        )

    assert "education_hours" in error.value.message_dict


def test_the_database_refuses_hours_of_zero(community):
    meeting = MeetingFactory(community=community)

    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(education_hours=Decimal("0"))


def test_staff_set_the_hours_in_the_admin(staff_client, community):
    meeting = MeetingFactory(community=community)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {"education_hours": "4"}
    for prefix in ("rsvps", "seat_requests"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = staff_client.post(url, data)

    assert list(form.fields) == ["education_hours"]
    assert response.status_code == 302, response.context and response.context["errors"]
    meeting.refresh_from_db()
    assert meeting.education_hours == Decimal("4")
