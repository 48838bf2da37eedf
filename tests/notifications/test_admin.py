"""Staff see the outbox in the admin and send a failed message again."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services import outbox_enqueue
from tests.factories import UserFactory
from tests.helpers import page_text
from tests.notifications.kinds import NOTE

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_outboxmessage_changelist")


def _message(status: str, **fields) -> OutboxMessage:
    member = UserFactory()
    outbox_enqueue(kind=NOTE, key=f"note:{member.pk}", recipients=[member])
    message = OutboxMessage.objects.get(recipient=member)
    if status == "sent":
        fields.setdefault("sent_at", timezone.now())
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, **fields)
    message.refresh_from_db()
    return message


def test_staff_see_what_waits_what_went_out_and_what_failed_with_its_error(staff_client):
    _message("pending")
    _message("sent", subject="Rappel envoyé")
    _message("failed", attempts=8, last_error="SMTPRecipientsRefused 550 inconnu")

    everything = page_text(staff_client.get(CHANGELIST))
    failed = page_text(staff_client.get(CHANGELIST, {"status__exact": "failed"}))
    detail = page_text(
        staff_client.get(
            reverse(
                "admin:notifications_outboxmessage_change",
                args=[OutboxMessage.objects.get(status="failed").pk],
            )
        )
    )

    assert "Rappel envoyé" in everything
    assert "Rappel envoyé" not in failed
    assert "550 inconnu" in detail


def test_staff_send_a_failed_message_again(staff_client, run_tasks):
    failed = _message("failed", attempts=8, last_error="SMTPRecipientsRefused")
    sent = _message("sent", subject="Déjà parti")

    with run_tasks():
        response = staff_client.post(
            CHANGELIST,
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert "1 courriel sera envoyé de nouveau." in page_text(response)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    assert [m.to for m in mail.outbox] == [[failed.to_email]]


def test_nobody_edits_or_deletes_the_outbox(staff_client):
    message = _message("pending")

    assert staff_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:notifications_outboxmessage_delete", args=[message.pk]), {"post": "yes"}
    )
    assert response.status_code == 403 and OutboxMessage.objects.filter(pk=message.pk).exists()


def test_the_outbox_list_costs_the_same_with_ten_or_a_hundred_messages(
    staff_client, django_assert_max_num_queries
):
    for _ in range(10):
        _message("sent")
    with django_assert_max_num_queries(12) as small:
        staff_client.get(CHANGELIST)
    for _ in range(90):
        _message("sent")
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(CHANGELIST)
