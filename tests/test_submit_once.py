"""Every creating form is sent once: the same form sent twice (a double click, the page sent
again) creates one object, and the second answer is the page of what the first created.

Each test reads the one-time token from the page the visitor sees, as a browser would send it,
and sends the form twice with it."""

import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aimq_portal import page_cache
from communities.models import Decision, DecisionAction, JoinRequest
from meetings.models import FollowUpDocument, Meeting, Rsvp
from members.models import User
from submit_once.forms import TOKEN_FIELD, SubmitOnceMixin, new_token
from submit_once.models import Submission
from submit_once.services import submissions_prune, submit_once
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
)
from tests.helpers import shown_messages

pytestmark = pytest.mark.django_db

ALREADY_SENT = "Ce formulaire avait déjà été envoyé : voici son résultat."


def token_in(response, prefix: str = "") -> str:
    """The one-time token the page gives the form (of this prefix)."""
    name = f"{prefix}-{TOKEN_FIELD}" if prefix else TOKEN_FIELD
    html = response.content.decode()
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]+)"', html)
    assert match, f"no {name} field on the page"
    return match.group(1)


def assert_sent_back_to(response, url: str, client) -> None:
    assert response.status_code == 302
    assert response["Location"] == url
    assert ALREADY_SENT in shown_messages(client.get(url))


@pytest.fixture
def community(db):
    return CommunityFactory(slug="voirie", capacity=40)


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community).member


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def _meeting_data(title: str = "Déneigement") -> dict:
    starts_at = timezone.localtime() + timedelta(days=10)
    return {
        "title": title,
        "format": "online",
        "starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts_at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "meeting_url": "https://meet.example.org/voirie",
        "agenda": "",
    }


# One test per creating form: two POSTs with the same token, one object.


def test_scheduling_a_meeting_twice_with_one_token_creates_one_meeting(
    lead_client, community, django_capture_on_commit_callbacks
):
    url = reverse("meetings:schedule", args=[community.slug])
    data = {**_meeting_data(), TOKEN_FIELD: token_in(lead_client.get(url))}

    with django_capture_on_commit_callbacks() as callbacks:
        first = lead_client.post(url, data)
        second = lead_client.post(url, data)

    meeting = Meeting.objects.get()
    assert first["Location"] == reverse("meetings:detail", args=[meeting.pk])
    invitations = [
        callback
        for callback in callbacks
        # The page cache's own (a new data version once the transaction commits).
        if getattr(callback, "func", None) is not page_cache.new_version_on_commit
    ]
    assert len(invitations) == 1  # the members are invited once
    assert_sent_back_to(second, reverse("meetings:detail", args=[meeting.pk]), lead_client)


def test_asking_to_join_twice_with_one_token_sends_one_request(member_client, community):
    page = reverse("communities:detail", args=[community.slug])
    data = {"motivation": "Je veux partager.", TOKEN_FIELD: token_in(member_client.get(page))}
    url = reverse("communities:join", args=[community.slug])

    member_client.post(url, data)
    second = member_client.post(url, data)

    assert JoinRequest.objects.count() == 1
    assert_sent_back_to(second, page, member_client)


def test_uploading_a_follow_up_document_twice_with_one_token_adds_it_once(lead_client, community):
    starts_at = timezone.now() - timedelta(days=2)
    meeting = MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    url = reverse("meetings:followup", args=[meeting.pk])
    token = token_in(lead_client.get(url))

    def send():
        document = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 test", "application/pdf")
        data = {"minutes": "", "recording_url": "", "document_title": "Compte rendu"}
        return lead_client.post(url, {**data, "document": document, TOKEN_FIELD: token})

    send()
    second = send()

    assert FollowUpDocument.objects.count() == 1
    assert_sent_back_to(second, reverse("meetings:detail", args=[meeting.pk]), lead_client)


def test_deciding_a_join_request_twice_with_one_token_decides_once(lead_client, community):
    join_request = JoinRequestFactory(community=community)
    prefix = f"request-{join_request.pk}"
    token = token_in(lead_client.get(reverse("communities:inbox")), prefix)
    url = reverse("communities:request_detail", args=[join_request.pk])
    data = {
        f"{prefix}-decision": "approve",
        f"{prefix}-message": "",
        f"{prefix}-{TOKEN_FIELD}": token,
    }

    lead_client.post(url, data)
    second = lead_client.post(url, data)

    assert Decision.objects.filter(action=DecisionAction.APPROVED).count() == 1
    # The first decision's page, with "already sent" rather than "already decided".
    assert_sent_back_to(second, reverse("communities:inbox"), lead_client)


def test_answering_a_meeting_twice_with_one_token_answers_once(client, community):
    meeting = MeetingFactory(community=community)
    member = MembershipFactory(community=community).member
    client.force_login(member)
    detail = reverse("meetings:detail", args=[meeting.pk])
    data = {"response": "online", TOKEN_FIELD: token_in(client.get(detail))}
    url = reverse("meetings:rsvp", args=[meeting.pk])

    client.post(url, data)
    answered_at = Rsvp.objects.get().updated_at
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        second = client.post(url, data)

    assert Rsvp.objects.get().updated_at == answered_at  # not written a second time
    assert_sent_back_to(second, detail, client)


