"""A newcomer who opens a community's page and creates an account from its join card comes
back to that community: after signing up, after confirming the address from the e-mail (in
the same browser, or in another one such as the phone's mail app), and after logging in."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import CommunityFactory, LeadMembershipFactory

pytestmark = pytest.mark.django_db

EMAIL = "nadia.belanger@example.org"
PASSWORD = "Ponceau-Granit-2718"
LINK = re.compile(r"https?://\S+/comptes/confirm-email/[^\s/]+/(?:\?next=\S+)?")


@pytest.fixture
def community(db):
    community = CommunityFactory(slug="gestion-des-eaux", name_fr="Gestion des eaux pluviales")
    LeadMembershipFactory(community=community)
    return community


def _community_url(community) -> str:
    return reverse("communities:detail", args=[community.slug])


def _join_card_link(client, community, name: str) -> str:
    html = client.get(_community_url(community)).content.decode()
    match = re.search(rf'href="({re.escape(reverse(name))}\?next=[^"]+)"', html)
    assert match, f"no {name} link with next on the community page"
    return match.group(1).replace("&amp;", "&")


def _confirm_as_the_page_does(client, path: str):
    """Opens the confirmation page and sends its form as it is (its hidden next, if any)."""
    page = client.get(path).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(next)" value="([^"]*)"', page))
    return client.post(path, hidden)


def _sign_up_from_the_join_card(client, community, run_tasks):
    signup_url = _join_card_link(client, community, "account_signup")
    page = client.get(signup_url).content.decode()
    # allauth carries next in the form.
    assert f'name="next" value="{_community_url(community)}"' in page
    with run_tasks():
        response = client.post(
            signup_url,
            {
                "email": EMAIL,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "privacy_consent": "on",
                "next": _community_url(community),
            },
        )
    assert response.status_code == 302
    (message,) = [message for message in mail.outbox if EMAIL in message.to]
    return LINK.search(message.body).group(0)


def test_the_confirmation_link_carries_the_community(client, community, run_tasks):
    link = _sign_up_from_the_join_card(client, community, run_tasks)

    assert parse_qs(urlsplit(link).query)["next"] == [_community_url(community)]


def test_confirming_in_the_same_browser_logs_in_and_comes_back_to_the_community(
    client, community, run_tasks
):
    link = _sign_up_from_the_join_card(client, community, run_tasks)
    path = urlsplit(link).path + "?" + urlsplit(link).query

    response = _confirm_as_the_page_does(client, path)

    assert response.status_code == 302
    assert response["Location"] == _community_url(community)
    # Signed in: the join form is there.
    html = client.get(response["Location"]).content.decode()
    assert 'action="/communautes/gestion-des-eaux/rejoindre/"' in html


def test_confirming_in_another_browser_comes_back_to_the_community_then_logging_in_too(
    client, community, run_tasks
):
    link = _sign_up_from_the_join_card(client, community, run_tasks)
    path = urlsplit(link).path + "?" + urlsplit(link).query
    phone = Client()  # the mail app's browser: no session of the sign-up

    response = _confirm_as_the_page_does(phone, path)

    assert response.status_code == 302
    assert response["Location"] == _community_url(community)
    # Not signed in there: the join card's log-in link brings them back after logging in.
    login_url = _join_card_link(phone, community, "account_login")
    response = phone.post(
        login_url, {"login": EMAIL, "password": PASSWORD, "next": _community_url(community)}
    )
    assert response.status_code == 302
    assert response["Location"] == _community_url(community)


def test_a_next_leading_off_the_portal_is_not_put_in_the_link(client, community, run_tasks):
    with run_tasks():
        client.post(
            reverse("account_signup") + "?next=https://evil.example.org/",
            {
                "email": EMAIL,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "privacy_consent": "on",
                "next": "https://evil.example.org/",
            },
        )

    (message,) = mail.outbox
    assert "next=" not in message.body
    assert "evil.example.org" not in message.body
