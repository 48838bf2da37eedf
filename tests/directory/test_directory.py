"""The members' directory at /repertoire/: who sees it, who is in it, how it searches, and
whose contact details it shows."""

import pytest
from django.urls import reverse

from communities.models import Role
from members.models import ExpertiseArea, Region
from members.services import account_close
from tests.factories import CommunityFactory, MembershipFactory, StaffFactory, UserFactory

URL = reverse("directory:list")

pytestmark = pytest.mark.django_db


def _area(slug: str) -> ExpertiseArea:
    return ExpertiseArea.objects.get(slug=slug)


def _listed(*areas: str, **fields):
    """A member who chose to be listed in the directory, with ``areas`` (slugs)."""
    fields.setdefault("directory_listed", True)
    member = UserFactory(**fields)
    member.expertise_areas.set([_area(slug) for slug in areas])
    return member


def _names(response) -> list[str]:
    return [entry.member.get_full_name() for entry in response.context["entries"]]


@pytest.fixture
def emilie():
    """Who has done a pavement-management plan in Abitibi."""
    return _listed(
        "gestion-des-chaussees",
        "plans-d-intervention",
        first_name="Émilie",
        last_name="Gauthier",
        organisation="MRC d'Abitibi",
        region=Region.ABITIBI_TEMISCAMINGUE,
        expertise="Réfection des égouts et auscultation des chaussées",
        phone="819 555-0107",
    )


@pytest.fixture
def hugo():
    """Pavements too, but in Chaudière-Appalaches."""
    return _listed(
        "gestion-des-chaussees",
        first_name="Hugo",
        last_name="Fortin",
        organisation="Ville de Lévis",
        region=Region.CHAUDIERE_APPALACHES,
        phone="418 555-0108",
    )


@pytest.fixture
def karine():
    """Drinking water in Abitibi."""
    return _listed(
        "eau-potable",
        first_name="Karine",
        last_name="Bélanger",
        organisation="Ville de Rouyn-Noranda",
        region=Region.ABITIBI_TEMISCAMINGUE,
    )


@pytest.fixture
def people(emilie, hugo, karine):
    return {"emilie": emilie, "hugo": hugo, "karine": karine}


# Who sees the directory


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize(
    "persona", ["member_of_no_community", "member", "member_of_other", "lead", "staff"]
)
def test_every_signed_in_persona_sees_the_listed_members(client, people, persona):
    community = CommunityFactory()
    viewer = {
        "member_of_no_community": lambda: UserFactory(),
        "member": lambda: MembershipFactory(community=community).member,
        "member_of_other": lambda: MembershipFactory().member,
        "lead": lambda: MembershipFactory(community=community, role=Role.LEAD).member,
        "staff": lambda: StaffFactory(),
    }[persona]()
    client.force_login(viewer)

    response = client.get(URL)

    assert response.status_code == 200
    assert _names(response) == ["Karine Bélanger", "Hugo Fortin", "Émilie Gauthier"]


def test_the_navbar_links_to_the_directory_for_members_only(client, member):
    assert URL not in client.get(reverse("home")).content.decode()
    client.force_login(member)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


# Who is in it


def test_a_member_who_did_not_choose_to_be_listed_is_not(member_client, people):
    hidden = _listed("gestion-des-chaussees", first_name="Zoé", directory_listed=False)

    response = member_client.get(URL)

    assert hidden.get_full_name() not in response.content.decode()
    assert len(response.context["entries"]) == 3


def test_inactive_and_closed_accounts_never_appear(member_client, people):
    people["hugo"].is_active = False
    people["hugo"].save()
    account_close(user=people["karine"])

    response = member_client.get(URL)

    assert _names(response) == ["Émilie Gauthier"]
    assert "Hugo" not in response.content.decode()


def test_an_account_without_consent_or_name_does_not_appear(member_client):
    _listed(first_name="Sans", last_name="Consentement", privacy_consent_at=None)
    nameless = _listed(first_name="", last_name="", email="sans.nom@example.org")

    response = member_client.get(URL)

    assert response.context["entries"] == []
    assert nameless.email not in response.content.decode()
    assert "Aucun membre n'est encore inscrit au répertoire." in response.content.decode()


# Search


def test_who_has_done_pavement_management_in_abitibi(member_client, people):
    response = member_client.get(URL, {"area": "gestion-des-chaussees", "region": "08"})

    assert _names(response) == ["Émilie Gauthier"]


def test_search_by_area(member_client, people):
    response = member_client.get(URL, {"area": "gestion-des-chaussees"})

    assert _names(response) == ["Hugo Fortin", "Émilie Gauthier"]


