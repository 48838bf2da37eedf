"""After a meeting, a lead posts the follow-up: the community's members get one e-mail per
posting (not one per field), only when something is new; a document posted by mistake is
removed, its file with it; what is shared with everyone is the lead's explicit choice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import FollowUp, FollowUpDocument
from notifications.models import OutboxMessage
from notifications.relay import relay
from tests.factories import MeetingFactory, MembershipFactory
from tests.helpers import shown_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_meeting(community):
    starts_at = timezone.now() - timedelta(days=3)
    return MeetingFactory(
        community=community,
        title="Plans d'intervention",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
    )


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def _pdf(name="diapositives.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", "application/pdf")


def _post(client, meeting, **data):
    return client.post(reverse("meetings:followup", args=[meeting.pk]), data)


def _mails_to(person) -> list:
    return [message for message in mail.outbox if person.email in message.to]


def test_one_posting_sends_each_member_one_email_telling_everything(
    lead_client, past_meeting, lead, fellow, run_tasks
):
    other = MembershipFactory(community=past_meeting.community).member
    outsider = MembershipFactory().member

    with run_tasks():
        response = _post(
            lead_client,
            past_meeting,
            minutes="<p>Décisions</p>",
            recording_url="https://video.example.org/plans",
            document=_pdf(),
            document_title="Diapositives",
        )

    assert response.status_code == 302
    assert shown_messages(lead_client.get(response["Location"])) == [
        "Le suivi est enregistré; les membres de la communauté en sont avisés par courriel."
    ]
    assert len(_mails_to(fellow)) == 1 and len(_mails_to(other)) == 1
    assert not _mails_to(lead)  # who posted it knows
    assert not _mails_to(outsider)
    (message,) = _mails_to(fellow)
    assert message.subject == "[AIMQ] Suivi de la rencontre Plans d'intervention"
    for told in ("le compte rendu", "l'enregistrement", "le document «\u00a0Diapositives\u00a0»"):
        assert told in message.body
    assert reverse("meetings:detail", args=[past_meeting.pk]) in message.body


def test_saving_again_with_nothing_new_sends_nothing(lead_client, past_meeting, fellow, run_tasks):
    with run_tasks():
        first = _post(lead_client, past_meeting, minutes="<p>Décisions</p>")
    lead_client.get(first["Location"])  # its message read
    mail.outbox.clear()

    with run_tasks():
        # A typo corrected, the minutes shared with everyone: no news for the members.
        response = _post(
            lead_client, past_meeting, minutes="<p>Décisions prises</p>", minutes_public="on"
        )

    assert response.status_code == 302
    assert not mail.outbox
    assert shown_messages(lead_client.get(response["Location"])) == ["Le suivi est enregistré."]
    assert FollowUp.objects.get().minutes_public is True


def test_a_later_posting_sends_one_more_email(lead_client, past_meeting, fellow, run_tasks):
    with run_tasks():
        _post(lead_client, past_meeting, minutes="<p>Décisions</p>")
    with run_tasks():
        _post(lead_client, past_meeting, minutes="<p>Décisions</p>", document=_pdf())

    assert len(_mails_to(fellow)) == 2


def test_a_posting_overtaken_before_it_went_out_gives_way_to_the_later_one(
    past_meeting, lead, fellow
):
    # The relay is down meanwhile: two postings wait in the outbox.
    services.followup_save(meeting=past_meeting, saved_by=lead, minutes="<p>Décisions</p>")
    services.followup_document_add(meeting=past_meeting, uploaded_by=lead, file=_pdf())

    relay()

    (message,) = _mails_to(fellow)
    assert "le compte rendu" in message.body and "«\u00a0diapositives" in message.body
    skipped = OutboxMessage.objects.get(status="skipped", recipient=fellow)
    assert skipped.skipped_because == "a later posting of the follow-up was sent instead"


def test_a_member_who_left_meanwhile_is_not_told(past_meeting, lead, fellow):
    services.followup_save(meeting=past_meeting, saved_by=lead, minutes="<p>Décisions</p>")
    past_meeting.community.memberships.filter(member=fellow).delete()

    relay()

    assert not _mails_to(fellow)


def test_a_refused_document_leaves_the_follow_up_unsaved_and_the_input_kept(
    lead_client, past_meeting, fellow, run_tasks
):
    with run_tasks():
        response = _post(
            lead_client,
            past_meeting,
            minutes="<p>Décisions</p>",
            document=SimpleUploadedFile("page.pdf", b"<html>not a pdf</html>"),
        )

    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    assert "Décisions" in response.content.decode()
    assert not FollowUp.objects.filter(minutes__contains="Décisions").exists()
    assert not mail.outbox


def test_the_form_makes_each_sharing_an_explicit_choice(lead_client, past_meeting):
    html = lead_client.get(reverse("meetings:followup", args=[past_meeting.pk])).content.decode()

    for label in (
        "Compte rendu visible par tous",
        "Enregistrement visible par tous",
        "Documents visibles par tous",
        "Conférenciers",
        "Résumé public",
    ):
        assert label in html
    assert "checked" not in html


def test_the_public_summary_over_its_limit_is_refused_and_kept(lead_client, past_meeting):
    summary = "Un résumé trop long. " * 40  # 840 characters, over the 600 allowed

    response = _post(lead_client, past_meeting, public_summary=summary)

    assert response.status_code == 200
    assert "public_summary" in response.context["form"].errors
    assert summary.strip() in response.content.decode().replace("&#x27;", "'")
    assert not FollowUp.objects.exists()


def test_sharing_the_recording_dates_the_talk_once(lead, past_meeting):
    followup = services.followup_save(
        meeting=past_meeting,
        saved_by=lead,
        recording_url="https://video.example.org/r",
        recording_public=True,
    )
    published_at = followup.published_at
    assert published_at is not None

    again = services.followup_save(
        meeting=past_meeting,
        saved_by=lead,
        recording_url="https://video.example.org/r",
        recording_public=True,
        public_summary="Résumé.",
    )
    assert again.published_at == published_at
    hidden = services.followup_save(
        meeting=past_meeting, saved_by=lead, recording_url="https://video.example.org/r"
    )
    assert hidden.published_at is None


# Removing a document posted by mistake


@pytest.fixture
def document(past_meeting, lead):
    return services.followup_document_add(
        meeting=past_meeting, uploaded_by=lead, file=_pdf("erreur.pdf"), title="Par erreur"
    )


def test_a_lead_removes_a_document_after_a_confirmation(
    lead_client, past_meeting, document, django_capture_on_commit_callbacks
):
    url = reverse("meetings:document_remove", args=[past_meeting.pk, document.pk])
    name = document.file.name
    assert default_storage.exists(name)

    page = lead_client.get(url)
    assert page.status_code == 200
    assert "Par erreur" in page.content.decode()
    assert FollowUpDocument.objects.filter(pk=document.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:followup", args=[past_meeting.pk])
    assert shown_messages(lead_client.get(response["Location"])) == [
        "Le document «\u00a0Par erreur\u00a0» est retiré."
    ]
    assert not FollowUpDocument.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(name)


def test_the_file_stays_when_the_removal_rolls_back(past_meeting, lead, document):
    from django.db import transaction

    name = document.file.name
    with transaction.atomic():
        services.followup_document_remove(document=document, removed_by=lead)
        transaction.set_rollback(True)

    assert default_storage.exists(name)
    assert FollowUpDocument.objects.filter(pk=document.pk).exists()


def test_a_member_cannot_remove_a_document(client, fellow, past_meeting, document):
    client.force_login(fellow)
    url = reverse("meetings:document_remove", args=[past_meeting.pk, document.pk])

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert FollowUpDocument.objects.filter(pk=document.pk).exists()


def test_the_follow_up_page_offers_to_remove_each_document(lead_client, past_meeting, document):
    html = lead_client.get(reverse("meetings:followup", args=[past_meeting.pk])).content.decode()

    assert reverse("meetings:document_remove", args=[past_meeting.pk, document.pk]) in html


def test_a_first_save_with_nothing_to_tell_says_no_email_went(lead_client, past_meeting):
    response = _post(lead_client, past_meeting, speakers="Julie Gagnon")

    assert shown_messages(lead_client.get(response["Location"])) == ["Le suivi est enregistré."]
    assert not OutboxMessage.objects.filter(kind="meetings.followup_posted").exists()
