"""The shared vocabulary of areas of expertise: seeded, curated by staff in the admin, picked by
members on their profile, in their data download, and gone with their account."""

import importlib

import pytest
from django.urls import reverse

from members.models import ExpertiseArea, Region, User
from members.selectors import member_data_export, member_searchable_text
from members.services import account_close, expertise_area_merge, profile_update
from members.vocabulary import SEED_AREAS, vocabulary_seed
from tests.factories import UserFactory

EDIT_URL = reverse("members:profile_edit")
AREAS_URL = reverse("admin:members_expertisearea_changelist")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vocabulary():
    # Migration 0005 seeds it; a test that flushed the database before this one took it away.
    vocabulary_seed()


def _area(slug: str) -> ExpertiseArea:
    return ExpertiseArea.objects.get(slug=slug)


def _profile_data(member: User, **overrides) -> dict:
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "job_title": member.job_title,
        "organisation": member.organisation,
        "organisation_type": member.organisation_type,
        "region": member.region,
        "phone": "",
        "expertise": "",
        "preferred_language": "fr-ca",
    }
    data.update(overrides)
    return data


def test_the_migration_seeds_the_curated_vocabulary():
    migration = importlib.import_module("members.migrations.0005_seed_expertise_areas")

    assert migration.AREAS == SEED_AREAS


def test_the_vocabulary_is_seeded_with_both_labels():
    pavements = _area("gestion-des-chaussees")

    assert (pavements.label_fr, pavements.label_en) == (
        "Gestion des chaussées",
        "Pavement management",
    )
    assert ExpertiseArea.objects.active().count() >= 15
    assert not ExpertiseArea.objects.filter(label_en="").exists()


def test_the_profile_form_offers_the_areas_in_french(member_client):
    page = member_client.get(EDIT_URL).content.decode()

    assert 'type="checkbox" class="form-check-input"  name="expertise_areas"' in page
    assert "Gestion des chaussées" in page
    assert "Pavement management" not in page


def test_the_profile_form_offers_the_areas_in_english(member_client, english):
    page = member_client.get(EDIT_URL).content.decode()

    assert "Pavement management" in page
    assert "Gestion des chaussées" not in page


def test_a_member_picks_areas_and_keeps_free_text(member_client, member):
    data = _profile_data(
        member,
        expertise_areas=[_area("gestion-des-chaussees").pk, _area("eau-potable").pk],
        expertise="Auscultation au géoradar",
    )

    response = member_client.post(EDIT_URL, data, follow=True)

    assert response.redirect_chain == [(reverse("members:profile"), 302)]
    assert set(member.expertise_areas.values_list("slug", flat=True)) == {
        "gestion-des-chaussees",
        "eau-potable",
    }
    member.refresh_from_db()
    assert member.expertise == "Auscultation au géoradar"
    page = response.content.decode()
    assert "Gestion des chaussées" in page and "Auscultation au géoradar" in page


def test_unticking_every_area_removes_them(member_client, member):
    member.expertise_areas.set([_area("eau-potable")])

    member_client.post(EDIT_URL, _profile_data(member))

    assert not member.expertise_areas.exists()


def test_an_unknown_area_is_refused_beside_the_field_and_input_kept(member_client, member):
    data = _profile_data(member, expertise_areas=["999999"], expertise="Texte gardé")

    response = member_client.post(EDIT_URL, data)

    assert response.status_code == 200
    assert "expertise_areas" in response.context["form"].errors
    assert "Texte gardé" in response.content.decode()
    assert not member.expertise_areas.exists()


def test_a_retired_area_is_not_offered_and_its_holders_keep_it(member_client, member):
    retired = ExpertiseArea.objects.create(slug="telex", label_fr="Télex", label_en="Telex")
    member.expertise_areas.set([retired])
    retired.is_active = False
    retired.save()

    page = member_client.get(EDIT_URL).content.decode()
    member_client.post(EDIT_URL, _profile_data(member, expertise_areas=[_area("eau-potable").pk]))

    assert "Télex" not in page
    assert set(member.expertise_areas.values_list("slug", flat=True)) == {"telex", "eau-potable"}


def test_a_retired_area_cannot_be_picked_by_a_forged_form(member, member_client):
    retired = ExpertiseArea.objects.create(
        slug="telex", label_fr="Télex", label_en="Telex", is_active=False
    )

    response = member_client.post(EDIT_URL, _profile_data(member, expertise_areas=[retired.pk]))

    assert "expertise_areas" in response.context["form"].errors
    assert not member.expertise_areas.exists()


def test_directory_choices_are_off_unless_the_member_turns_them_on(member_client, member):
    assert (member.directory_listed, member.directory_contact_visible) == (False, False)

    member_client.post(
        EDIT_URL,
        _profile_data(member, directory_listed="on", directory_contact_visible="on"),
    )

    member.refresh_from_db()
    assert (member.directory_listed, member.directory_contact_visible) == (True, True)


