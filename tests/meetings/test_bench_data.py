"""`make bench`'s data set: the command builds the sizes it announces, and the pages the load
drives answer with them (the benchmark itself is never a test: no timing here)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from communities.models import (
    Community,
    Decision,
    JoinRequest,
    JoinRequestStatus,
    Membership,
)
from meetings.management.commands import build_bench_data as bench
from meetings.models import CalendarFeedToken, Meeting, Rsvp
from members.models import User

pytestmark = pytest.mark.django_db


def test_scale_one_is_a_hundredth_of_the_large_data_set(client):
    before = Community.objects.count()  # the association's three, from the migrations

    call_command("build_bench_data", scale=1)

    assert Community.objects.count() - before == 3
    assert User.objects.count() == 300
    assert Membership.objects.count() == 3 * 15
    assert JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).count() == 3 * 30
    assert Meeting.objects.count() == 60
    assert Rsvp.objects.count() == 60 * 15
    assert Decision.objects.count() == 3 * 93  # about 28,000 at scale 100
    full = Community.objects.get(slug="communaute-0000")
    assert full.memberships.count() == full.capacity == 15
    member = User.objects.get(email=bench.MEMBER_EMAIL)
    assert member.memberships.count() == 3  # the first eight, when there are eight
    assert CalendarFeedToken.objects.filter(member=member).exists()

    # The personas of the load see their pages.
    client.force_login(User.objects.get(email=bench.STAFF_EMAIL))
    inbox = client.get(reverse("communities:inbox"))
    assert inbox.status_code == 200
    client.force_login(member)
    assert client.get(reverse("communities:detail", args=[full.slug])).status_code == 200
    assert client.get(reverse("communities:list")).status_code == 200
    token = member.calendar_feed_token.token
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 200


def test_it_refuses_a_database_that_has_members():
    User.objects.create(email="quelquun@example.org")

    with pytest.raises(CommandError):
        call_command("build_bench_data", scale=1)
