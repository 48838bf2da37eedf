"""A lead decides join requests from the inbox or from the page their e-mail links to, sees
the waiting list and removes members. English text asserted with the ``english`` fixture;
French pages checked through their structure and the database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import (
    Decision,
    DecisionAction,
    JoinRequest,
    JoinRequestStatus,
    Membership,
)
from tests.factories import JoinRequestFactory, MembershipFactory, UserFactory
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "en"]


@pytest.fixture
def lead_client(client, lead, request):
    def _in(language: str):
        if language == "en":
            request.getfixturevalue("english")
        client.force_login(lead)
        return client

    return _in


def _decide_url(join_request) -> str:
    return reverse("communities:request_detail", args=[join_request.pk])


def _decision(join_request, decision: str, message: str = "") -> dict:
    prefix = f"request-{join_request.pk}"
    return {f"{prefix}-decision": decision, f"{prefix}-message": message}


@pytest.mark.parametrize("language", LANGUAGES)
def test_inbox_shows_the_requester_profile_and_motivation_oldest_first(
    lead_client, language, community, join_request
):
    later = JoinRequestFactory(community=community, member__first_name="Zoé")

    html = page_text(lead_client(language).get(reverse("communities:inbox")))

    assert "Rachel Roy" in html
    assert "MRC de Kamouraska" in html
    assert "Je pilote le plan de gestion des eaux pluviales de la MRC." in html
    assert html.index("Rachel Roy") < html.index(later.member.display_name)
    assert f'name="request-{join_request.pk}-message"' in html
    assert f'for="id_request-{join_request.pk}-message"' in html
    if language == "en":
        assert "Approve Rachel Roy" in html
        assert "Decline Rachel Roy" in html
    else:
        assert 'lang="fr-CA"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_lead_approves_from_the_inbox(lead_client, language, community, join_request, requester):
    inbox = reverse("communities:inbox")

    response = lead_client(language).post(
        _decide_url(join_request),
        {**_decision(join_request, "approve", "Bienvenue !"), "next": inbox},
        follow=True,
    )

    assert response.redirect_chain == [(inbox, 302)]
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.decision_message == "Bienvenue !"
    assert Membership.objects.filter(community=community, member=requester).exists()
    if language == "en":
        assert shown_messages(response) == ["Rachel Roy is now a member of Storm water management."]
        assert "No request is waiting for a decision." in page_text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lead_declines_with_a_message_from_the_e_mail_link(
    lead_client, language, join_request, requester
):
    client = lead_client(language)
    page = client.get(_decide_url(join_request))
    assert page.status_code == 200
    assert "Je pilote le plan" in page_text(page)

    response = client.post(
        _decide_url(join_request), _decision(join_request, "decline", "Complet cette année.")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("communities:inbox")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert join_request.decision_message == "Complet cette année."
    assert not Membership.objects.filter(member=requester).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_approving_when_full_warns_and_keeps_the_request_waiting(
    lead_client, language, community, join_request, requester
):
    MembershipFactory.create_batch(4, community=community)  # with the lead: 5 of 5 seats

    response = lead_client(language).post(
        _decide_url(join_request), _decision(join_request, "approve"), follow=True
    )

    assert response.status_code == 200
    join_request.refresh_from_db()
    assert join_request.is_open
    assert not Membership.objects.filter(member=requester).exists()
    html = page_text(response)
    assert 'class="alert alert-warning' in html
    if language == "en":
        assert "is full (5 members)" in shown_messages(response)[0]
        assert "Community full: waiting list position 1" in html


def test_decide_page_warns_when_the_community_is_full(lead_client, community, join_request):
    MembershipFactory.create_batch(4, community=community)

    html = page_text(lead_client("en").get(_decide_url(join_request)))

    assert "The community is full: this request is on its waiting list, at position 1." in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_decision_gives_an_info_message_not_an_error(
    lead_client, language, community, join_request, staff
):
    services.join_request_decline(join_request=join_request, decided_by=staff)

    response = lead_client(language).post(
        _decide_url(join_request), _decision(join_request, "approve"), follow=True
    )

    assert response.status_code == 200
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert 'class="alert alert-info' in page_text(response)
    if language == "en":
        assert shown_messages(response) == ["This request was already declined."]


def test_decide_page_of_a_decided_request_shows_the_outcome(lead_client, join_request, staff):
    services.join_request_decline(join_request=join_request, decided_by=staff, message="Non.")

    response = lead_client("en").get(_decide_url(join_request))

    html = page_text(response)
    assert "This request is no longer pending: Declined." in html
    assert staff.display_name in html
    assert "Approve Rachel Roy" not in html


def test_a_decision_without_a_choice_is_shown_again_with_the_message_kept(
    lead_client, join_request
):
    prefix = f"request-{join_request.pk}"

    response = lead_client("en").post(
        _decide_url(join_request), {f"{prefix}-message": "Un mot gentil."}
    )

    assert response.status_code == 200
    html = page_text(response)
    assert "Choose to approve or decline the request." in html
    assert "Un mot gentil." in html
    join_request.refresh_from_db()
    assert join_request.is_open


def test_staff_decides_for_a_community_without_a_lead(staff_client, community, requester):
    join_request = JoinRequestFactory(community=community, member=requester)

    response = staff_client.post(_decide_url(join_request), _decision(join_request, "approve"))

    assert response.status_code == 302
    assert response["Location"] == reverse("communities:inbox")
    assert shown_messages(staff_client.get(response["Location"])) == [
        f"{requester.display_name} est maintenant membre de la communauté {community.name}."
    ]
    assert Membership.objects.filter(community=community, member=requester).exists()


def test_inbox_says_when_nothing_waits(lead_client):
    html = page_text(lead_client("en").get(reverse("communities:inbox")))

    assert "No request is waiting for a decision." in html


def test_lead_sees_the_inbox_badge_with_the_pending_count(lead_client, community, join_request):
    JoinRequestFactory(community=community)

    response = lead_client("en").get(reverse("home"))

    assert response.context["lead_pending_request_count"] == 2
    html = page_text(response)
    assert reverse("communities:inbox") in html
    assert '2<span class="visually-hidden"> pending requests</span>' in html


def test_plain_member_has_no_inbox_link(member_client, english):
    response = member_client.get(reverse("home"))

    assert response.context["lead_pending_request_count"] == 0
    assert reverse("communities:inbox") not in page_text(response)
    assert reverse("communities:my_requests") in page_text(response)


def test_anonymous_visitor_has_no_inbox_nor_my_requests_link(client, db):
    response = client.get(reverse("home"))

    assert response.context["lead_pending_request_count"] == 0
    html = page_text(response)
    assert reverse("communities:list") in html
    assert reverse("communities:inbox") not in html
    assert reverse("communities:my_requests") not in html


def test_staff_sees_the_inbox_with_every_pending_request(staff_client, join_request):
    JoinRequestFactory()  # another community, no lead

    response = staff_client.get(reverse("home"))

    assert response.context["lead_pending_request_count"] == 2
    assert reverse("communities:inbox") in page_text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lead_sees_members_and_the_waiting_list_on_the_community_page(
    lead_client, language, community, community_member, join_request
):
    html = page_text(
        lead_client(language).get(reverse("communities:detail", args=[community.slug]))
    )

    assert "Marc Mercier" in html
    assert "Ville de Rimouski" in html
    assert "Rachel Roy" in html
    assert _decide_url(join_request) in html
    membership = Membership.objects.get(member=community_member)
    assert reverse("communities:member_remove", args=[community.slug, membership.pk]) in html
    if language == "en":
        assert "Pending requests" in html
        assert "Remove Marc Mercier" in html
        assert "Mauricie" in html


def test_the_waiting_list_on_the_community_page_is_oldest_first(lead_client, community):
    # Created in an order that is neither the order they were sent in nor the alphabet's.
    sent = {"Zoé Zénon": 2, "Alain Aubin": 3, "Marie Morin": 1}  # days ago
    for name, days_ago in sent.items():
        first, last = name.split()
        join_request = JoinRequestFactory(
            community=community, member__first_name=first, member__last_name=last
        )
        JoinRequest.objects.filter(pk=join_request.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )

    response = lead_client("fr").get(reverse("communities:detail", args=[community.slug]))

    assert [r.member.get_full_name() for r in response.context["waiting_list"]] == [
        "Alain Aubin",
        "Zoé Zénon",
        "Marie Morin",
    ]
    html = page_text(response)
    assert html.index("Alain Aubin") < html.index("Zoé Zénon") < html.index("Marie Morin")


def test_waiting_list_is_named_so_when_the_community_is_full(lead_client, community, join_request):
    MembershipFactory.create_batch(4, community=community)

    html = page_text(lead_client("en").get(reverse("communities:detail", args=[community.slug])))

    assert "Waiting list" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_lead_removes_a_member_with_a_reason(lead_client, language, community, community_member):
    membership = Membership.objects.get(member=community_member)
    url = reverse("communities:member_remove", args=[community.slug, membership.pk])
    client = lead_client(language)

    page = client.get(url)
    assert page.status_code == 200
    if language == "en":
        assert "Remove Marc Mercier from Storm water management?" in page_text(page)

    response = client.post(url, {"reason": "Absent depuis un an."}, follow=True)

    detail = reverse("communities:detail", args=[community.slug])
    assert response.redirect_chain == [(detail, 302)]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    decision = Decision.objects.get(action=DecisionAction.REMOVED)
    assert decision.message == "Absent depuis un an."
    if language == "en":
        assert shown_messages(response) == [
            "Marc Mercier has been removed from Storm water management."
        ]


def test_removal_without_a_reason_is_refused_beside_the_field(
    lead_client, community, community_member
):
    membership = Membership.objects.get(member=community_member)
    url = reverse("communities:member_remove", args=[community.slug, membership.pk])

    response = lead_client("en").post(url, {"reason": "  "})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason"}
    assert 'id="error_1_id_reason"' in page_text(response)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_lead_cannot_remove_themself_and_is_pointed_to_leave(lead_client, lead, community):
    membership = Membership.objects.get(member=lead)
    url = reverse("communities:member_remove", args=[community.slug, membership.pk])

    response = lead_client("en").post(url, {"reason": "Je pars."}, follow=True)

    assert Membership.objects.filter(pk=membership.pk).exists()
    assert shown_messages(response) == ["Use “Leave this community” to remove yourself."]


def test_staff_sees_an_empty_community_without_members(staff_client, english, community):
    html = page_text(staff_client.get(reverse("communities:detail", args=[community.slug])))

    assert "This community has no members yet." in html
    assert "No lead yet" in html
    assert "No pending requests." in html


def test_pages_work_when_tasks_run_after_commit(run_tasks, client, lead, community):
    """The e-mails enqueued on commit are built from these pages' URLs: nothing breaks when
    they run as a worker would run them."""
    member = UserFactory()
    client.force_login(member)

    with run_tasks():
        response = client.post(
            reverse("communities:join", args=[community.slug]), {"motivation": "Bonjour."}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("communities:detail", args=[community.slug])
    join_request = member.join_requests.get()
    assert join_request.status == JoinRequestStatus.PENDING
    client.force_login(lead)
    with run_tasks():
        response = client.post(_decide_url(join_request), _decision(join_request, "approve"))
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:inbox")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
