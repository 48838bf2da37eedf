"""The monthly summary is written once when two beats run at the same time: real threads with
their own PostgreSQL connections, released together (see tests/communities/test_concurrency.py)."""

import pytest
import time_machine
from django.core import mail

from health.models import MonthlySummarySent
from health.services import monthly_summary_enqueue
from notifications.models import OutboxMessage
from notifications.relay import relay
from tests.communities.test_concurrency import _run_together
from tests.factories import CommunityFactory, StaffFactory
from tests.health.conftest import NOW

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_beats_write_the_months_summary_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW, tick=True):
        CommunityFactory()
        staff = StaffFactory.create_batch(3)

        outcomes = _run_together([monthly_summary_enqueue] * 2)
        relay()

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert sorted(outcomes) == [False, True]
    assert MonthlySummarySent.objects.count() == 1
    messages = OutboxMessage.objects.filter(kind="health.monthly_summary")
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted(s.pk for s in staff)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(s.email for s in staff)
