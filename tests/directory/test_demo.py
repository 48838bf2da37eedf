"""The demo data lets the directory answer real questions."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_directory_finds_pavement_management_in_abitibi(client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", stdout=None)
    call_command("load_demo_data", stdout=None)  # loading again changes nothing
    client.force_login(User.objects.get(email="membre01@example.org"))

    response = client.get(
        reverse("directory:list"), {"area": "gestion-des-chaussees", "region": "08"}
    )

    entries = response.context["entries"]
    assert [entry.member.organisation for entry in entries] == ["MRC d'Abitibi"]
    assert [area.slug for area in entries[0].areas].count("gestion-des-chaussees") == 1
    assert User.objects.filter(directory_listed=True).count() >= 30
