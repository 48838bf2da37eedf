"""The portal's e-mails as the mail server receives them (notifications.rendering)."""

from email import message_from_bytes
from email.header import decode_header, make_header

from django.core.mail.message import sanitize_address
from django.test import override_settings

from notifications.rendering import email_of

SENDER = "AIMQ – Communautés de pratique <portail@example.org>"


@override_settings(DEFAULT_FROM_EMAIL=SENDER)
def test_an_email_comes_from_the_portal_by_name_as_django_would_encode_it():
    email = email_of(
        subject="Demain : Rencontre",
        text="Bonjour",
        to="ginette@example.org",
        language="fr",
        key="k",
    )
    received = message_from_bytes(email.message().as_bytes())

    assert " ".join(received["From"].split()) == sanitize_address(SENDER, "utf-8")  # unfolded
    assert str(make_header(decode_header(received["From"]))) == SENDER
    # The envelope sender (MAIL FROM) is the bare address.
    assert email.from_email == "portail@example.org"


def test_a_french_subject_keeps_its_non_breaking_space_before_the_colon():
    """The subject goes on one line (line breaks and runs of spaces become one space), but the
    non-breaking space French typography puts before « : » stays where the translation put it."""
    from types import SimpleNamespace

    from notifications.rendering import render_text

    subject, _text = render_text(
        template="communities/community_opened",
        context={
            "community": SimpleNamespace(name="Gestion  des\nactifs", capacity=15),
            "recipient": SimpleNamespace(first_name="Léa", display_name="Léa Lachance"),
            "head_start_ends_at": None,
            "community_url": "https://example.org/communautes/gestion/",
        },
        language="fr",
    )

    assert subject.endswith(
        "Gestion des actifs est ouverte\xa0: demandez à vous y joindre en premier"
    )
