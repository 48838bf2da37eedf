"""Communities in preparation: staff announce one with its proposed mandate, members say they
are interested, staff open it, the interested members hear of it once and may ask to join first
(for COMMUNITIES_HEAD_START_HOURS), then it is open to everyone as a new community."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse

from communities import emails, services
from communities.models import (
    Community,
    CommunityStatus,
    Decision,
    DecisionAction,
    Interest,
    JoinRequest,
    Phase,
)
from members.services import account_close
from notifications.models import OutboxMessage
from tests.communities.test_concurrency import _kinds, _run_together
from tests.factories import (
    CommunityFactory,
    LeadMembershipFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db

LIST_URL = reverse("communities:list")
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def preparing(db):
    return CommunityFactory(
        slug="automatisation",
        name_fr="Automatisation et numérique municipal",
        name_en="Municipal automation",
        mandate_fr="Partager les pratiques de télémétrie et de SCADA.",
        mandate_en="Sharing telemetry and SCADA practices.",
        status=CommunityStatus.PREPARATION,
    )


def _detail(community) -> str:
    return reverse("communities:detail", args=[community.slug])


def _interest_url(community) -> str:
    return reverse("communities:interest", args=[community.slug])


def _interested(community, count: int, **fields) -> list:
    members = [UserFactory(**fields) for _index in range(count)]
    for member in members:
        services.interest_add(community=community, member=member)
    return members


# Creation


def test_staff_create_a_community_in_preparation_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:communities_community_add"),
        {
            "slug": "automatisation",
            "status": CommunityStatus.PREPARATION,
            "capacity": 15,
            "accepting_requests": "on",
            "name_fr": "Automatisation et numérique municipal",
            "summary_fr": "Automates, SCADA et télémétrie.",
            "mandate_fr": "Partager les pratiques d'automatisation.",
            "name_en": "Municipal automation",
            "summary_en": "PLCs, SCADA and telemetry.",
            "mandate_en": "Sharing automation practices.",
        },
    )

    assert response.status_code == 302
    community = Community.objects.get(slug="automatisation")
    assert community.status == CommunityStatus.PREPARATION
    assert community.phase == Phase.PREPARATION
    assert community.opened_at is None


def test_the_status_is_not_edited_by_hand_once_created(staff_client, preparing):
    response = staff_client.get(reverse("admin:communities_community_change", args=[preparing.pk]))

    assert 'name="status"' not in page_text(response)
    assert "Ouvrir les communautés choisies" in page_text(response)


def test_existing_communities_are_open(community):
    assert community.status == CommunityStatus.OPEN
    assert community.phase == Phase.OPEN


# The list, the front door and the community's page


def test_the_list_shows_the_badge_the_proposed_mandate_and_asks_visitors_to_log_in(
    client, preparing, community
):
    text = page_text(client.get(LIST_URL))

    assert text.count("En préparation") == 1
    assert "Mandat proposé" in text
    assert "Partager les pratiques de télémétrie et de SCADA." in text
    login = f"{reverse('account_login')}?next={_detail(preparing)}"
    assert f'href="{login}"' in text
    assert "Ça m'intéresse" in text


def test_the_front_door_shows_the_badge_and_the_interest_button_instead_of_joining(
    client, preparing, community
):
    text = page_text(client.get("/"))

    assert "En préparation" in text
    assert "Partager les pratiques de télémétrie et de SCADA." in text
    assert f"{reverse('account_login')}?next={_detail(preparing)}" in text
    # The open community still offers to join; the one in preparation does not.
    assert f"{_detail(community)}#participation-heading" in text
    assert f"{_detail(preparing)}#participation-heading" not in text


def test_the_page_of_a_community_in_preparation_offers_interest_not_joining(
    member_client, preparing
):
    text = page_text(member_client.get(_detail(preparing)))

    assert "Mandat proposé" in text
    assert "Ça m'intéresse" in text
    assert reverse("communities:join", args=[preparing.slug]) not in text
    assert "Ouvrir la communauté" not in text  # for staff only


# Interest on and off


def test_a_member_says_they_are_interested_then_takes_it_back(member_client, member, preparing):
    response = member_client.post(_interest_url(preparing), {"next": LIST_URL}, follow=True)

    assert response.redirect_chain[-1][0] == LIST_URL
    assert Interest.objects.filter(community=preparing, member=member).count() == 1
    assert any("vous intéresse" in message for message in shown_messages(response))
    assert "Retirer mon intérêt" in page_text(response)

    # A second click keeps one interest.
    member_client.post(_interest_url(preparing), follow=True)
    assert Interest.objects.filter(community=preparing, member=member).count() == 1

    response = member_client.post(_interest_url(preparing), {"withdraw": "1"}, follow=True)

    assert response.redirect_chain[-1][0] == _detail(preparing)
    assert not Interest.objects.filter(community=preparing, member=member).exists()
    assert shown_messages(response) == [
        "Votre intérêt pour Automatisation et numérique municipal est retiré."
    ]
    assert "Ça m'intéresse" in page_text(response)


def test_a_visitor_logs_in_first_and_comes_back_to_the_community(client, preparing):
    response = client.post(_interest_url(preparing))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={_detail(preparing)}"
    assert not Interest.objects.exists()


def test_an_open_community_takes_no_interest(member_client, member, community):
    response = member_client.post(_interest_url(community), follow=True)

    assert not Interest.objects.exists()
    assert shown_messages(response) == [
        "Cette communauté est ouverte\u00a0: demandez plutôt à vous y joindre."
    ]


def test_the_future_lead_is_no_interested_member(preparing):
    lead = LeadMembershipFactory(community=preparing).member

    with pytest.raises(ValidationError) as error:
        services.interest_add(community=preparing, member=lead)

    assert error.value.code == "member"


# Who sees how many are interested


@pytest.mark.parametrize(
    ("persona", "sees_count"),
    [
        ("anonymous", False),
        ("member", False),
        ("interested", False),
        ("lead_of_other", False),
        ("future_lead", True),
        ("staff", True),
    ],
)
@pytest.mark.parametrize("page", ["list", "detail"])
def test_the_count_of_interested_members_is_for_staff_and_the_future_lead(
    client, preparing, community, persona, sees_count, page
):
    interested = _interested(preparing, 3)
    people = {
        "anonymous": None,
        "member": MembershipFactory(community=community).member,
        "interested": interested[0],
        "lead_of_other": LeadMembershipFactory(community=community).member,
        "future_lead": LeadMembershipFactory(community=preparing).member,
        "staff": StaffFactory(),
    }
    if people[persona] is not None:
        client.force_login(people[persona])

    text = page_text(client.get(LIST_URL if page == "list" else _detail(preparing)))

    assert ("3 membres intéressés" in text) is sees_count
    assert ("membres intéressés" in text) is sees_count


# No join request while in preparation


def test_the_join_service_refuses_a_community_in_preparation(preparing, member):
    with pytest.raises(ValidationError) as error:
        services.join_request_create(
            community=preparing, member=member, motivation="Je veux y participer."
        )

    assert error.value.code == "in_preparation"
    assert "encore en préparation" in error.value.messages[0]
    assert not JoinRequest.objects.exists()


def test_a_join_request_posted_while_in_preparation_is_refused_on_the_page(
    member_client, preparing
):
    response = member_client.post(
        reverse("communities:join", args=[preparing.slug]),
        {"motivation": "Je veux y participer."},
    )

    assert response.status_code == 200
    assert "encore en préparation" in page_text(response)
    assert not JoinRequest.objects.exists()


# Opening


def test_opening_e_mails_every_interested_member_once(run_tasks, preparing):
    staff = StaffFactory()
    french = _interested(preparing, 2, preferred_language="fr-ca")
    english = _interested(preparing, 1, preferred_language="en")
    services.interest_withdraw(community=preparing, member=french[1])

    with run_tasks():
        assert services.community_open(community=preparing, opened_by=staff) is True

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [french[0].email, english[0].email]
    )
    by_address = {message.to[0]: message for message in mail.outbox}
    assert (
        "Automatisation et numérique municipal est ouverte" in by_address[french[0].email].subject
    )
    assert "avant que tout le monde en soit informé" in by_address[french[0].email].body
    assert f"{_detail(preparing)}#participation-heading" in by_address[french[0].email].body
    assert "Municipal automation is open" in by_address[english[0].email].subject
    preparing.refresh_from_db()
    assert preparing.status == CommunityStatus.OPEN and preparing.opened_at is not None
    assert Decision.objects.filter(community=preparing, action=DecisionAction.OPENED).count() == 1

    # Opening twice sends nothing more.
    with run_tasks():
        assert services.community_open(community=preparing, opened_by=staff) is False
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.filter(kind="communities.community_opened").count() == 2


def test_the_outbox_keeps_one_message_per_member_even_if_the_event_is_written_twice(
    run_tasks, preparing
):
    _interested(preparing, 2)
    with run_tasks():
        services.community_open(community=preparing, opened_by=StaffFactory())
        emails.notify_community_opened(preparing)

    assert len(mail.outbox) == 2


def test_only_staff_open_a_community(preparing):
    lead = LeadMembershipFactory(community=preparing).member

    with pytest.raises(PermissionDenied):
        services.community_open(community=preparing, opened_by=lead)

    preparing.refresh_from_db()
    assert preparing.in_preparation


def test_staff_open_it_from_its_page(run_tasks, staff_client, preparing):
    [interested] = _interested(preparing, 1)
    assert "Ouvrir la communauté" in page_text(staff_client.get(_detail(preparing)))

    with run_tasks():
        response = staff_client.post(
            reverse("communities:open", args=[preparing.slug]), follow=True
        )

    assert shown_messages(response) == [
        "Automatisation et numérique municipal est ouverte. Les membres intéressés en ont été "
        "avisés par courriel et peuvent demander à s'y joindre en premier."
    ]
    assert [message.to for message in mail.outbox] == [[interested.email]]
    preparing.refresh_from_db()
    assert not preparing.in_preparation


def test_a_lead_cannot_open_it_from_its_page(client, preparing):
    lead = LeadMembershipFactory(community=preparing).member
    client.force_login(lead)

    response = client.post(reverse("communities:open", args=[preparing.slug]))

    assert response.status_code == 403
    preparing.refresh_from_db()
    assert preparing.in_preparation


def test_staff_open_it_with_the_admin_action(run_tasks, staff_client, preparing, community):
    _interested(preparing, 2)

    with run_tasks():
        response = staff_client.post(
            reverse("admin:communities_community_changelist"),
            {"action": "open_selected", "_selected_action": [preparing.pk, community.pk]},
            follow=True,
        )

    assert "Ouvertes\u00a0: Automatisation et numérique municipal." in page_text(response)
    assert len(mail.outbox) == 2
    preparing.refresh_from_db()
    assert not preparing.in_preparation


# The head start


@override_settings(COMMUNITIES_HEAD_START_HOURS=48, COMMUNITIES_NEW_BADGE_DAYS=30)
def test_the_interested_ask_first_then_everyone_and_the_list_says_new(client, preparing):
    [interested] = _interested(preparing, 1)
    latecomer = UserFactory()
    with time_machine.travel(NOW, tick=False):
        services.community_open(community=preparing, opened_by=StaffFactory())

    with time_machine.travel(NOW + timedelta(hours=47, minutes=59), tick=False):
        with pytest.raises(ValidationError) as error:
            services.join_request_create(
                community=preparing, member=latecomer, motivation="Je veux y participer."
            )
        assert error.value.code == "head_start"
        assert "seuls les membres qui ont indiqué leur intérêt" in error.value.messages[0]

        services.join_request_create(
            community=preparing, member=interested, motivation="J'attendais son ouverture."
        )

        client.force_login(latecomer)
        text = page_text(client.get(_detail(preparing)))
        assert "vient d'ouvrir" in text
        assert reverse("communities:join", args=[preparing.slug]) not in text
        assert "En ouverture" in page_text(client.get(LIST_URL))

    with time_machine.travel(NOW + timedelta(hours=48), tick=False):
        text = page_text(client.get(_detail(preparing)))
        assert reverse("communities:join", args=[preparing.slug]) in text
        assert "Nouvelle communauté" in page_text(client.get(LIST_URL))
        services.join_request_create(
            community=preparing, member=latecomer, motivation="Je veux y participer."
        )

    with time_machine.travel(NOW + timedelta(hours=48, days=30), tick=False):
        assert "Nouvelle communauté" not in page_text(client.get(LIST_URL))

    assert JoinRequest.objects.filter(community=preparing).count() == 2


def test_the_interested_member_sees_the_join_form_during_the_head_start(member_client, member):
    community = CommunityFactory(status=CommunityStatus.PREPARATION)
    services.interest_add(community=community, member=member)
    services.community_open(community=community, opened_by=StaffFactory())

    text = page_text(member_client.get(_detail(community)))

    assert reverse("communities:join", args=[community.slug]) in text


# Personal data


def test_interests_are_in_the_data_export_and_erased_with_the_account(member_client, member):
    community = CommunityFactory(name_fr="Automatisation", status=CommunityStatus.PREPARATION)
    services.interest_add(community=community, member=member)

    data = member_client.get(reverse("members:data_export")).json()

    assert [interest["community"] for interest in data["interests"]] == ["Automatisation"]
    assert data["interests"][0]["since"]

    account_close(user=member)

    assert not Interest.objects.filter(member=member).exists()
    assert not Interest.objects.exists()


# Under real concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_keep_one_interest():
    community = CommunityFactory(status=CommunityStatus.PREPARATION)
    member = UserFactory()

    outcomes = _run_together(
        [lambda: services.interest_add(community=community, member=member) for _click in range(2)]
    )

    assert _kinds(outcomes) == {"tuple": 2}
    assert sorted(created for _interest, created in outcomes) == [False, True]
    assert Interest.objects.filter(community=community, member=member).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_interest_written_at_once():
    """Without the service's lock, the unique constraint alone keeps one row."""
    community = CommunityFactory(status=CommunityStatus.PREPARATION)
    member = UserFactory()

    outcomes = _run_together(
        [lambda: Interest.objects.create(community=community, member=member) for _click in range(2)]
    )

    assert _kinds(outcomes) == {"Interest": 1, "IntegrityError": 1}
    assert Interest.objects.filter(community=community, member=member).count() == 1


