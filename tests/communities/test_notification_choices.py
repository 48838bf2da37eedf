"""What a member hears of each community: their page (one form for all their communities),
the signed one-click links of the e-mails (no log-in), and who is told of an event."""

from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import notification_links, selectors
from communities.models import Membership, NotificationChoice
from tests.factories import CommunityFactory, MembershipFactory, UserFactory
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db

EVERY, DIGEST, NOTHING = (
    NotificationChoice.EVERY,
    NotificationChoice.DIGEST,
    NotificationChoice.NOTHING,
)


def _choice(member, community) -> str:
    return Membership.objects.get(member=member, community=community).notifications


def _path(url: str) -> str:
    return urlsplit(url).path


def _link(member, community, choice) -> str:
    return _path(
        notification_links.choice_url(user_id=member.pk, community_id=community.pk, choice=choice)
    )


# The member's page


def test_a_new_membership_gets_the_weekly_digest(community_member, community):
    assert _choice(community_member, community) == DIGEST


def test_the_page_lists_each_community_with_its_choice(client, community_member, community):
    other = MembershipFactory(member=community_member, notifications=EVERY).community
    client.force_login(community_member)

    response = client.get(reverse("communities:notifications"))

    text = page_text(response)
    assert community.name_fr in text and other.name_fr in text
    form = response.context["form"]
    assert form[f"community-{community.pk}"].value() == DIGEST
    assert form[f"community-{other.pk}"].value() == EVERY


def test_one_form_saves_the_choice_of_every_community(client, community_member, community):
    other = MembershipFactory(member=community_member).community
    client.force_login(community_member)

    response = client.post(
        reverse("communities:notifications"),
        {f"community-{community.pk}": EVERY, f"community-{other.pk}": NOTHING},
        follow=True,
    )

    assert shown_messages(response) == ["Vos choix de notifications sont enregistrés."]
    assert _choice(community_member, community) == EVERY
    assert _choice(community_member, other) == NOTHING


def test_sending_the_same_choices_again_says_so(client, community_member, community):
    client.force_login(community_member)

    response = client.post(
        reverse("communities:notifications"), {f"community-{community.pk}": DIGEST}, follow=True
    )

    assert shown_messages(response) == ["Vos choix de notifications étaient déjà ceux-là."]


