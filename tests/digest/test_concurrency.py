"""The digest is written once per member and week when two beats sweep at the same time: real
threads with their own PostgreSQL connections, released together (see
tests/communities/test_concurrency.py)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from digest.models import DigestSent
from digest.services import digests_enqueue
from library.models import Resource
from notifications.models import OutboxMessage
from notifications.relay import relay
from tests.communities.test_concurrency import _run_together
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MONDAY = datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("America/Montreal"))


def test_two_concurrent_beats_write_each_digest_once():
    with time_machine.travel(MONDAY, tick=True):
        community = CommunityFactory(capacity=50)
        members = [MembershipFactory(community=community).member for _ in range(12)]
        resource = Resource.objects.create(community=community, title="Gabarit", kind="template")
        Resource.objects.filter(pk=resource.pk).update(created_at=MONDAY - timedelta(days=1))

        # Small batches, so that the two sweeps interleave their claims member by member.
        outcomes = _run_together([lambda: digests_enqueue(batch_size=3)] * 2)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert sum(outcomes) == len(members)
    assert DigestSent.objects.count() == len(members)
    messages = OutboxMessage.objects.filter(kind="digest.weekly")
    assert sorted(messages.values_list("recipient_id", flat=True)) == sorted(
        member.pk for member in members
    )


def test_a_second_sweep_after_the_first_sends_nothing_more(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MONDAY, tick=True):
        community = CommunityFactory()
        MembershipFactory.create_batch(3, community=community)
        Resource.objects.create(community=community, title="Gabarit", kind="template")
        outcomes = _run_together([digests_enqueue, digests_enqueue])
        again = digests_enqueue()
        relay()

    assert sum(outcomes) == 3
    assert again == 0
    assert len(mail.outbox) == 3
