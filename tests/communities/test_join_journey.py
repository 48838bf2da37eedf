"""A member finds a community, asks to join, follows the request, withdraws it or leaves.

Each journey runs in English (visible text asserted) and in French, the default language:
the French catalogue is translated later, so French pages are checked through what does not
depend on it (lang attribute, the communities' French names, the database)."""

import pytest
from django.urls import reverse

from communities.models import JoinRequest, JoinRequestStatus, Membership
from tests.factories import JoinRequestFactory, MembershipFactory
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "en"]


@pytest.fixture
def signed_in(client, member, request):
    """The member's client, in the language given by the test's ``language`` parameter."""

    def _in(language: str):
        if language == "en":
            request.getfixturevalue("english")
        client.force_login(member)
        return client

    return _in


def _detail(community) -> str:
    return reverse("communities:detail", args=[community.slug])


def _join(community) -> str:
    return reverse("communities:join", args=[community.slug])


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_finds_the_community_in_the_list(signed_in, language, community, lead):
    html = page_text(signed_in(language).get(reverse("communities:list")))

    if language == "en":
        assert 'lang="en"' in html
        assert "Storm water management" in html
        assert "1 / 5" in html
        assert "Open" in html
    else:
        assert 'lang="fr-CA"' in html
        assert "Gestion des eaux pluviales" in html
        # The communities created by the data migration are listed too.
        assert "Gestion des actifs municipaux" in html
    assert "Louise Lavoie" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_asks_to_join_and_sees_the_request_pending(
    signed_in, language, member, community, lead
):
    client = signed_in(language)

    response = client.post(
        _join(community), {"motivation": "Je gère les bassins de rétention."}, follow=True
    )

    assert response.redirect_chain == [(_detail(community), 302)]
    join_request = JoinRequest.objects.get(member=member, community=community)
    assert join_request.is_open
    assert join_request.motivation == "Je gère les bassins de rétention."
    html = page_text(response)
    assert 'class="alert alert-success' in html
    assert reverse("communities:request_withdraw", args=[join_request.pk]) in html
    if language == "en":
        assert shown_messages(response) == [
            "Your request to join Storm water management has been sent to its leads."
        ]
        assert "Request pending" in html
        assert "Withdraw my request" in html
    else:
        assert 'lang="fr-CA"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_joining_a_full_community_puts_the_member_on_the_waiting_list(
    signed_in, language, member, community, lead
):
    MembershipFactory.create_batch(4, community=community)  # 5 seats, all taken
    JoinRequestFactory(community=community)  # someone is already waiting
    client = signed_in(language)

    response = client.post(_join(community), {"motivation": "Place, svp."}, follow=True)

    assert JoinRequest.objects.get(member=member).is_open
    html = page_text(response)
    assert 'class="alert alert-warning' in html
    if language == "en":
        assert "position 2" in shown_messages(response)[0]
        assert "On the waiting list, position 2" in html
    listing = page_text(client.get(reverse("communities:list")))
    assert "5 / 5" in listing
    if language == "en":
        assert "Full (waiting list)" in listing
        assert "On the waiting list, position 2" in listing


@pytest.mark.parametrize("language", LANGUAGES)
def test_blank_motivation_is_refused_beside_the_field(signed_in, language, community):
    response = signed_in(language).post(_join(community), {"motivation": "   "})

    assert response.status_code == 200
    assert set(response.context["join_form"].errors) == {"motivation"}
    assert 'id="error_1_id_motivation"' in page_text(response)
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_too_long_motivation_is_refused_and_kept(signed_in, language, community):
    motivation = "Les ponceaux. " * 100  # 1400 characters, over the 1000 allowed

    response = signed_in(language).post(_join(community), {"motivation": motivation})

    assert response.status_code == 200
    assert set(response.context["join_form"].errors) == {"motivation"}
    html = page_text(response)
    assert "Les ponceaux. Les ponceaux." in html
    # The whole text is kept, not cut at the limit: the member shortens it.
    assert motivation.strip() in html
    # No maxlength (the browser would cut a pasted text without a word); the count's script
    # reads the limit.
    assert "maxlength" not in html
    assert 'data-max-length="1000"' in html
    assert "/static/js/character-count.js" in html
    if language == "en":
        assert "At most 1000 characters." in html
        assert "This text has 1399 characters, 1000 at most: remove 399 characters." in html
    else:
        assert "Ce texte compte 1399 caractères, 1000 au plus\u00a0: retirez-en 399." in html
    assert not JoinRequest.objects.exists()


def test_line_breaks_count_as_one_character_as_in_the_browser(signed_in, community):
    # 500 lines of one letter: 999 characters in the box, 1498 as the form sends them (CR LF).
    motivation = "\r\n".join(["a"] * 500)

    response = signed_in("fr").post(_join(community), {"motivation": motivation})

    assert response.status_code == 302
    assert len(JoinRequest.objects.get().motivation) == 999