def test_signing_up_twice_with_one_token_opens_one_account_and_sends_one_email(client, run_tasks):
    url = reverse("account_signup")
    data = {
        "email": "nouvelle@example.org",
        "password1": "motdepasse-Solide-42",
        "password2": "motdepasse-Solide-42",
        "privacy_consent": "on",
        TOKEN_FIELD: token_in(client.get(url)),
    }

    with run_tasks():
        client.post(url, data)
        second = client.post(url, data)

    assert User.objects.filter(email="nouvelle@example.org").count() == 1
    # Not a second e-mail saying "you already have an account".
    assert len(mail.outbox) == 1
    assert_sent_back_to(second, reverse("account_email_verification_sent"), client)


# How the token behaves


def test_a_token_the_portal_did_not_issue_is_refused_beside_the_form_with_a_fresh_one(
    member_client, community
):
    url = reverse("communities:join", args=[community.slug])

    response = member_client.post(url, {"motivation": "Je veux partager.", TOKEN_FIELD: "forgé"})

    assert response.status_code == 200
    assert JoinRequest.objects.count() == 0
    form = response.context["join_form"]
    assert form.non_field_errors() == [
        "Ce formulaire est resté ouvert trop longtemps pour être envoyé. Vérifiez-le, puis "
        "envoyez-le de nouveau."
    ]
    assert "Je veux partager." in response.content.decode()  # the input is kept
    fresh = token_in(response)
    assert fresh != "forgé"
    member_client.post(url, {"motivation": "Je veux partager.", TOKEN_FIELD: fresh})
    assert JoinRequest.objects.count() == 1


def test_a_token_older_than_a_week_is_refused(member_client, community):
    page = reverse("communities:detail", args=[community.slug])
    token = token_in(member_client.get(page))

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = member_client.post(
            reverse("communities:join", args=[community.slug]),
            {"motivation": "Je veux partager.", TOKEN_FIELD: token},
        )

    assert response.status_code == 200
    assert JoinRequest.objects.count() == 0


def test_a_refused_sending_leaves_the_token_usable_for_the_corrected_form(lead_client, community):
    url = reverse("meetings:schedule", args=[community.slug])
    token = token_in(lead_client.get(url))
    in_the_past = timezone.localtime() - timedelta(days=1)
    refused = {
        **_meeting_data(),
        "starts_at": in_the_past.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (in_the_past + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        TOKEN_FIELD: token,
    }

    response = lead_client.post(url, refused)  # the service refuses a start in the past
    assert response.status_code == 200
    assert token_in(response) == token
    response = lead_client.post(url, {**_meeting_data(), TOKEN_FIELD: token})

    assert response.status_code == 302
    assert Meeting.objects.count() == 1


def test_a_form_sent_without_a_token_is_not_guarded(member_client, community):
    """A script's POST, not a browser's: the token is the client's way of saying "the same"."""
    response = member_client.post(
        reverse("communities:join", args=[community.slug]), {"motivation": "Bonjour."}
    )

    assert response.status_code == 302
    assert Submission.objects.count() == 0


def test_a_guarded_block_must_say_what_it_created(db):
    from django import forms

    class Form(SubmitOnceMixin, forms.Form):
        pass

    form = Form({TOKEN_FIELD: new_token()})
    assert form.is_valid()

    with pytest.raises(ImproperlyConfigured), submit_once(form):
        pass
    assert Submission.objects.count() == 0


def test_submissions_are_forgotten_once_their_tokens_are_refused(db):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        Submission.objects.create(token="ancien", result_url="/")
    Submission.objects.create(token="récent", result_url="/")

    assert submissions_prune() == 1
    assert list(Submission.objects.values_list("token", flat=True)) == ["récent"]


# A real double click: the second POST arrives while the first is still working.


def _soon(condition, attempts: int = 1000) -> bool:
    """Polls another thread's progress (not the clock) for up to about ten seconds."""
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.01)
    return False


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_sending_during_the_first_waits_for_it_and_creates_nothing(
    community, lead, monkeypatch
):
    from meetings import services

    first_is_working = threading.Event()
    second_is_waiting = threading.Event()
    schedule = services.meeting_schedule

    def slow_schedule(**kwargs):
        meeting = schedule(**kwargs)
        if not first_is_working.is_set():
            first_is_working.set()
            assert second_is_waiting.wait(timeout=30)
        return meeting

    monkeypatch.setattr(services, "meeting_schedule", slow_schedule)
    url = reverse("meetings:schedule", args=[community.slug])
    data = {**_meeting_data(), TOKEN_FIELD: new_token()}
    answers = {}

    def send(name):
        client = Client()
        client.force_login(lead)
        answers[name] = client.post(url, data)
        connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_is_working.wait(timeout=30)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    # The second request is blocked on the token's unique index until the first commits.
    waited = _soon(_waiting_for_a_lock)
    second_is_waiting.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert waited, "the second sending never waited for the first"

    meeting = Meeting.objects.get()
    detail = reverse("meetings:detail", args=[meeting.pk])
    assert answers["first"]["Location"] == detail
    assert answers["second"]["Location"] == detail