def test_search_by_region(member_client, people):
    response = member_client.get(URL, {"region": Region.ABITIBI_TEMISCAMINGUE})

    assert _names(response) == ["Karine Bélanger", "Émilie Gauthier"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("egout", ["Émilie Gauthier"]),  # "égouts" in her free text
        ("Levis", ["Hugo Fortin"]),  # "Ville de Lévis"
        ("LÉVIS", ["Hugo Fortin"]),
        ("belanger", ["Karine Bélanger"]),
        ("emilie gauthier", ["Émilie Gauthier"]),
        ("mrc d’abitibi", ["Émilie Gauthier"]),  # a typographic apostrophe
        ("chaussees", ["Émilie Gauthier"]),  # free text; Hugo has the area, not the words
        ("ville", ["Karine Bélanger", "Hugo Fortin"]),
    ],
)
def test_the_text_box_ignores_case_and_accents(member_client, people, typed, found):
    response = member_client.get(URL, {"q": typed})

    assert _names(response) == found


def test_filters_combine_and_stay_in_the_form(member_client, people):
    response = member_client.get(URL, {"q": "ville", "region": "08"})

    assert _names(response) == ["Karine Bélanger"]
    page = response.content.decode()
    assert 'value="ville"' in page
    assert '<option value="08" selected>' in page


def test_no_match_says_so_with_a_way_back(member_client, people):
    response = member_client.get(URL, {"q": "télédétection"})

    page = response.content.decode()
    assert "Aucun membre ne correspond à cette recherche." in page
    assert f'href="{URL}"' in page


def test_an_unknown_area_is_an_error_beside_the_field_not_a_500(member_client, people):
    response = member_client.get(URL, {"area": "n-existe-pas", "q": "ville"})

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert response.context["entries"] == []
    assert 'value="ville"' in response.content.decode()


def test_a_retired_area_is_not_offered_and_its_holders_no_longer_show_it(member_client, emilie):
    area = _area("plans-d-intervention")
    area.is_active = False
    area.save()

    response = member_client.get(URL)

    page = response.content.decode()
    assert "Plans d’intervention" not in page
    assert "Gestion des chaussées" in page


def test_the_list_is_paginated_and_keeps_the_filters(member_client):
    for index in range(23):
        _listed("eau-potable", last_name=f"Membre{index:02d}", region=Region.ESTRIE)

    first = member_client.get(URL, {"area": "eau-potable"})
    second = member_client.get(URL, {"area": "eau-potable", "page": 2})

    assert len(first.context["entries"]) == 20
    assert 'href="?area=eau-potable&amp;page=2"' in first.content.decode()
    assert len(second.context["entries"]) == 3


# Labels in the reader's language


def test_areas_and_regions_in_french(member_client, emilie):
    page = member_client.get(URL).content.decode()

    assert "Gestion des chaussées" in page
    assert "Abitibi-Témiscamingue" in page
    assert "Tous les domaines" in page


def test_areas_in_english(member_client, english, emilie):
    page = member_client.get(URL).content.decode()

    assert "Pavement management" in page
    assert "Gestion des chaussées" not in page
    assert "All areas" in page


# Contact details


def test_contact_details_hidden_unless_the_member_chose_so_for_the_directory(
    member_client, emilie, hugo
):
    hugo.directory_contact_visible = True
    hugo.save()

    page = member_client.get(URL).content.decode()

    assert hugo.email in page and hugo.phone in page
    assert emilie.email not in page and emilie.phone not in page


def test_showing_contacts_to_ones_communities_is_not_showing_them_to_the_directory(
    member_client, emilie
):
    emilie.contact_visible = True
    emilie.save()

    page = member_client.get(URL).content.decode()

    assert emilie.email not in page and emilie.phone not in page


def test_fellow_members_see_what_the_community_page_shows_them(client, emilie):
    community = CommunityFactory()
    MembershipFactory(community=community, member=emilie)
    fellow = MembershipFactory(community=community).member
    emilie.contact_visible = True
    emilie.save()
    client.force_login(fellow)

    page = client.get(URL).content.decode()

    assert emilie.email in page and emilie.phone in page


def test_the_lead_of_the_members_community_and_staff_see_the_contacts(client, emilie):
    community = CommunityFactory()
    MembershipFactory(community=community, member=emilie)
    lead = MembershipFactory(community=community, role=Role.LEAD).member
    other_lead = MembershipFactory(role=Role.LEAD).member

    for viewer, sees in ((lead, True), (StaffFactory(), True), (other_lead, False)):
        client.force_login(viewer)
        page = client.get(URL).content.decode()
        assert (emilie.email in page) is sees, viewer


def test_a_member_sees_their_own_contact_details(client, emilie):
    client.force_login(emilie)

    page = client.get(URL).content.decode()

    assert emilie.email in page


def test_the_directory_shows_communities_and_free_text(member_client, emilie):
    community = CommunityFactory(name_fr="Gestion des actifs municipaux")
    MembershipFactory(community=community, member=emilie)

    page = member_client.get(URL).content.decode()

    assert "Gestion des actifs municipaux" in page
    assert "Réfection des égouts" in page
    assert "MRC d&#x27;Abitibi" in page


def test_a_member_not_listed_is_invited_to_list_themselves(member_client, member):
    page = member_client.get(URL).content.decode()

    assert "M'inscrire au répertoire" in page
    member.directory_listed = True
    member.save()
    assert "M'inscrire au répertoire" not in member_client.get(URL).content.decode()