@pytest.mark.parametrize("language", LANGUAGES)
def test_service_refusal_is_shown_as_a_form_error_with_input_kept(signed_in, language, community):
    client = signed_in(language)
    community.accepting_requests = False
    community.save()

    response = client.post(_join(community), {"motivation": "Je voudrais entrer."})

    assert response.status_code == 200
    assert response.context["join_form"].non_field_errors()
    html = page_text(response)
    assert 'class="alert alert-danger"' in html
    if language == "en":
        assert "This community is not taking join requests at the moment." in html
        assert "Closed" in html
    assert not JoinRequest.objects.exists()


def test_asking_twice_is_refused_with_a_clear_error(signed_in, member, community, english):
    client = signed_in("en")
    JoinRequestFactory(community=community, member=member)

    response = client.post(_join(community), {"motivation": "Encore moi."})

    assert response.status_code == 200
    assert "You already have a pending request for this community." in page_text(response)
    assert JoinRequest.objects.filter(member=member).count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_follows_and_withdraws_a_request_from_my_requests(
    signed_in, language, member, community
):
    join_request = JoinRequestFactory(community=community, member=member)
    client = signed_in(language)
    my_requests = reverse("communities:my_requests")

    html = page_text(client.get(my_requests))
    assert ("Storm water management" if language == "en" else "Gestion des eaux pluviales") in html

    response = client.post(
        reverse("communities:request_withdraw", args=[join_request.pk]), follow=True
    )

    assert response.redirect_chain == [(my_requests, 302)]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.WITHDRAWN
    if language == "en":
        assert shown_messages(response) == [
            "Your request to join Storm water management has been withdrawn."
        ]
        assert "Withdrawn" in page_text(response)


def test_withdrawing_from_the_community_page_returns_there(signed_in, member, community):
    join_request = JoinRequestFactory(community=community, member=member)

    response = signed_in("en").post(
        reverse("communities:request_withdraw", args=[join_request.pk]),
        {"next": _detail(community)},
    )

    assert response["Location"] == _detail(community)


def test_withdrawing_twice_gives_a_message_not_an_error(signed_in, member, community, english):
    join_request = JoinRequestFactory(community=community, member=member)
    client = signed_in("en")
    url = reverse("communities:request_withdraw", args=[join_request.pk])
    client.post(url, follow=True)  # shows, and so consumes, the first success message

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert shown_messages(response) == ["This request is no longer pending."]


def test_withdraw_ignores_a_next_pointing_elsewhere(signed_in, member, community):
    join_request = JoinRequestFactory(community=community, member=member)

    response = signed_in("en").post(
        reverse("communities:request_withdraw", args=[join_request.pk]),
        {"next": "https://evil.example.com/"},
    )

    assert response["Location"] == reverse("communities:my_requests")


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_leaves_after_confirming(signed_in, language, member, community):
    MembershipFactory(community=community, member=member)
    client = signed_in(language)
    leave_url = reverse("communities:leave", args=[community.slug])

    detail = page_text(client.get(_detail(community)))
    assert leave_url in detail
    confirmation = client.get(leave_url)
    assert confirmation.status_code == 200
    if language == "en":
        assert "Leave Storm water management?" in page_text(confirmation)
    assert Membership.objects.filter(member=member).exists()

    response = client.post(leave_url, follow=True)

    assert response.redirect_chain == [(_detail(community), 302)]
    assert not Membership.objects.filter(member=member).exists()
    if language == "en":
        assert shown_messages(response) == ["You have left Storm water management."]
        assert "Ask to join" in page_text(response)


def test_my_requests_page_says_when_there_is_none(member_client, english):
    html = page_text(member_client.get(reverse("communities:my_requests")))

    assert "You have not asked to join any community yet." in html


def test_declined_request_shows_the_leads_message(member_client, member, community, english):
    JoinRequestFactory(
        community=community,
        member=member,
        status=JoinRequestStatus.DECLINED,
        decision_message="Revenez l'an prochain.",
    )

    html = page_text(member_client.get(reverse("communities:my_requests")))

    assert "Declined" in html
    assert "Revenez l&#x27;an prochain." in html
    assert "Withdraw my request" not in html


def test_member_sees_their_communities_and_requests_on_the_home_page(
    member_client, member, community, other_community, english
):
    MembershipFactory(community=other_community, member=member)
    JoinRequestFactory(community=community, member=member)

    html = page_text(member_client.get(reverse("home")))

    assert "My communities" in html
    assert "Roads" in html
    assert "My requests to join" in html
    assert "Storm water management" in html


def test_home_page_says_when_the_member_has_no_community(member_client, english):
    html = page_text(member_client.get(reverse("home")))

    assert "You are not a member of any community yet." in html
    assert "You have no pending request to join a community." in html


def test_anonymous_home_page_has_no_member_sections(client, db, english):
    html = page_text(client.get(reverse("home")))

    assert "My communities" not in html
