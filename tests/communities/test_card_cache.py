"""The community cards (community list, public home page) are rendered once per language and
shared by every visitor: each change to what a card shows renders them again, French and
English are kept apart, and nothing of one visitor (their request, their role) is shared."""

import html as html_module

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import cards
from communities.models import Community, JoinRequestStatus, Membership, Role
from members.models import User
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    community = CommunityFactory(
        name_fr="Gestion contractuelle",
        name_en="Contract management",
        summary_fr="Appels d'offres.",
        summary_en="Calls for tenders.",
        capacity=4,
    )
    lead = LeadMembershipFactory(
        community=community, member__first_name="Jean", member__last_name="Bergeron"
    )
    member = MembershipFactory(community=community)
    return {"community": community, "lead": lead, "member": member}


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html_module.unescape(response.content.decode())


def _list(client) -> str:
    return _page(client, reverse("communities:list"))


def _front_door(client) -> str:
    return _page(client, reverse("home"))


def test_the_cards_are_served_from_the_cache(client, world):
    first = _list(client)
    # Behind the signals' back (a raw UPDATE): the cached card does not see it...
    Community.objects.filter(pk=world["community"].pk).update(name_fr="Nom changé en douce")
    with CaptureQueriesContext(connection) as queries:
        again = _list(client)

    assert "Gestion contractuelle" in first and "Gestion contractuelle" in again
    assert "Nom changé en douce" not in again
    # ...and an anonymous visitor's hit reads no community, membership or user row.
    assert not [q for q in queries if "communities_" in q["sql"] or "members_user" in q["sql"]]
    assert "Gestion contractuelle" in _front_door(client)


def _rename_community(world):
    world["community"].name_fr = "Gestion des contrats municipaux"
    world["community"].save()
    return "Gestion des contrats municipaux"


def _new_summary(world):
    world["community"].summary_fr = "Devis et soumissions."
    world["community"].save()
    return "Devis et soumissions."


def _stop_requests(world):
    world["community"].accepting_requests = False
    world["community"].save()
    return "Fermée", "N'accepte pas de demandes pour le moment."


def _new_community(world):
    CommunityFactory(name_fr="Communauté toute neuve")
    return "Communauté toute neuve"


def _new_member(world):
    MembershipFactory(community=world["community"])
    return "3 / 4", "1 place libre."


def _member_leaves(world):
    world["member"].delete()
    return "1 / 4", "3 places libres."


def _becomes_full(world):
    MembershipFactory.create_batch(2, community=world["community"])
    return "Complète (liste d'attente)", "Complète\u00a0: 0 personne sur la liste d'attente."


def _member_becomes_lead(world):
    membership = world["member"]
    membership.member.first_name, membership.member.last_name = "Annie", "Pelletier"
    membership.member.save()
    membership.role = Role.LEAD
    membership.save()
    return "Jean Bergeron, Annie Pelletier"


def _lead_renamed(world):
    lead = world["lead"].member
    lead.last_name = "Bergeron-Tremblay"
    lead.save(update_fields=["last_name"])
    return "Jean Bergeron-Tremblay"


def _lead_closes_account(world):
    lead = world["lead"].member
    lead.closed_at = timezone.now()
    lead.save(update_fields=["closed_at"])
    return "Ancien membre"


CHANGES = {
    "community renamed": _rename_community,
    "summary changed": _new_summary,
    "requests stopped": _stop_requests,
    "community added": _new_community,
    "member joins": _new_member,
    "member leaves": _member_leaves,
    "community full": _becomes_full,
    "lead added": _member_becomes_lead,
    "lead renamed": _lead_renamed,
    "lead's account closed": _lead_closes_account,
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("page", ["list", "front door"])
def test_each_change_to_a_card_renders_it_again(client, world, change, page):
    read = _list if page == "list" else _front_door
    read(client)

    expected = CHANGES[change](world)

    if isinstance(expected, tuple):  # the list and the front door word it differently
        expected = expected[0] if page == "list" else expected[1]
    assert expected in read(client)


def test_a_deleted_community_leaves_the_cards(client, world):
    gone = CommunityFactory(name_fr="Communauté dissoute")
    assert "Communauté dissoute" in _list(client)
    assert "Communauté dissoute" in _front_door(client)

    gone.delete()

    assert "Communauté dissoute" not in _list(client)
    assert "Communauté dissoute" not in _front_door(client)


def test_the_front_door_counts_the_waiting_list_afresh(client, world):
    MembershipFactory.create_batch(2, community=world["community"])  # full: 4 / 4
    waiting = JoinRequestFactory(community=world["community"])
    assert "Complète\u00a0: 1 personne sur la liste d'attente." in _front_door(client)

    JoinRequestFactory(community=world["community"])
    assert "Complète\u00a0: 2 personnes sur la liste d'attente." in _front_door(client)

    waiting.status = JoinRequestStatus.WITHDRAWN
    waiting.save()
    assert "Complète\u00a0: 1 personne sur la liste d'attente." in _front_door(client)


def test_a_login_keeps_the_cards(client, world):
    """Saving what no card shows (the lead's last login) does not render them again."""
    version = cards.current_version()
    lead = world["lead"].member
    lead.last_login = timezone.now()
    lead.save(update_fields=["last_login"])

    assert cards.current_version() == version


def test_french_and_english_are_cached_apart(client, world):
    french = _list(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _list(client)
    english_door = _front_door(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr-ca"
    french_door = _front_door(client)

    assert "Gestion contractuelle" in french and "Contract management" not in french
    assert "Contract management" in english and "Gestion contractuelle" not in english
    assert "Calls for tenders." in english_door and "Appels d'offres." in french_door
    assert "Appels d'offres." not in english_door

    # A change renders both again.
    world["community"].name_en = "Municipal contracts"
    world["community"].name_fr = "Contrats municipaux"
    world["community"].save()
    assert "Contrats municipaux" in _list(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Municipal contracts" in _list(client)


def test_a_visitor_s_status_is_never_shared(client, world):
    pending = UserFactory()
    JoinRequestFactory(community=world["community"], member=pending)
    lead = world["lead"].member

    # The lead renders the cards first, then the member with a pending request reads them.
    client.force_login(lead)
    as_lead = _list(client)
    client.force_login(pending)
    as_pending = _list(client)
    client.force_login(UserFactory())
    as_other = _list(client)
    client.logout()
    as_visitor = _list(client)

    assert "Vous êtes responsable de cette communauté" in as_lead
    assert "Demande en attente" in as_pending
    assert "Vous êtes responsable" not in as_pending
    for html in (as_other, as_visitor):
        assert "Demande en attente" not in html and "Vous êtes responsable" not in html
        assert "Gestion contractuelle" in html


def test_the_version_changes_again_when_the_change_commits(django_capture_on_commit_callbacks):
    """A visitor who read the rows just before the commit cannot keep them under the version
    that follows: the commit sets another one."""
    before = cards.current_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CommunityFactory()
    during = cards.current_version()
    for callback in callbacks:
        callback()

    assert before != during != cards.current_version()


def test_the_version_lives_in_the_shared_cache():
    """Each process may keep its fragments in its own memory; the version that invalidates
    them is in the cache every process shares."""
    version = cards.current_version()

    assert cache.get(cards.VERSION_KEY) == version
    Membership.objects.create(community=CommunityFactory(), member=UserFactory())
    assert cache.get(cards.VERSION_KEY) != version
    assert User.objects.exists()
