"""A question's attachment: the same checks as a meeting's documents, served only to the
community's members and staff, through a view that checks."""

import pytest
from django.urls import reverse

from questions.models import Question
from tests.factories import StaffFactory, UserFactory
from tests.questions.conftest import ask, pdf

pytestmark = pytest.mark.django_db


def post(client, community, attachment):
    return client.post(
        reverse("questions:ask", args=[community.slug]),
        {"title": "Ponceau effondré", "details": "Photos jointes.", "attachment": attachment},
    )


def test_a_member_attaches_a_document_and_peers_download_it(client, community, asker, peer):
    client.force_login(asker)
    response = post(client, community, pdf())
    question = Question.objects.get()
    assert response.status_code == 302
    assert question.attachment_name == "photo-ponceau.pdf"
    client.force_login(peer)
    page = client.get(response.url).content.decode()
    url = reverse("questions:attachment", args=[community.slug, question.pk])
    assert url in page and "photo-ponceau.pdf" in page
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("photo.pdf", b"<html>pas un pdf</html>", "ne correspond pas à celui d"),
        ("script.exe", b"MZ", "Fichiers acceptés"),
    ],
)
def test_the_meeting_documents_checks_apply(client, community, asker, name, content, error):
    client.force_login(asker)
    response = post(client, community, pdf(name, content))
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["attachment"])
    # What was typed stays.
    assert "Photos jointes." in response.content.decode()
    assert not Question.objects.exists()


def test_a_too_large_attachment_is_refused(client, community, asker, monkeypatch):
    from meetings import models as meeting_models

    monkeypatch.setattr(meeting_models, "DOCUMENT_MAX_BYTES", 10)
    client.force_login(asker)
    response = post(client, community, pdf())
    assert "trop volumineux" in " ".join(response.context["form"].errors["attachment"])


def test_the_attachment_is_served_to_the_community_and_staff_only(
    client, community, asker, outsider
):
    question = ask(community, asker, attachment=pdf())
    url = reverse("questions:attachment", args=[community.slug, question.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    for stranger in (outsider, UserFactory()):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200
    # Never through the storage's own address.
    assert client.get(f"/media/{question.attachment.name}").status_code == 404


def test_a_question_without_attachment_has_no_download(client, community, asker, question):
    client.force_login(asker)
    url = reverse("questions:attachment", args=[community.slug, question.pk])
    assert client.get(url).status_code == 404


def test_staff_deleting_a_question_in_the_admin_deletes_its_file(
    client, community, asker, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    question = ask(community, asker, attachment=pdf())
    name = question.attachment.name
    assert default_storage.exists(name)
    client.force_login(StaffFactory())
    url = reverse("admin:questions_question_delete", args=[question.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.exists()
    assert not default_storage.exists(name)