# Query counts: the interest buttons cost one query for the whole list


def _grow_preparing(count: int, member) -> None:
    for index in range(count):
        community = CommunityFactory(
            status=CommunityStatus.PREPARATION if index % 2 else CommunityStatus.OPEN
        )
        LeadMembershipFactory(community=community)
        if index % 2:
            _interested(community, 2)
            services.interest_add(community=community, member=member)


@pytest.mark.parametrize("who", ["member", "staff", "anonymous"])
@pytest.mark.parametrize("url", [LIST_URL, "/"])
def test_the_list_and_front_door_cost_the_same_with_more_communities_in_preparation(
    client, who, url
):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = UserFactory()
    if who == "member":
        client.force_login(member)
    elif who == "staff":
        client.force_login(StaffFactory())

    def count() -> int:
        # The cost of rendering the page, not of reading shared fragments back from the cache.
        caches["fragments"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _grow_preparing(3, member)
    count()
    few = count()
    _grow_preparing(17, member)
    many = count()

    assert few == many


def test_the_demo_has_a_community_in_preparation_with_interested_members():
    from django.core.management import call_command

    call_command("load_demo_data", stdout=None)
    call_command("load_demo_data", stdout=None)  # safe to run again

    community = Community.objects.get(slug="automatisation-numerique-municipal")
    assert community.name_fr == "Automatisation et numérique municipal"
    assert community.in_preparation
    assert Interest.objects.filter(community=community).count() == 5


def test_the_interest_button_is_each_visitors_own_beside_the_shared_card(client, preparing):
    interested, other = UserFactory(), UserFactory()
    services.interest_add(community=preparing, member=interested)

    client.force_login(interested)
    assert "Retirer mon intérêt" in page_text(client.get(LIST_URL))
    client.force_login(other)
    text = page_text(client.get(LIST_URL))  # the card itself comes from the cache

    assert "Retirer mon intérêt" not in text
    assert "Ça m'intéresse" in text
    assert "En préparation" in text