def test_the_search_text_follows_the_profile(member):
    profile_update(
        user=member,
        data={
            "organisation": "Ville de Lévis",
            "expertise": "Égouts pluviaux",
            "last_name": "Côté",
        },
    )

    member.refresh_from_db()
    assert "ville de levis" in member.search_text
    assert "egouts pluviaux" in member.search_text
    assert "cote" in member.search_text


def test_the_data_download_holds_the_chosen_areas(member):
    member.expertise_areas.set([_area("gestion-des-chaussees")])

    data = member_data_export(user=member)

    assert data["profile"]["expertise_areas"] == [
        {"code": "gestion-des-chaussees", "label": "Gestion des chaussées"}
    ]


def test_closing_the_account_erases_the_areas_and_directory_choices(member):
    member.expertise_areas.set([_area("gestion-des-chaussees")])
    member.directory_listed = member.directory_contact_visible = True
    member.save()

    account_close(user=member)

    member.refresh_from_db()
    assert not member.expertise_areas.exists()
    assert (member.directory_listed, member.directory_contact_visible) == (False, False)
    assert member.search_text == ""


def test_the_searchable_text_has_both_languages():
    member = UserFactory(
        first_name="Émilie",
        last_name="Gauthier",
        organisation="MRC d'Abitibi",
        region=Region.ABITIBI_TEMISCAMINGUE,
        expertise="Plan quinquennal de réfection",
    )
    member.expertise_areas.set([_area("gestion-des-chaussees")])
    retired = ExpertiseArea.objects.create(
        slug="telex", label_fr="Télex", label_en="Telex", is_active=False
    )
    member.expertise_areas.add(retired)

    text = member_searchable_text(member)

    for expected in (
        "Émilie Gauthier",
        "MRC d'Abitibi",
        "Abitibi-Témiscamingue",
        "Gestion des chaussées",
        "Pavement management",
        "Plan quinquennal de réfection",
    ):
        assert expected in text
    assert "Télex" not in text


# Staff curate the vocabulary in the admin.


def test_staff_add_an_area_with_both_labels(staff_client):
    response = staff_client.post(
        reverse("admin:members_expertisearea_add"),
        {
            "slug": "eclairage",
            "label_fr": "Éclairage public",
            "label_en": "Street lighting",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert ExpertiseArea.objects.get(slug="eclairage").label_en == "Street lighting"


def test_staff_rename_and_deactivate_an_area(staff_client):
    area = _area("geomatique")

    staff_client.post(
        reverse("admin:members_expertisearea_change", args=[area.pk]),
        {"slug": area.slug, "label_fr": "Géomatique", "label_en": "GIS"},
    )

    area.refresh_from_db()
    assert (area.label_fr, area.label_en, area.is_active) == ("Géomatique", "GIS", False)


def test_staff_merge_duplicates_into_the_area_they_keep(staff_client):
    keep = _area("gestion-des-chaussees")
    duplicate = ExpertiseArea.objects.create(
        slug="chaussees", label_fr="Chaussées", label_en="Pavements"
    )
    holder_of_both, holder_of_duplicate = UserFactory(), UserFactory()
    holder_of_both.expertise_areas.set([keep, duplicate])
    holder_of_duplicate.expertise_areas.set([duplicate])
    selection = {"action": "merge_areas", "_selected_action": [keep.pk, duplicate.pk]}

    confirm = staff_client.post(AREAS_URL, selection)
    done = staff_client.post(AREAS_URL, {**selection, "post": "yes", "keep": keep.pk}, follow=True)

    assert "Chaussées" in confirm.content.decode()
    assert not ExpertiseArea.objects.filter(pk=duplicate.pk).exists()
    assert list(holder_of_both.expertise_areas.all()) == [keep]
    assert list(holder_of_duplicate.expertise_areas.all()) == [keep]
    assert "1 membre" in done.content.decode()


def test_merging_asks_again_when_no_area_is_chosen(staff_client):
    duplicate = ExpertiseArea.objects.create(slug="chaussees", label_fr="Chaussées", label_en="P")
    selection = {
        "action": "merge_areas",
        "_selected_action": [_area("gestion-des-chaussees").pk, duplicate.pk],
        "post": "yes",
    }

    response = staff_client.post(AREAS_URL, selection)

    assert response.status_code == 200
    assert ExpertiseArea.objects.filter(pk=duplicate.pk).exists()


def test_merge_service_counts_the_members_who_gained_the_area():
    keep, duplicate = (
        _area("eaux-usees"),
        ExpertiseArea.objects.create(slug="egouts", label_fr="Égouts", label_en="Sewers"),
    )
    UserFactory().expertise_areas.set([duplicate])
    UserFactory().expertise_areas.set([duplicate, keep])

    assert expertise_area_merge(keep=keep, duplicates=[keep, duplicate]) == 1
    assert keep.members.count() == 2
