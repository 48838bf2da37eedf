"""An address belongs to an account only once its owner proved it (the confirmation link).

A signed-in member can type anyone's address on allauth's e-mail page (/comptes/email/): it is
stored unverified, and a confirmation is mailed to it. Until that confirmation, the address must
count nowhere: not in the data download, not in the closure, not for the log-in, the password
reset or the uniqueness of a sign-up. The attacker's journey, then the legitimate one."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import User
from members.services import account_close
from notifications.models import OutboxMessage
from tests.factories import PASSWORD, SentMessageFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL_PAGE = reverse("account_email")
EXPORT_URL = reverse("members:data_export")
VICTIM = "victime@example.org"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/comptes/confirm-email/[^\s/]+/")
RESET_LINK = re.compile(r"https?://[^\s]+/comptes/password/reset/key/[^\s/]+/")
VICTIM_PASSWORD = "Le-mot-de-passe-de-la-Victime-7"


@pytest.fixture
def attacker(db):
    return UserFactory(email="attaquant@example.org", first_name="Arsène", last_name="Lupin")


@pytest.fixture
def attacker_client(client, attacker):
    client.force_login(attacker)
    return client


def _add_address(client, email: str):
    return client.post(EMAIL_PAGE, {"email": email, "action_add": ""})


def _links(pattern, to: str) -> list[str]:
    return [
        match.group(0)
        for message in mail.outbox
        if message.to == [to]
        for match in [pattern.search(message.body)]
        if match
    ]


def _victims_history() -> OutboxMessage:
    return SentMessageFactory(
        key="join-request:999:decided:to:victime@example.org",
        to_email=VICTIM,
        subject="[AIMQ] Votre demande : message confidentiel",
        sent_at=timezone.now(),
    )


def test_an_address_typed_on_the_email_page_is_kept_unverified(attacker_client, attacker):
    response = _add_address(attacker_client, VICTIM)

    assert response.status_code == 302
    claim = EmailAddress.objects.get(user=attacker, email=VICTIM)
    assert claim.verified is False


# The attacker's journey: the victim already has an account


def test_an_unverified_address_does_not_bring_its_emails_into_the_download(
    attacker_client, run_tasks
):
    UserFactory(email=VICTIM)
    _victims_history()
    with run_tasks():
        _add_address(attacker_client, VICTIM)

    body = attacker_client.get(EXPORT_URL).content.decode()

    assert "message confidentiel" not in body


def test_closing_an_account_leaves_alone_the_history_of_an_unverified_address(
    attacker_client, attacker, run_tasks
):
    UserFactory(email=VICTIM)
    history = _victims_history()
    with run_tasks():
        _add_address(attacker_client, VICTIM)

    account_close(user=attacker)

    history.refresh_from_db()
    assert history.to_email == VICTIM
    assert history.subject == "[AIMQ] Votre demande : message confidentiel"


# The attacker's journey: the victim has no account yet


def test_the_owner_of_an_address_claimed_unverified_elsewhere_can_still_sign_up(
    attacker_client, client, attacker, run_tasks
):
    with run_tasks():
        _add_address(attacker_client, VICTIM)
    attacker_client.logout()
    mail.outbox.clear()

    # Some time later (allauth mails one confirmation per address every 3 minutes).
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        with run_tasks():
            client.post(
                reverse("account_signup"),
                {
                    "email": VICTIM,
                    "password1": VICTIM_PASSWORD,
                    "password2": VICTIM_PASSWORD,
                    "privacy_consent": "on",
                },
            )
        victim = User.objects.get(email=VICTIM)
        [link] = _links(CONFIRM_LINK, VICTIM)
        client.post(link)
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": VICTIM, "password": VICTIM_PASSWORD}
        )

    assert victim.pk != attacker.pk
    assert EmailAddress.objects.get(user=victim, email=VICTIM).verified is True
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(victim.pk)
    # The attacker's claim, which can never be confirmed now, is gone.
    assert not EmailAddress.objects.filter(user=attacker, email=VICTIM).exists()


def test_a_password_reset_never_sends_a_link_to_an_account_that_did_not_verify_the_address(
    attacker_client, client, run_tasks
):
    with run_tasks():
        _add_address(attacker_client, VICTIM)
    attacker_client.logout()
    mail.outbox.clear()

    with run_tasks():
        response = client.post(reverse("account_reset_password"), {"email": VICTIM})

    assert response.status_code == 302
    assert _links(RESET_LINK, VICTIM) == []
    # The answer is the one for an unknown address (no enumeration): a mail saying so.
    assert [message.to for message in mail.outbox] == [[VICTIM]]


def test_an_unverified_address_does_not_log_in(attacker_client, client, attacker, run_tasks):
    with run_tasks():
        _add_address(attacker_client, VICTIM)
    attacker_client.logout()
    mail.outbox.clear()

    with run_tasks():
        response = client.post(reverse("account_login"), {"login": VICTIM, "password": PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    # Nothing is mailed to the victim asking them to confirm the address for the attacker.
    assert mail.outbox == []


# The legitimate journey


def test_a_member_changes_their_address_and_confirms_it(member_client, client, member, run_tasks):
    old_address = member.email
    _victims_history()  # not theirs: must stay out of their download
    SentMessageFactory(
        key="old", to_email=old_address, subject="Envoyé à l'ancienne", sent_at=timezone.now()
    )
    SentMessageFactory(
        key="new",
        to_email="nouvelle@example.org",
        subject="Envoyé à la nouvelle",
        sent_at=timezone.now(),
    )
    mail.outbox.clear()

    with run_tasks():
        assert _add_address(member_client, "nouvelle@example.org").status_code == 302
    exported = member_client.get(EXPORT_URL).json()
    assert "Envoyé à la nouvelle" not in [e["subject"] for e in exported["emails_sent"]]

    [link] = _links(CONFIRM_LINK, "nouvelle@example.org")
    assert member_client.post(link).status_code == 302
    member_client.post(EMAIL_PAGE, {"email": "nouvelle@example.org", "action_primary": ""})

    member.refresh_from_db()
    assert member.email == "nouvelle@example.org"
    exported = member_client.get(EXPORT_URL).json()
    # Every verified address of the member: the new one and the one they used before.
    # (And the confirmation the member asked for, at the address they typed.)
    assert sorted(e["subject"] for e in exported["emails_sent"]) == [
        "Envoyé à l'ancienne",
        "Envoyé à la nouvelle",
        "[AIMQ] Confirmez votre adresse courriel",
    ]
    member_client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nouvelle@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


def test_a_login_address_not_yet_confirmed_still_receives_its_reset_link(client, db, run_tasks):
    # As staff open an account in the admin: a login address, nothing confirmed yet.
    User.objects.create_user(email="ouverte.par.le.personnel@example.org", password=PASSWORD)

    with run_tasks():
        client.post(
            reverse("account_reset_password"), {"email": "ouverte.par.le.personnel@example.org"}
        )

    assert _links(RESET_LINK, "ouverte.par.le.personnel@example.org")
