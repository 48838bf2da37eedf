"""Download my data (Loi 25: the right of access): everything the portal holds about a member,
as a JSON file, from their profile."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from communities.models import Decision, DecisionAction, JoinRequestStatus
from meetings import services as meeting_services
from meetings.models import Attendance, CalendarFeedToken, SeatRequest
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    SentMessageFactory,
    UserFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("members:data_export")
MONTREAL = ZoneInfo("America/Montreal")


def _history(member, *, size: int = 1) -> None:
    """A member's life in the portal: memberships, requests and decisions, answers, attendance,
    reminders, e-mails, a calendar feed; ``size`` of each."""
    for index in range(size):
        community = CommunityFactory(name_fr=f"Voirie {index}")
        MembershipFactory(community=community, member=member)
        declined = JoinRequestFactory(
            member=member,
            community=CommunityFactory(),
            motivation=f"Motivation {index}",
            status=JoinRequestStatus.DECLINED,
            decided_at=timezone.now(),
            decision_message=f"Complet pour l'instant {index}",
        )
        Decision.objects.create(
            community=declined.community,
            action=DecisionAction.DECLINED,
            subject=member,
            join_request=declined,
            message=declined.decision_message,
        )
        past = MeetingFactory(
            community=community,
            title=f"Bilan {index}",
            starts_at=timezone.now() - timedelta(days=30),
            ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2),
        )
        RsvpFactory(meeting=past, member=member, response="online")
        SeatRequest.objects.create(
            meeting=past, member=member, status="expired", closed_at=timezone.now()
        )
        Attendance.objects.create(meeting=past, member=member, mode="online")
        SentMessageFactory(
            key=f"meeting:{past.pk}:reminder:1440:to:{member.pk}",
            kind="meetings.reminder",
            params={"meeting": past.pk, "offset_minutes": 1440},
            recipient=member,
            to_email=member.email,
            subject=f"[AIMQ] Demain : Bilan {index}",
        )
    CalendarFeedToken.objects.get_or_create(member=member)


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(EXPORT_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={EXPORT_URL}"


def test_download_is_a_dated_json_attachment(member_client, member):
    with time_machine.travel(datetime(2026, 4, 30, 22, 0, tzinfo=MONTREAL), tick=False):
        member_client.force_login(member)  # a session of that day, whatever the day it runs
        response = member_client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    # The date is Montréal's, not UTC's (already May 1st there).
    assert (
        response["Content-Disposition"] == 'attachment; filename="aimq-mes-donnees-2026-04-30.json"'
    )
    assert "no-store" in response["Cache-Control"]


def test_download_holds_the_profile_consent_and_account(member_client, member):
    member.phone = "418 555-0123"
    member.contact_visible = True
    member.privacy_consent_at = datetime(2026, 1, 15, 9, 0, tzinfo=MONTREAL)
    member.save()
    EmailAddress.objects.create(user=member, email="autre@example.org", verified=False)

    data = member_client.get(EXPORT_URL).json()

    assert data["profile"]["email"] == member.email
    assert data["profile"]["first_name"] == member.first_name
    assert data["profile"]["phone"] == "418 555-0123"
    assert data["profile"]["region"]["code"] == member.region
    assert data["profile"]["preferred_language"]["code"] == "fr-ca"
    assert data["privacy"] == {
        "consent_given_at": "2026-01-15T14:00:00Z",
        "contact_visible_to_fellow_members": True,
        "listed_in_members_directory": False,
        "contact_visible_in_members_directory": False,
    }
    assert data["account"]["joined_at"]
    assert sorted(address["email"] for address in data["email_addresses"]) == sorted(
        [member.email, "autre@example.org"]
    )


def test_download_holds_the_members_history(member_client, member):
    _history(member)

    data = member_client.get(EXPORT_URL).json()

    assert [m["community"] for m in data["memberships"]] == ["Voirie 0"]
    assert data["memberships"][0]["role"]["code"] == "member"
    assert data["memberships"][0]["since"]
    [join_request] = data["join_requests"]
    assert join_request["status"]["code"] == "declined"
    assert join_request["decided_at"]
    assert join_request["motivation"] == "Motivation 0"
    assert join_request["message_from_the_leads"] == "Complet pour l'instant 0"
    assert [d["action"]["code"] for d in data["community_history"]] == ["declined"]
    assert data["meeting_answers"][0]["meeting"]["title"] == "Bilan 0"
    assert data["meeting_answers"][0]["answer"]["code"] == "online"
    assert data["attendance"][0]["mode"]["code"] == "online"
    assert data["meeting_seat_requests"][0]["status"]["code"] == "expired"
    assert data["meeting_reminders"][0]["meeting"]["title"] == "Bilan 0"
    assert data["emails_sent"][0]["subject"] == "[AIMQ] Demain : Bilan 0"
    assert data["calendar_feed"]["exists"] is True


def test_download_holds_the_emails_sent_to_every_confirmed_address(member_client, member):
    EmailAddress.objects.create(user=member, email="ancienne@example.org", verified=True)
    EmailAddress.objects.create(user=member, email="tapee@example.org", verified=False)
    for recipient in (member.email, "ANCIENNE@example.org", "tapee@example.org"):
        SentMessageFactory(
            key=f"to:{recipient}",
            to_email=recipient,
            subject=f"À {recipient}",
            sent_at=timezone.now(),
        )

    data = member_client.get(EXPORT_URL).json()

    # Not only the primary address; never one typed and not confirmed (it may be anyone's).
    # (The outbox keeps addresses in lower case.)
    assert sorted(email["to"] for email in data["emails_sent"]) == sorted(
        [member.email, "ancienne@example.org"]
    )


def _lead_writings(lead, *, index: int = 0) -> None:
    """What a lead writes: a decision with its message, a removal with its reason, a meeting
    with its agenda, its follow-up and a document."""
    community = CommunityFactory(name_fr=f"Menée {index}")
    LeadMembershipFactory(community=community, member=lead)
    declined = JoinRequestFactory(community=community, member__last_name=f"Demandeur{index}")
    community_services.join_request_decline(
        join_request=declined, decided_by=lead, message=f"Revenez l'an prochain {index}."
    )
    removed = MembershipFactory(community=community, member__last_name=f"Retiré{index}")
    community_services.membership_remove(
        membership=removed, removed_by=lead, reason=f"Changement d'emploi {index}."
    )
    meeting = meeting_services.meeting_schedule(
        community=community,
        scheduled_by=lead,
        title=f"Atelier {index}",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
        format="online",
        meeting_url="https://meet.example.org/atelier",
        agenda=f"<p>Ordre du jour {index}</p>",
    )
    meeting_services.followup_save(
        meeting=meeting, saved_by=lead, minutes=f"<p>Compte rendu {index}</p>"
    )
    meeting_services.followup_document_add(
        meeting=meeting,
        uploaded_by=lead,
        file=SimpleUploadedFile(f"notes-{index}.pdf", b"%PDF-1.4", "application/pdf"),
        title=f"Présentation {index}",
    )


def test_download_holds_what_the_member_wrote_as_a_lead(member_client, member):
    _lead_writings(member)

    data = member_client.get(EXPORT_URL).json()

    assert [(d["action"]["code"], d["message"]) for d in data["decisions_made"]] == [
        ("declined", "Revenez l'an prochain 0."),
        ("removed", "Changement d'emploi 0."),
    ]
    assert data["decisions_made"][0]["community"] == "Menée 0"
    [scheduled] = data["meetings_scheduled"]
    assert scheduled["meeting"]["title"] == "Atelier 0"
    assert scheduled["agenda"] == "<p>Ordre du jour 0</p>"
    [followup] = data["followups_written"]
    assert followup["minutes"] == "<p>Compte rendu 0</p>"
    [document] = data["followup_documents_uploaded"]
    assert (document["title"], document["meeting"]["title"]) == ("Présentation 0", "Atelier 0")
    assert document["file_name"].startswith("notes-0")
    # Whom the lead's decisions were about is those members' information, not the lead's.
    body = json.dumps(data)
    assert "Demandeur0" not in body
    assert "Retiré0" not in body


def test_download_never_holds_the_calendar_feed_secret(member_client, member):
    token = CalendarFeedToken.objects.create(member=member).token

    response = member_client.get(EXPORT_URL)

    assert token not in response.content.decode()
    assert response.json()["calendar_feed"]["exists"] is True


def test_download_holds_nothing_of_other_members(member_client, member):
    colleague = UserFactory(email="collegue@example.org", phone="819 555-0000")
    community = CommunityFactory()
    LeadMembershipFactory(community=community, member=colleague)
    MembershipFactory(community=community, member=member)
    meeting = MeetingFactory(community=community)
    RsvpFactory(meeting=meeting, member=colleague)
    SentMessageFactory(
        key="other", to_email=colleague.email, subject="Pour la collègue", sent_at=timezone.now()
    )

    body = member_client.get(EXPORT_URL).content.decode()

    for secret in ("collegue@example.org", "819 555-0000", "Pour la collègue"):
        assert secret not in body
    assert colleague.last_name not in body


def test_download_costs_a_fixed_number_of_queries(client, member, django_assert_max_num_queries):
    quiet = UserFactory()
    _history(member, size=6)
    _history(quiet, size=1)
    for index in range(3):
        _lead_writings(member, index=index)
    _lead_writings(quiet)

    def queries_for(person) -> int:
        client.force_login(person)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(EXPORT_URL).status_code == 200
        return len(captured)

    assert queries_for(member) == queries_for(quiet)
    client.force_login(member)
    # The session and the user; the member's confirmed addresses, every address on the
    # account, the outbox; then each app's part (communities four, meetings nine: the
    # reminders sent, then their meetings; the library three: resources, their tags, marks;
    # the digest one: the weeks it was written; the areas of expertise one; the questions two:
    # questions asked, answers written).
    with django_assert_max_num_queries(24):
        client.get(EXPORT_URL)


def test_download_refuses_post(member_client):
    assert member_client.post(EXPORT_URL).status_code == 405


def test_profile_page_links_to_the_download(member_client):
    html = page_text(member_client.get(reverse("members:profile")))

    assert f'href="{EXPORT_URL}"' in html