def test_an_invalid_choice_is_refused_and_the_other_choices_are_kept(
    client, community_member, community
):
    other = MembershipFactory(member=community_member).community
    client.force_login(community_member)

    response = client.post(
        reverse("communities:notifications"),
        {f"community-{community.pk}": "tout", f"community-{other.pk}": NOTHING},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[f"community-{community.pk}"]
    assert "choix valide" in page_text(response)
    assert form[f"community-{other.pk}"].value() == NOTHING  # what was chosen is kept
    assert _choice(community_member, other) == DIGEST  # and nothing saved


def test_a_missing_choice_is_refused_with_a_message(client, community_member, community):
    client.force_login(community_member)

    response = client.post(reverse("communities:notifications"), {})

    assert "Choisissez ce que vous voulez recevoir." in page_text(response)


def test_a_member_of_no_community_is_told_there_is_nothing_to_choose(client, member):
    client.force_login(member)

    response = client.get(reverse("communities:notifications"))

    assert "vous n'êtes membre d'aucune communauté" in page_text(response).lower()


def test_a_form_naming_a_community_of_someone_else_changes_nothing_there(
    client, community_member, community, outsider, other_community
):
    client.force_login(community_member)

    client.post(
        reverse("communities:notifications"),
        {f"community-{community.pk}": EVERY, f"community-{other_community.pk}": NOTHING},
    )

    assert _choice(outsider, other_community) == DIGEST
    assert not Membership.objects.filter(member=community_member, community=other_community)


def test_the_page_costs_the_same_queries_with_more_communities(client, community_member):
    client.force_login(community_member)
    url = reverse("communities:notifications")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(15):
        MembershipFactory(member=community_member)
    assert count() == few


def test_the_home_page_and_the_profile_lead_to_the_page(client, community_member):
    client.force_login(community_member)
    url = reverse("communities:notifications")

    assert url in page_text(client.get(reverse("home")))
    assert url in page_text(client.get(reverse("members:profile")))


# The signed links


def test_following_a_link_applies_its_choice_and_offers_the_others(
    client, community_member, community
):
    response = client.get(_link(community_member, community, EVERY))

    assert response.status_code == 200
    assert _choice(community_member, community) == EVERY
    text = page_text(response)
    assert community.name_fr in text
    assert "Vous recevrez un courriel pour chaque nouvelle question et réponse." in text
    offered = [link.choice for link in response.context["others"]]
    assert offered == [DIGEST, NOTHING]
    for link in response.context["others"]:
        assert f'action="{link.url}"' in text


def test_following_a_link_twice_changes_nothing_more(client, community_member, community):
    link = _link(community_member, community, NOTHING)
    client.get(link)

    response = client.get(link)

    assert response.status_code == 200
    assert _choice(community_member, community) == NOTHING


def test_a_button_of_the_page_sets_its_choice(client, community_member, community):
    link = _link(community_member, community, EVERY)

    response = client.post(link, follow=True)

    assert response.redirect_chain == [(link, 302)]
    assert shown_messages(response) == ["Votre choix est enregistré."]
    assert _choice(community_member, community) == EVERY


def test_a_one_click_post_sets_nothing_whatever_the_link(client, community_member, community):
    """RFC 8058: the mail client posts ``List-Unsubscribe=One-Click`` to the header's link."""
    response = client.post(
        _link(community_member, community, EVERY),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert _choice(community_member, community) == NOTHING


def test_a_one_click_post_needs_no_csrf_token(community_member, community):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    header = notification_links.list_unsubscribe_headers(community_member, community)
    url = _path(header["List-Unsubscribe"].strip("<>"))

    response = strict.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert header["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _choice(community_member, community) == NOTHING


def test_a_link_changes_its_member_only_whoever_follows_it(
    client, community_member, community, lead
):
    client.force_login(lead)

    client.get(_link(community_member, community, NOTHING))

    assert _choice(community_member, community) == NOTHING
    assert _choice(lead, community) == DIGEST


def test_a_link_of_one_community_changes_that_community_only(client, community_member, community):
    other = MembershipFactory(member=community_member).community

    client.get(_link(community_member, community, NOTHING))

    assert _choice(community_member, other) == DIGEST


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token[:10],
        lambda token: "n-importe-quoi",
    ],
    ids=["signature", "truncated", "garbage"],
)
def test_a_tampered_link_is_refused_with_a_clear_page(client, community_member, community, tamper):
    token = _link(community_member, community, NOTHING).rstrip("/").rsplit("/", 1)[1]

    response = client.get(reverse("communities:notification_link", args=[tamper(token)]))

    assert response.status_code == 404
    assert "Ce lien ne peut pas servir" in page_text(response)
    assert _choice(community_member, community) == DIGEST


def test_a_link_signed_for_another_member_cannot_be_forged(
    client, community_member, community, lead
):
    """Swapping the member in the payload without the key breaks the signature."""
    forged = signing.Signer(salt="autre-sel").sign_object(
        {"u": lead.pk, "c": community.pk, "n": NOTHING}
    )

    response = client.get(reverse("communities:notification_link", args=[forged]))

    assert response.status_code == 404
    assert _choice(lead, community) == DIGEST


def test_a_link_of_a_membership_gone_says_so(client, community_member, community):
    link = _link(community_member, community, EVERY)
    Membership.objects.filter(member=community_member, community=community).delete()

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert "Vous ne faites plus partie de cette communauté" in page_text(response)
    assert not Membership.objects.filter(member=community_member, community=community)


def test_a_link_of_a_closed_account_says_so(client, community_member, community):
    link = _link(community_member, community, EVERY)
    type(community_member).objects.filter(pk=community_member.pk).update(is_active=False)

    response = client.get(link)

    assert response.status_code == 410
    assert _choice(community_member, community) == DIGEST


def test_the_digest_link_stops_the_digest_in_every_community(client, community_member, community):
    every = MembershipFactory(member=community_member, notifications=EVERY).community
    digest = MembershipFactory(member=community_member).community
    header = notification_links.digest_unsubscribe_headers(community_member)

    response = client.post(
        _path(header["List-Unsubscribe"].strip("<>")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert _choice(community_member, community) == NOTHING
    assert _choice(community_member, digest) == NOTHING
    assert _choice(community_member, every) == EVERY


def test_the_footer_lists_the_three_links_of_each_community(community_member, community):
    from django.template.loader import render_to_string

    links = notification_links.notification_links(community_member, community)
    footer = render_to_string(
        "emails/includes/notification_choices.txt",
        {"notification_links": [links]},
        using="text",
    )

    assert community.name_fr in footer
    for choice in (EVERY, DIGEST, NOTHING):
        url = notification_links.choice_url(
            user_id=community_member.pk, community_id=community.pk, choice=choice
        )
        assert url in footer
    assert "Une synthèse hebdomadaire" in footer


# Who is told of an event


@pytest.fixture
def audience(community):
    people = {}
    for choice in (EVERY, DIGEST, NOTHING):
        people[choice] = MembershipFactory(community=community, notifications=choice).member
    people["closed"] = MembershipFactory(
        community=community, notifications=EVERY, member__is_active=False
    ).member
    people["elsewhere"] = MembershipFactory(notifications=EVERY).member
    people["author"] = MembershipFactory(community=community, notifications=EVERY).member
    return people


def test_an_event_reaches_the_active_members_who_chose_every_event(audience, community):
    users = selectors.members_to_notify(community_id=community.pk, exclude=audience["author"])

    assert list(users) == [audience[EVERY]]


def test_an_urgent_event_reaches_everyone_who_did_not_choose_nothing(audience, community):
    users = selectors.members_to_notify(
        community_id=community.pk, urgent=True, exclude=audience["author"]
    )

    assert set(users) == {audience[EVERY], audience[DIGEST]}


def test_the_author_is_told_without_exclusion(audience, community):
    users = selectors.members_to_notify(community_id=community.pk)

    assert set(users) == {audience[EVERY], audience["author"]}


def test_the_audience_is_one_query(audience, community, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(selectors.members_to_notify(community_id=community.pk, urgent=True))


def test_a_member_of_two_communities_is_told_once(community):
    member = MembershipFactory(community=community, notifications=EVERY).member
    MembershipFactory(member=member, notifications=EVERY)
    UserFactory()

    assert list(selectors.members_to_notify(community_id=community.pk, urgent=True)) == [member]


def test_another_communitys_choices_do_not_count(community):
    member = MembershipFactory(community=community, notifications=NOTHING).member
    MembershipFactory(member=member, notifications=EVERY, community=CommunityFactory())

    assert list(selectors.members_to_notify(community_id=community.pk, urgent=True)) == []


def test_an_email_gets_the_unsubscribe_headers(community_member, community):
    from django.core.mail import EmailMessage

    email = notification_links.with_unsubscribe_headers(
        EmailMessage(subject="s", body="b", to=[community_member.email]),
        community_member,
        community,
    )

    message = email.message()
    nothing = notification_links.choice_url(
        user_id=community_member.pk, community_id=community.pk, choice=NOTHING
    )
    assert message["List-Unsubscribe"] == f"<{nothing}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
