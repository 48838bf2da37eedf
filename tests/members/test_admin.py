"""The admin: open to staff, closed to everyone else."""

import pytest
from django.urls import reverse

from members.models import Region, User
from tests.factories import UserFactory

ADMIN_INDEX = reverse("admin:index")
USER_CHANGELIST = reverse("admin:members_user_changelist")


@pytest.mark.parametrize("url", [ADMIN_INDEX, USER_CHANGELIST])
def test_admin_pages_load_for_staff(staff_client, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("url", [ADMIN_INDEX, USER_CHANGELIST])
def test_anonymous_visitor_is_sent_to_the_admin_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")


@pytest.mark.parametrize("url", [ADMIN_INDEX, USER_CHANGELIST])
def test_member_without_staff_status_is_refused(member_client, url):
    response = member_client.get(url, follow=True)

    # Django's admin shows its login page again rather than the admin itself.
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert "cl" not in response.context
    assert "app_list" not in response.context


def test_user_search_finds_by_name_and_organisation(staff_client):
    UserFactory(last_name="Pelletier", organisation="Ville de Rimouski")
    UserFactory(last_name="Gagnon", organisation="Ville de Lévis")

    response = staff_client.get(USER_CHANGELIST, {"q": "Rimouski"})

    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert [user.last_name for user in found] == ["Pelletier"]


def test_user_list_filters_by_region(staff_client):
    in_estrie = UserFactory(region=Region.ESTRIE)
    UserFactory(region=Region.LAVAL)

    response = staff_client.get(USER_CHANGELIST, {"region__exact": Region.ESTRIE})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [in_estrie]


def test_staff_can_open_a_members_change_page(staff_client, member):
    response = staff_client.get(reverse("admin:members_user_change", args=[member.pk]))

    assert response.status_code == 200
    assert member.email in response.content.decode()


def test_staff_can_add_a_member_by_email(staff_client):
    page = staff_client.get(reverse("admin:members_user_add"))
    assert page.status_code == 200

    response = staff_client.post(
        reverse("admin:members_user_add"),
        {
            "email": "ajout@example.org",
            "password1": "Un-mot-de-passe-Solide-42",
            "password2": "Un-mot-de-passe-Solide-42",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="ajout@example.org").exists()
