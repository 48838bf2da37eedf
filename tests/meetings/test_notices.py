"""Invitations, updates and cancellations: a notice overtaken by a later change before it went
out is not sent; the later one tells the meeting as it is."""

from datetime import timedelta

import pytest
from django.core import mail

from meetings import services
from notifications.models import OutboxMessage
from notifications.relay import relay

pytestmark = pytest.mark.django_db


def _kinds_sent() -> list[str]:
    return [message.subject.split("]", 1)[1].strip() for message in mail.outbox]


def test_a_meeting_changed_twice_before_the_relay_runs_sends_only_its_latest_state(
    community, lead, fellow, meeting_fields
):
    meeting = services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)
    moved = meeting.starts_at + timedelta(hours=3)
    services.meeting_update(
        meeting=meeting, updated_by=lead, starts_at=moved, ends_at=moved + timedelta(hours=2)
    )

    relay()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, fellow.email])
    assert all(m.subject.startswith("[AIMQ] Rencontre modifiée") for m in mail.outbox), (
        _kinds_sent()
    )
    statuses = dict(
        OutboxMessage.objects.filter(to_email=fellow.email).values_list("key", "status")
    )
    assert sorted(statuses.values()) == ["sent", "skipped"]


def test_a_meeting_cancelled_before_its_invitation_went_out_sends_only_the_cancellation(
    community, lead, fellow, meeting_fields
):
    meeting = services.meeting_schedule(community=community, scheduled_by=lead, **meeting_fields)
    services.meeting_cancel(meeting=meeting, cancelled_by=lead)

    relay()

    assert len(mail.outbox) == 2
    assert all("annulée" in m.subject for m in mail.outbox), _kinds_sent()
