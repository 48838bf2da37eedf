"""One-click links that change a member's notification choice without logging in.

Each link is signed (``django.core.signing``, with its own salt) and names one member, one
community and one choice: whoever holds it can set that choice for that member, and nothing
else; changing a digit of it breaks the signature. The links do not expire: an e-mail read a
year later must still let its reader stop the e-mails (a member who left the community meets a
page saying so).

- A GET applies the link's choice (idempotent) and shows a page confirming it, with the other
  choices as buttons (POST to their own links).
- A POST with ``List-Unsubscribe=One-Click`` (RFC 8058: the mail client's "unsubscribe"
  button) sets "nothing", whatever the link's choice; any other POST applies the link's choice.
- The digest, which speaks of several communities, has one more link (``scope`` "digest"):
  it turns the weekly digest off in every community where the member chose it.

E-mail builders call ``notification_links`` (the context of ``emails/includes/
notification_choices.txt``, the footer every community notification e-mail carries) and
``list_unsubscribe_headers`` (or ``with_unsubscribe_headers``, or ``digest_unsubscribe_headers``).
In a builder::

    context["notification_links"] = [notification_links(message.recipient, community)]
    email = render_for(message, template=..., context=context)  # the .txt includes
    return with_unsubscribe_headers(email, message.recipient, community)  # the footer

and the text template ends with
``{% include "emails/includes/notification_choices.txt" %}`` (the HTML part is made from the
text, its links clickable, by ``notifications.rendering``)."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models import Community, NotificationChoice
from notifications.rendering import absolute_url

SALT = "communities.notification-link"
DIGEST_SCOPE = "digest"
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class LinkTarget:
    """What a valid link changes: one member's choice for one community, or (``community_id``
    None) their weekly digest in every community."""

    user_id: int
    community_id: int | None
    choice: str


def _token(*, user_id: int, community_id: int | None, choice: str) -> str:
    payload = {"u": user_id, "n": choice}
    if community_id is None:
        payload["s"] = DIGEST_SCOPE
    else:
        payload["c"] = community_id
    # No timestamp (Signer, not TimestampSigner): the links do not expire, and the same
    # member, community and choice always make the same link.
    return signing.Signer(salt=SALT).sign_object(payload)


def target_of(token: str) -> LinkTarget | None:
    """What the link changes; None when it was not signed by the portal (tampered, truncated)."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("n") not in NotificationChoice.values:
        return None
    user_id, community_id = payload.get("u"), payload.get("c")
    if not isinstance(user_id, int):
        return None
    if payload.get("s") == DIGEST_SCOPE:
        return LinkTarget(user_id=user_id, community_id=None, choice=NotificationChoice.NOTHING)
    if not isinstance(community_id, int):
        return None
    return LinkTarget(user_id=user_id, community_id=community_id, choice=payload["n"])


def choice_url(*, user_id: int, community_id: int, choice: str) -> str:
    """The absolute link that sets ``choice`` for this member and community."""
    token = _token(user_id=user_id, community_id=community_id, choice=choice)
    return absolute_url("communities:notification_link", token=token)


def digest_off_url(*, user_id: int) -> str:
    """The absolute link that stops the weekly digest in every community of the member."""
    token = _token(user_id=user_id, community_id=None, choice=NotificationChoice.NOTHING)
    return absolute_url("communities:notification_link", token=token)


@dataclass(frozen=True)
class ChoiceLink:
    choice: str
    label: str
    url: str


@dataclass(frozen=True)
class CommunityLinks:
    """A community's links for one member, as the e-mail footer lists them."""

    community: Community
    links: list[ChoiceLink]


def choice_links(*, user_id: int, community_id: int, absolute: bool = True) -> list[ChoiceLink]:
    """The link of each choice: absolute for e-mails; the portal's own pages use the path, so
    that their buttons post to the site they were served from."""
    links = []
    for value, label in NotificationChoice.choices:
        token = _token(user_id=user_id, community_id=community_id, choice=value)
        path = reverse("communities:notification_link", kwargs={"token": token})
        url = settings.SITE_URL + path if absolute else path
        links.append(ChoiceLink(choice=value, label=str(label), url=url))
    return links


def notification_links(user, community: Community) -> CommunityLinks:
    """The footer's context for one community: ``{% include
    "emails/includes/notification_choices.txt" with notification_links=... %}`` takes a list
    of these. Build it inside the recipient's language (labels are translated then)."""
    return CommunityLinks(
        community=community, links=choice_links(user_id=user.pk, community_id=community.pk)
    )


def _headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK_BODY}


def list_unsubscribe_headers(user, community: Community) -> dict[str, str]:
    """The RFC 2369 / RFC 8058 headers of an e-mail about one community: the mail client's
    "unsubscribe" sets "nothing" for that member and community."""
    url = choice_url(user_id=user.pk, community_id=community.pk, choice=NotificationChoice.NOTHING)
    return _headers(url)


def with_unsubscribe_headers(email, user, community: Community):
    """Adds ``list_unsubscribe_headers`` to a built e-mail (an ``EmailMessage``) and returns it:
    ``return with_unsubscribe_headers(render_for(...), recipient, community)`` in a builder
    (a ``Skip`` passes through untouched)."""
    if hasattr(email, "extra_headers"):
        email.extra_headers.update(list_unsubscribe_headers(user, community))
    return email


def digest_unsubscribe_headers(user) -> dict[str, str]:
    """The same for the weekly digest: "unsubscribe" stops the digest in every community."""
    return _headers(digest_off_url(user_id=user.pk))


CHOICE_DONE = {
    NotificationChoice.EVERY: _("You will receive an e-mail for every new question and answer."),
    NotificationChoice.DIGEST: _("You will receive a weekly digest."),
    NotificationChoice.NOTHING: _(
        "You will no longer receive its news by e-mail (invitations to its meetings still come)."
    ),
}
