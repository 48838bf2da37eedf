"""Editing one's profile through /profil/modifier/."""

from django.urls import reverse

from members.models import Region

EDIT_URL = reverse("members:profile_edit")


def _profile_data(**overrides) -> dict:
    data = {
        "first_name": "Geneviève",
        "last_name": "Tremblay",
        "job_title": "Ingénieure de projets",
        "organisation": "Ville de Sherbrooke",
        "organisation_type": "municipality",
        "region": Region.ESTRIE,
        "phone": "819 555-0123 poste 12",
        "expertise": "Plans de gestion des actifs",
        "preferred_language": "fr-ca",
    }
    data.update(overrides)
    return data


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(EDIT_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={EDIT_URL}"


def test_profile_page_shows_the_member(member_client, member):
    response = member_client.get(reverse("members:profile"))

    assert response.status_code == 200
    assert member.email in response.content.decode()


def test_valid_profile_is_saved_with_a_success_message(member_client, member):
    response = member_client.post(EDIT_URL, _profile_data(), follow=True)

    assert response.redirect_chain == [(reverse("members:profile"), 302)]
    member.refresh_from_db()
    assert member.first_name == "Geneviève"
    assert member.organisation == "Ville de Sherbrooke"
    assert member.region == Region.ESTRIE
    assert member.phone == "819 555-0123 poste 12"
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert 'class="alert alert-success' in response.content.decode()


def test_blank_name_is_refused_beside_the_field_and_input_kept(member_client, member):
    original_first_name = member.first_name

    response = member_client.post(EDIT_URL, _profile_data(first_name="   "))

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"first_name"}
    html = response.content.decode()
    assert 'id="error_1_id_first_name"' in html
    assert 'value="Ville de Sherbrooke"' in html
    member.refresh_from_db()
    assert member.first_name == original_first_name


def test_bad_phone_is_refused_beside_the_field_and_input_kept(member_client, member):
    response = member_client.post(EDIT_URL, _profile_data(phone="appelez-moi"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone"}
    html = response.content.decode()
    assert 'id="error_1_id_phone"' in html
    assert 'value="appelez-moi"' in html
    assert 'value="Geneviève"' in html
    member.refresh_from_db()
    assert member.phone == ""


def test_member_cannot_change_their_email_or_staff_flag_through_the_profile(member_client, member):
    member_client.post(
        EDIT_URL, _profile_data(email="autre@example.org", is_staff="on", is_superuser="on")
    )

    member.refresh_from_db()
    assert member.email != "autre@example.org"
    assert member.is_staff is False
    assert member.is_superuser is False


def test_refused_input_does_not_show_as_the_members_name(member_client, member):
    saved_name = member.display_name

    response = member_client.post(EDIT_URL, _profile_data(first_name="Zoé", last_name=""))

    html = response.content.decode()
    # The navbar's member menu is titled with the saved name.
    assert f'data-bs-toggle="dropdown" aria-expanded="false">{saved_name}</button>' in html
    assert 'value="Zoé"' in html


def test_region_and_organisation_type_labels_are_what_django_displays():
    from django.utils import translation

    from members.models import OrganisationType, User

    cases = [
        User(region=Region.ESTRIE, organisation_type=OrganisationType.MRC),
        User(region="", organisation_type=""),
        User(region="99", organisation_type="gone"),  # a value no longer among the choices
    ]
    for language in ("fr-ca", "en"):
        with translation.override(language):
            for user in cases:
                assert str(user.region_label) == str(user.get_region_display())
                assert str(user.organisation_type_label) == str(
                    user.get_organisation_type_display()
                )
