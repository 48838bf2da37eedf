"""One "useful" mark per member and resource under real concurrency: threads with their own
PostgreSQL connections, released together (see tests/communities/test_concurrency.py)."""

import pytest

from library import services
from library.models import UsefulMark
from tests.communities.test_concurrency import _run_together
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_clicks_never_mark_twice():
    membership = MembershipFactory()
    resource = services.resource_create(
        community=membership.community,
        author=membership.member,
        title="Gabarit",
        kind="template",
        url="https://example.org/g",
    )
    outcomes = _run_together(
        [lambda: services.useful_toggle(resource=resource, member=membership.member)] * 4
    )
    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    # A toggle: a late click may take the mark back, but never two marks, and no error.
    assert UsefulMark.objects.filter(resource=resource, member=membership.member).count() <= 1
