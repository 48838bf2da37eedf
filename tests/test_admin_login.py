"""The admin's log-in is under the members' rate limits (allauth's ACCOUNT_RATE_LIMITS): a
password cannot be guessed there faster than on the portal's own log-in."""

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture
def staff(db):
    return StaffFactory(email="admin@example.org")


def _admin_log_in(client, email: str, password: str):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"})


def _signed_in(client) -> bool:
    return settings.SESSION_COOKIE_NAME in client.cookies and "_auth_user_id" in client.session


def test_twenty_nine_wrong_passwords_then_the_right_one_is_refused(client, staff):
    with time_machine.travel(timezone.now(), tick=False):
        answers = [_admin_log_in(client, staff.email, f"faux-{n}").status_code for n in range(29)]
        right = _admin_log_in(client, staff.email, PASSWORD)

    # Five wrong passwords for one address in five minutes (ACCOUNT_RATE_LIMITS["login_failed"]).
    assert answers[:5] == [200] * 5
    assert set(answers[5:]) == {429}
    assert right.status_code == 429
    assert "Trop de tentatives" in page_text(right)
    assert not _signed_in(client)


def test_the_right_password_after_a_few_mistakes_signs_in(client, staff):
    for attempt in range(4):
        _admin_log_in(client, staff.email, f"faux-{attempt}")

    response = _admin_log_in(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert _signed_in(client)


def test_mistakes_on_the_members_log_in_count_for_the_admins(client, staff):
    with time_machine.travel(timezone.now(), tick=False):
        for attempt in range(5):
            client.post(reverse("account_login"), {"login": staff.email, "password": f"x{attempt}"})
        response = _admin_log_in(client, staff.email, PASSWORD)

    assert response.status_code == 429


def test_many_addresses_from_one_ip_are_refused_after_ten_failures(client, db):
    with time_machine.travel(timezone.now(), tick=False):
        answers = [
            _admin_log_in(client, f"inconnu{n}@example.org", "x").status_code for n in range(12)
        ]

    # ACCOUNT_RATE_LIMITS["login_failed"]: ten failures a minute per IP, whatever the address.
    assert answers == [200] * 10 + [429] * 2


def test_thirty_attempts_a_minute_from_one_ip_at_most(client, staff):
    with time_machine.travel(timezone.now(), tick=False):
        answers = [_admin_log_in(client, staff.email, PASSWORD).status_code for _ in range(31)]

    # ACCOUNT_RATE_LIMITS["login"]: every attempt counts, successful ones included.
    assert answers[:30] == [302] * 30
    assert answers[30] == 429


def test_the_limits_lift_with_time(client, staff):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for attempt in range(6):
            _admin_log_in(client, staff.email, f"faux-{attempt}")
        traveller.shift(6 * 60)
        response = _admin_log_in(client, staff.email, PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_a_member_who_is_not_staff_is_told_so_and_not_signed_in(client, db):
    member = UserFactory()

    response = _admin_log_in(client, member.email, PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not _signed_in(client)
