"""Building the portal's e-mails: subject, text and HTML from templates, in the recipient's
language, with absolute links and a Message-ID that stays the same for the same message.

Subjects and text bodies are plain text: they are rendered by the ``text`` template engine,
which does not escape HTML (an apostrophe stays an apostrophe, not ``&#x27;``). The HTML part
is the same text in the e-mail layout, rendered by the ordinary engine, which escapes it once
and makes its links clickable, so the two parts never drift apart. A context value given as
``FormattedText`` (a lead's agenda, say) is written as typed in the text part and as its
formatted HTML in the HTML part."""

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from notifications.models import OutboxMessage
from notifications.registry import Skip

TEXT_ENGINE = "text"
HTML_ENGINE = "django"


def absolute_url(view_name: str, *args, **kwargs) -> str:
    return settings.SITE_URL + reverse(view_name, args=args, kwargs=kwargs)


def language_of(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


@functools.cache
def _domain_of(from_email: str) -> str:
    return parseaddr(from_email)[1].rpartition("@")[2] or "aimq.invalid"


@functools.cache
def _sender_of(from_email: str, charset: str) -> tuple[str, str]:
    """The envelope address and the encoded From header of ``from_email``. Given the From
    header already encoded (ASCII), Django leaves it as it is; given ``from_email`` only, it
    encodes the display name ("Communautés", not ASCII) twice for every message it sends
    (about 0.5 ms a message, a third of what the relay then spent on each)."""
    return parseaddr(from_email)[1], sanitize_address(from_email, charset)


def message_id(key: str) -> str:
    """The same Message-ID for every attempt at the same message: a mail server or a mail
    client that sees a message twice (the rare resend after a crash) can tell it is one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    # The sender's domain, parsed once per sender rather than once per message.
    return f"<{digest}@{_domain_of(settings.DEFAULT_FROM_EMAIL)}>"


# A link in a text body: it runs to the next space, less the punctuation that ends a sentence.
_LINK = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)]")


def html_body(text: str) -> SafeString:
    """The text body as HTML: escaped, its links clickable, its lines kept. (Django's urlize
    does this too, at a third of the cost of a whole message: the relay builds thousands.)"""
    escaped = escape(text)
    linked = _LINK.sub(lambda link: f'<a href="{link.group(0)}">{link.group(0)}</a>', escaped)
    return mark_safe(linked.replace("\n", "<br>\n"))  # noqa: S308 (escaped above)


@dataclass(frozen=True)
class FormattedText:
    """A block of a message shown as typed in the text part and formatted in the HTML part:
    templates write ``text``; the HTML part shows ``html`` (already safe) in its place."""

    text: str
    html: SafeString

    def __str__(self) -> str:
        return self.text


def _with_formatted(html: str, formatted: Iterable[FormattedText]) -> str:
    """Puts each block's formatted HTML where the HTML body shows its text. The text is written
    on lines of its own, so its HTML body is a run of the whole body's; if a template ever
    wrote it otherwise, the block simply stays as text."""
    for block in formatted:
        plain = html_body(block.text)
        # The block brings its own paragraphs: the line break after it would add a blank line.
        html = html.replace(plain + "<br>\n", block.html, 1).replace(plain, block.html, 1)
    return html


# Line breaks and runs of spaces, never the non-breaking spaces French puts before « : ».
_BREAKABLE_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def _one_line(text: str) -> str:
    return _BREAKABLE_SPACE.sub(" ", text).strip(" ")


def render_text(*, template: str, context: dict, language: str) -> tuple[str, str]:
    """The subject (prefixed, on one line) and the text body of emails/<template>, in
    ``language``. Plain text: nothing is HTML-escaped."""
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{template}_subject.txt", context, using=TEXT_ENGINE)
        text = render_to_string(f"emails/{template}.txt", context, using=TEXT_ENGINE)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _one_line(subject)
    return subject, text.strip() + "\n"


def html_of(
    *, subject: str, text: str, language: str, formatted: Iterable[FormattedText] = ()
) -> str:
    """The HTML part of a rendered subject and text: the text as HTML in the portal's layout
    (with the ``formatted`` blocks formatted)."""
    body = mark_safe(_with_formatted(html_body(text), formatted))  # noqa: S308 (escaped, or safe)
    with translation.override(language):
        return render_to_string(
            "emails/layout.html",
            {"subject": subject, "body": body, "language": language},
            using=HTML_ENGINE,
        )


def email_of(
    *,
    subject: str,
    text: str,
    to: str,
    language: str,
    key: str,
    formatted: Iterable[FormattedText] = (),
    html: str | None = None,
) -> EmailMultiAlternatives:
    """The e-mail of a rendered subject and text: the text, and the same text as HTML in the
    portal's layout (``html_of``, unless ``html`` gives it already rendered)."""
    if html is None:
        html = html_of(subject=subject, text=text, language=language, formatted=formatted)
    envelope_from, from_header = _sender_of(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=envelope_from,
        to=[to],
        headers={"From": from_header, "Message-ID": message_id(key)},
    )
    message.attach_alternative(html, "text/html")
    return message


def build_email(
    *, template: str, context: dict, to: str, language: str, key: str
) -> EmailMultiAlternatives:
    """Renders emails/<template>_subject.txt and emails/<template>.txt in ``language``."""
    subject, text = render_text(template=template, context=context, language=language)
    formatted = [value for value in context.values() if isinstance(value, FormattedText)]
    return email_of(
        subject=subject, text=text, to=to, language=language, key=key, formatted=formatted
    )


def address_of(message: OutboxMessage) -> tuple[str, str] | Skip:
    """Where and in which language a message goes: an account's current address and language
    (read when the message is sent, so a member who changed their address meanwhile gets it at
    the new one), or the bare address it was written for."""
    if message.recipient_id is None:
        if not message.to_email:
            return Skip("no recipient")
        return message.to_email, settings.LANGUAGE_CODE
    user = message.recipient
    if user is None or not user.is_active:
        return Skip("the recipient's account is closed or inactive")
    return user.email, language_of(user)


def render_for(
    message: OutboxMessage, *, template: str, context: dict
) -> EmailMultiAlternatives | Skip:
    """The e-mail of ``message`` from ``template``, to its recipient, in their language; the
    context gets ``recipient`` (the account, or None for a bare address)."""
    address = address_of(message)
    if isinstance(address, Skip):
        return address
    to, language = address
    return build_email(
        template=template,
        context={"recipient": message.recipient, **context},
        to=to,
        language=language,
        key=message.key,
    )
