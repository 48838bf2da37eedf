"""Results never include what the reader may not see: each persona searches the page and finds
exactly what its audience allows, of every source (SQLite and PostgreSQL alike)."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from members import services as members_services
from members.models import ExpertiseArea, User
from search.models import SearchEntry
from tests.search.conftest import ASSOCIATION, COMMUNITY, EVERYONE, SIGNED_IN

pytestmark = pytest.mark.django_db

EXPECTED = {
    "visitor": EVERYONE,
    "signed-in member of no community": EVERYONE | SIGNED_IN,
    "member of another community": EVERYONE | SIGNED_IN | ASSOCIATION,
    "member": EVERYONE | SIGNED_IN | ASSOCIATION | COMMUNITY,
    "lead": EVERYONE | SIGNED_IN | ASSOCIATION | COMMUNITY,
    "staff": EVERYONE | SIGNED_IN | ASSOCIATION | COMMUNITY,
}
PERSONAS = {
    "visitor": None,
    "signed-in member of no community": "loner",
    "member of another community": "outsider",
    "member": "member",
    "lead": "lead",
    "staff": "staff",
}


def found(client, query: str, **params) -> set[tuple[str, str]]:
    response = client.get(reverse("search:search"), {"q": query, **params})
    assert response.status_code == 200
    return {
        (result.source, unescape(strip_tags(result.title)))
        for result in response.context["page"].object_list
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_finds_exactly_what_it_may_see(client, world, persona):
    if PERSONAS[persona]:
        client.force_login(getattr(world, PERSONAS[persona]))

    assert found(client, "zircon") == EXPECTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_counts_by_type_tell_of_nothing_hidden(client, world, persona):
    if PERSONAS[persona]:
        client.force_login(getattr(world, PERSONAS[persona]))
    response = client.get(reverse("search:search"), {"q": "zircon"})

    counts = {line.source: line.count for line in response.context["search"].counts}
    expected: dict[str, int] = {}
    for source, _title in EXPECTED[persona]:
        expected[source] = expected.get(source, 0) + 1
    assert counts == expected


def test_a_member_who_leaves_no_longer_finds_the_communitys_things(client, world):
    client.force_login(world.member)
    world.community.memberships.filter(member=world.member).delete()

    assert found(client, "zircon") == EVERYONE | SIGNED_IN


def test_a_closed_account_is_never_found(client, world):
    expert = User.objects.get(first_name="Zircon")
    client.force_login(world.staff)
    assert found(client, "ponceaux") == {("members.member", "Zircon Expert")}

    members_services.account_close(user=expert)

    assert ("members.member", "Zircon Expert") not in found(client, "zircon")
    assert not found(client, "ponceaux")
    assert not SearchEntry.objects.filter(source="members.member", object_id=expert.pk).exists()


def test_a_members_profile_edit_is_found_at_once(client, world):
    expert = User.objects.get(first_name="Zircon")
    client.force_login(world.loner)
    members_services.profile_update(
        user=expert, data={"expertise": "Plans d'intervention, chaussées", "region": "08"}
    )

    assert found(client, "chaussees abitibi") == {("members.member", "Zircon Expert")}
    assert not found(client, "ponceaux")


def test_a_member_not_listed_in_the_directory_is_not_found(client, world):
    client.force_login(world.loner)
    expert = User.objects.get(first_name="Zircon")
    members_services.profile_update(user=expert, data={"directory_listed": False})

    assert not found(client, "ponceaux")


def test_a_member_is_found_by_an_area_of_expertise_in_either_language(client, world):
    client.force_login(world.loner)
    expert = User.objects.get(first_name="Zircon")
    area = ExpertiseArea.objects.create(
        slug="zirconologie", label_fr="Zirconologie appliquée", label_en="Applied zirconology"
    )
    expert.expertise_areas.add(area)

    assert found(client, "zirconologie appliquee") == {("members.member", "Zircon Expert")}
    assert found(client, "applied zirconology") == {("members.member", "Zircon Expert")}
    response = client.get(reverse("search:search"), {"q": "applied zirconology"})
    assert response.context["page"].object_list[0].url == "/repertoire/?q=Zircon+Expert"


def test_a_member_without_consent_is_not_found(client, world):
    client.force_login(world.staff)
    expert = User.objects.get(first_name="Zircon")
    expert.privacy_consent_at = None
    expert.save()

    assert ("members.member", "Zircon Expert") not in found(client, "zircon")


def test_a_merge_of_areas_is_found_at_once_under_the_area_kept(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.loner)
    expert = User.objects.get(first_name="Zircon")
    keep = ExpertiseArea.objects.create(
        slug="mineralogie", label_fr="Minéralogie", label_en="Mineralogy"
    )
    duplicate = ExpertiseArea.objects.create(
        slug="zirconologie", label_fr="Zirconologie appliquée", label_en="Applied zirconology"
    )
    expert.expertise_areas.add(duplicate)
    assert found(client, "zirconologie") == {("members.member", "Zircon Expert")}

    # The merge and its re-indexing: a few queries for the areas, a few for the one member.
    with django_assert_max_num_queries(20):
        members_services.expertise_area_merge(keep=keep, duplicates=[keep, duplicate])

    assert found(client, "mineralogie") == {("members.member", "Zircon Expert")}
    assert found(client, "mineralogy") == {("members.member", "Zircon Expert")}
    assert not found(client, "zirconologie")
