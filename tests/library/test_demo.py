"""The demo libraries load with the rest of the demo data, and loading again changes nothing."""

import pytest
from django.core.management import call_command

from library.models import Resource, ResourceVersion

pytestmark = pytest.mark.django_db


def test_demo_resources_load_once():
    call_command("load_demo_data", stdout=None)
    counts = (Resource.objects.count(), ResourceVersion.objects.count())
    call_command("load_demo_data", stdout=None)
    assert (Resource.objects.count(), ResourceVersion.objects.count()) == counts
    assert counts[0] >= 4 and counts[1] >= 2
    assert ResourceVersion.objects.first().file.read().startswith(b"%PDF-")
