"""Sign-up with mandatory e-mail verification, through the pages a newcomer uses."""

import re
from unittest import mock

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse

from members.models import User
from tests.factories import UserFactory

PASSWORD = "Un-mot-de-passe-Solide-42"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/comptes/confirm-email/[^\s/]+/")


def _sign_up(client, run_tasks, email="nouvelle@example.org"):
    # The confirmation e-mail goes through the outbox: it is sent once the page's work commits.
    with run_tasks():
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD, "privacy_consent": "on"},
        )


def _confirmation_link(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, f"no confirmation link in the mail body:\n{message.body}"
    return match.group(0)


def test_signup_page_shows_the_form(client, db):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_signup_sends_a_verification_mail_with_a_confirmation_link(client, db, run_tasks):
    response = _sign_up(client, run_tasks)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert _confirmation_link(message)
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified is False


def test_signup_remembers_the_language_the_newcomer_used(client, db, english, run_tasks):
    _sign_up(client, run_tasks)

    assert User.objects.get(email="nouvelle@example.org").preferred_language == "en"


def test_confirmation_link_shows_a_confirm_page_then_confirms_on_post(client, db, run_tasks):
    _sign_up(client, run_tasks)
    link = _confirmation_link(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "<form" in page.content.decode()
    # Opening the link alone (a mail scanner does) confirms nothing.
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified is False

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified is True


def test_member_logs_in_with_email_and_password_after_confirming(client, db, run_tasks):
    _sign_up(client, run_tasks)
    link = _confirmation_link(mail.outbox[0])
    client.post(link)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "nouvelle@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("members:profile")).status_code == 200


def test_login_before_confirming_gives_no_access(client, db, run_tasks):
    _sign_up(client, run_tasks)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "nouvelle@example.org", "password": PASSWORD}
    )

    # allauth sends the newcomer back to "check your e-mail" instead of logging them in.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    profile = client.get(reverse("members:profile"))
    assert profile.status_code == 302
    assert profile["Location"].startswith(reverse("account_login"))


def test_login_with_a_wrong_password_is_refused(client, member):
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "pas-le-bon-mot"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_account_mails_are_signed_by_the_portal_not_by_the_host_name(client, db, run_tasks):
    _sign_up(client, run_tasks)

    lines = [line for line in mail.outbox[0].body.splitlines() if line.strip()]
    assert lines[0] == "Bonjour,"
    assert lines[-1] == "Le portail des communautés de pratique de l'AIMQ"


def _hashings_during(client, run_tasks, email: str) -> int:
    """How many times the password hasher runs while the sign-up is answered."""
    hasher_class = type(get_hasher())
    with mock.patch.object(
        hasher_class, "encode", autospec=True, side_effect=hasher_class.encode
    ) as encode:
        response = _sign_up(client, run_tasks, email)
    assert response.status_code == 302
    return encode.call_count


def test_signing_up_with_an_address_that_has_an_account_costs_the_same_hashing(
    client, db, run_tasks
):
    """The answer is the same page either way; its speed must not tell either (a new address's
    password is hashed, a deliberately slow step). Timings are measured by `make bench`."""
    UserFactory(email="deja@example.org")

    new = _hashings_during(client, run_tasks, "nouvelle@example.org")
    existing = _hashings_during(client, run_tasks, "deja@example.org")

    assert new == existing == 1
