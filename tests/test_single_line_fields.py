"""Names, titles and other one-line fields refuse line breaks and control characters, with a
translated error beside the field and the input kept: such a value would break the calendar
files and headers it goes into (a title with a line break made its meeting's .ics answer 500)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from meetings.models import Meeting
from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ERROR = "Écrivez ceci sur une seule ligne, sans saut de ligne ni caractère de contrôle."
# A line break in the middle (the ends are trimmed), a tab, a bell, Unicode's line separator.
BROKEN = ["Ligne 1\nLigne 2", "Ligne 1\r\nLigne 2", "Avec\ttabulation", "Cloche\x07", "A\u2028B"]


def _meeting_data(**overrides) -> dict:
    starts_at = timezone.localtime() + timedelta(days=10)
    return {
        "title": "Déneigement",
        "format": "hybrid",
        "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts_at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue_name": "Hôtel de ville",
        "address": "1 rue Principale\nTrois-Rivières",  # an address may take two lines
        "meeting_url": "https://meet.example.org/voirie",
        "agenda": "",
        **overrides,
    }


def _lead_of(community):
    return LeadMembershipFactory(community=community).member


def _schedule(field):
    def page(client, value):
        community = CommunityFactory()
        client.force_login(_lead_of(community))
        url = reverse("meetings:schedule", args=[community.slug])
        return client.post(url, _meeting_data(**{field: value}))

    return page


def _profile(field):
    def page(client, value):
        client.force_login(UserFactory())
        data = {
            "first_name": "Geneviève",
            "last_name": "Tremblay",
            "job_title": "Ingénieure",
            "organisation": "Ville de Sherbrooke",
            "organisation_type": "municipality",
            "region": "05",
            "phone": "",
            "expertise": "",
            "preferred_language": "fr-ca",
            field: value,
        }
        return client.post(reverse("members:profile_edit"), data)

    return page


def _rsvp(client, value):
    meeting = MeetingFactory(lunch_provided=True)
    member = MembershipFactory(community=meeting.community).member
    client.force_login(member)
    return client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "in_person", "stays_for_lunch": "on", "dietary_needs": value},
    )


def _followup(field):
    def page(client, value):
        starts_at = timezone.now() - timedelta(days=1)
        meeting = MeetingFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
        client.force_login(_lead_of(meeting.community))
        document = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 test", "application/pdf")
        data = {"minutes": "", "recording_url": "", "document_title": "Compte rendu"}
        return client.post(
            reverse("meetings:followup", args=[meeting.pk]),
            {**data, "document": document, field: value},
        )

    return page


def _community_admin(field):
    def page(client, value):
        client.force_login(StaffFactory())
        data = {
            "slug": "nouvelle",
            "capacity": "15",
            "accepting_requests": "on",
            "name_fr": "Nouvelle",
            "summary_fr": "Résumé",
            "mandate_fr": "Mandat\nsur deux lignes",
            "name_en": "New",
            "summary_en": "Summary",
            "mandate_en": "Mandate",
            field: value,
        }
        return client.post(reverse("admin:communities_community_add"), data)

    return page


PAGES = {
    "meeting title": (_schedule("title"), "title"),
    "meeting venue": (_schedule("venue_name"), "venue_name"),
    "first name": (_profile("first_name"), "first_name"),
    "last name": (_profile("last_name"), "last_name"),
    "job title": (_profile("job_title"), "job_title"),
    "organisation": (_profile("organisation"), "organisation"),
    "dietary needs": (_rsvp, "dietary_needs"),
    "document title": (_followup("document_title"), "document_title"),
    "community name": (_community_admin("name_fr"), "name_fr"),
    "community summary": (_community_admin("summary_en"), "summary_en"),
}


def _form(response):
    context = response.context
    for name in ("adminform", "form", "rsvp_form"):
        if name in context:
            form = context[name]
            return getattr(form, "form", form)
    raise AssertionError("no form on the page")


@pytest.mark.parametrize("value", BROKEN, ids=["lf", "crlf", "tab", "bell", "u2028"])
@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_one_line_field_refuses_a_line_break_beside_the_field(client, page, value):
    send, field = page

    response = send(client, value)

    assert response.status_code == 200
    assert _form(response).errors[field] == [ERROR]


def test_the_refused_title_is_kept_in_the_form(client):
    response = _schedule("title")(client, "Ligne 1\nLigne 2")

    assert "Ligne 1\nLigne 2" in response.content.decode()
    assert Meeting.objects.count() == 0


def test_a_multi_line_field_keeps_its_line_breaks(client):
    response = _schedule("invited_experts")(client, "Julie Gagnon\nMarc Roy")

    assert response.status_code == 302
    assert Meeting.objects.get().invited_experts == "Julie Gagnon\nMarc Roy"


def test_a_title_stored_with_a_line_break_is_asked_to_be_fixed_on_edit(client):
    meeting = MeetingFactory(title="Ligne 1\nLigne 2")
    client.force_login(_lead_of(meeting.community))

    page = client.get(reverse("meetings:edit", args=[meeting.pk]))
    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {**_meeting_data(), "title": "Ligne 1\nLigne 2"},
    )

    assert page.status_code == 200
    assert _form(response).errors["title"] == [ERROR]


def test_the_community_admin_saves_a_valid_community(client):
    response = _community_admin("name_fr")(client, "Nouvelle communauté")

    assert response.status_code == 302
    assert Community.objects.filter(name_fr="Nouvelle communauté").exists()
