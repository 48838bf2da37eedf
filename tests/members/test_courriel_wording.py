"""The portal writes "courriel", as Québec does, on its own pages and on allauth's (whose French
says "e-mail"): members/allauth_wording.py brings allauth's strings into our catalogue."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

NEWCOMER = "nouvelle@example.org"
PASSWORD = "Un-mot-de-passe-Solide-42"


def _words(text: str) -> str:
    """What a person reads: no tags, no addresses of pages or mailboxes."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\S*[/@]\S*", " ", text)


def _e_mail_words(text: str) -> list[str]:
    return re.findall(r"\b[eE]-?mails?\b", _words(text))


def test_account_pages_say_courriel(client):
    pages = [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_email_verification_sent"),
    ]
    for path in pages:
        text = page_text(client.get(path))
        assert not _e_mail_words(text), path
        assert "courriel" in _words(text).lower(), path

    client.force_login(UserFactory())
    text = page_text(client.get(reverse("account_email")))
    assert not _e_mail_words(text)
    assert "Adresses courriel" in text


def test_sign_up_and_password_reset_e_mails_say_courriel(client, run_tasks):
    member = UserFactory()
    with run_tasks():
        client.post(
            reverse("account_signup"),
            {
                "email": NEWCOMER,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "privacy_consent": "on",
            },
        )
        client.post(reverse("account_reset_password"), {"email": member.email})

    assert [message.to for message in mail.outbox] == [[NEWCOMER], [member.email]]
    for message in mail.outbox:
        assert not _e_mail_words(message.subject + "\n" + message.body), message.subject


def test_english_keeps_email(client, english):
    text = page_text(client.get(reverse("account_reset_password")))

    assert "email address" in _words(text)
