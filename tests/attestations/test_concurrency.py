"""Two downloads at once of the same year issue one attestation, under real concurrency:
threads with their own PostgreSQL connections, released together (see
tests/communities/test_concurrency.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from attestations.models import Attestation
from attestations.services import attestation_issue
from meetings.models import Attendance
from tests.communities.test_concurrency import _run_together
from tests.factories import MeetingFactory, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_downloads_issue_one_attestation_with_one_code():
    membership = MembershipFactory()
    starts_at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    meeting = MeetingFactory(
        community=membership.community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    Attendance.objects.create(meeting=meeting, member=membership.member, mode="online")
    year = timezone.localdate(starts_at).year

    outcomes = _run_together(
        [lambda: attestation_issue(member=membership.member, year=year)[0].code] * 4
    )

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    assert len(set(outcomes)) == 1
    assert Attestation.objects.filter(member=membership.member).count() == 1
