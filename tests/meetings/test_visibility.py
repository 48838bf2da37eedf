"""Who sees what and who may do what on the meeting pages: the address and online link are for
the community's members and staff; managing is for its leads and staff."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import FollowUp, FollowUpDocument
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ADDRESS = "1 rue Principale, Trois-Rivières"
LINK = "https://meet.example.org/aimq"
PEOPLE = ["anonymous", "fellow", "outsider", "other_lead", "lead", "staff"]
SEES_PRIVATE = {"fellow", "lead", "staff"}
MANAGES = {"lead", "staff"}


@pytest.fixture
def outsider(db):
    """A member of another community."""
    return MembershipFactory().member


@pytest.fixture
def visitor(request, client):
    def _as(person: str):
        if person != "anonymous":
            client.force_login(request.getfixturevalue(person))
        return client

    return _as


@pytest.fixture
def meeting(community, lead, fellow):
    return MeetingFactory(community=community, address=ADDRESS, meeting_url=LINK)


@pytest.fixture
def past_meeting(community, lead, fellow):
    starts_at = timezone.now() - timedelta(days=2)
    meeting = MeetingFactory(
        community=community,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        address=ADDRESS,
        meeting_url=LINK,
    )
    followup = FollowUp.objects.create(
        meeting=meeting, minutes="<p>Notes</p>", recording_url="https://video.example.org/r1"
    )
    FollowUpDocument.objects.create(
        followup=followup,
        title="Présentation",
        file=SimpleUploadedFile("presentation.pdf", b"%PDF-1.4"),
    )
    return meeting


def _ics_event(response):
    return next(iter(Calendar.from_ical(response.content).walk("VEVENT")))


# What each person sees


@pytest.mark.parametrize("person", PEOPLE)
def test_address_and_link_on_the_meeting_page_only_for_members_and_staff(visitor, person, meeting):
    html = visitor(person).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    assert meeting.title in html
    assert (ADDRESS in html) == (person in SEES_PRIVATE)
    assert (LINK in html) == (person in SEES_PRIVATE)


@pytest.mark.parametrize("person", PEOPLE)
def test_address_and_link_in_the_ics_only_for_members_and_staff(visitor, person, meeting):
    response = visitor(person).get(reverse("meetings:ics", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = _ics_event(response)
    assert str(event["SUMMARY"]) == meeting.title
    assert ("LOCATION" in event) == (person in SEES_PRIVATE)
    assert ("URL" in event) == (person in SEES_PRIVATE)
    unfolded = response.content.replace(b"\r\n ", b"")
    assert (LINK.encode() in unfolded) == (person in SEES_PRIVATE)
    assert (b"Principale" in unfolded) == (person in SEES_PRIVATE)


@pytest.mark.parametrize("person", PEOPLE)
def test_address_and_link_never_on_the_community_page(visitor, person, meeting):
    html = (
        visitor(person)
        .get(reverse("communities:detail", args=[meeting.community.slug]))
        .content.decode()
    )

    assert meeting.title in html
    assert ADDRESS not in html and LINK not in html


@pytest.mark.parametrize("person", PEOPLE)
def test_private_minutes_recording_and_documents_only_for_members_and_staff(
    visitor, person, past_meeting
):
    html = visitor(person).get(reverse("meetings:detail", args=[past_meeting.pk])).content.decode()

    assert ("Notes" in html) == (person in SEES_PRIVATE)
    assert ("https://video.example.org/r1" in html) == (person in SEES_PRIVATE)
    assert ("Présentation" in html) == (person in SEES_PRIVATE)


@pytest.mark.parametrize("person", PEOPLE)
def test_minutes_and_documents_a_lead_shared_are_visible_to_anyone(visitor, person, past_meeting):
    FollowUp.objects.filter(meeting=past_meeting).update(minutes_public=True, documents_public=True)
    document = past_meeting.followup.documents.get()
    client = visitor(person)

    html = client.get(reverse("meetings:detail", args=[past_meeting.pk])).content.decode()
    download = client.get(
        reverse("meetings:document_download", args=[past_meeting.pk, document.pk])
    )

    assert "Notes" in html and "Présentation" in html
    assert ("https://video.example.org/r1" in html) == (person in SEES_PRIVATE)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4"


@pytest.mark.parametrize("person", ["anonymous", "outsider"])
def test_documents_not_shared_cannot_be_downloaded_by_others(visitor, person, past_meeting):
    document = past_meeting.followup.documents.get()
    FollowUp.objects.filter(meeting=past_meeting).update(minutes_public=True)

    response = visitor(person).get(
        reverse("meetings:document_download", args=[past_meeting.pk, document.pk])
    )

    assert response.status_code == (302 if person == "anonymous" else 404)


def test_public_recording_is_visible_to_anyone(client, past_meeting):
    FollowUp.objects.filter(meeting=past_meeting).update(recording_public=True)

    html = client.get(reverse("meetings:detail", args=[past_meeting.pk])).content.decode()

    assert "https://video.example.org/r1" in html
    assert "Présentation" not in html


# Who may do what (GET pages)

MANAGER_PAGES = ["edit", "cancel", "roster", "roster_csv"]


def _login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("person", PEOPLE)
def test_meeting_page_is_public(visitor, person, meeting):
    assert visitor(person).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", MANAGER_PAGES)
def test_manager_pages_for_leads_and_staff_only(visitor, person, page, meeting):
    response = visitor(person).get(reverse(f"meetings:{page}", args=[meeting.pk]))

    if person == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == (200 if person in MANAGES else 403)


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page", ["attendance", "followup"])
def test_after_meeting_pages_for_leads_and_staff_only(visitor, person, page, past_meeting):
    response = visitor(person).get(reverse(f"meetings:{page}", args=[past_meeting.pk]))

    if person == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == (200 if person in MANAGES else 403)


@pytest.mark.parametrize("person", PEOPLE)
def test_schedule_page_for_leads_and_staff_only(visitor, person, community, lead):
    response = visitor(person).get(reverse("meetings:schedule", args=[community.slug]))

    if person == "anonymous":
        assert _login_redirect(response)
    else:
        assert response.status_code == (200 if person in MANAGES else 403)


def test_schedule_page_of_an_unknown_community_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("meetings:schedule", args=["nowhere"])).status_code == 404


def test_unknown_meeting_is_404(client):
    assert client.get(reverse("meetings:detail", args=[999])).status_code == 404


@pytest.mark.parametrize("person", PEOPLE)
def test_documents_download_only_for_members_and_staff(visitor, person, past_meeting):
    document = FollowUpDocument.objects.get()
    response = visitor(person).get(
        reverse("meetings:document_download", args=[past_meeting.pk, document.pk])
    )

    if person == "anonymous":
        assert _login_redirect(response)
    elif person in SEES_PRIVATE:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4"
    else:
        assert response.status_code == 404


# Who may do what (POST actions)


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_communitys_members_answer(visitor, person, meeting):
    response = visitor(person).post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "online"}
    )

    if person == "anonymous":
        assert _login_redirect(response)
    elif person in {"fellow", "lead"}:
        assert response.status_code == 302
        assert meeting.rsvps.filter(response="online").count() == 1
    else:
        assert response.status_code == 403
        assert not meeting.rsvps.exists()


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("action", ["cancel", "remind_unanswered", "edit"])
def test_only_leads_and_staff_post_manager_actions(visitor, person, action, meeting):
    data = {"title": "Autre"} if action == "edit" else {}
    response = visitor(person).post(reverse(f"meetings:{action}", args=[meeting.pk]), data)

    if person == "anonymous":
        assert _login_redirect(response)
    elif person in MANAGES:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
        meeting.refresh_from_db()
        assert not meeting.is_cancelled and meeting.title != "Autre"


@pytest.mark.parametrize(
    "name", ["meetings:rsvp", "meetings:remind_unanswered", "meetings:feed_regenerate"]
)
def test_get_on_a_post_only_action_is_405(client, lead, meeting, name):
    client.force_login(lead)
    args = [] if name == "meetings:feed_regenerate" else [meeting.pk]

    assert client.get(reverse(name, args=args)).status_code == 405


def test_my_meetings_needs_a_login(client):
    assert _login_redirect(client.get(reverse("meetings:mine")))
