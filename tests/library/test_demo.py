"""The demo libraries load with the rest of the demo data, and loading again changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from library.models import Resource, ResourceVersion

pytestmark = pytest.mark.django_db


def test_demo_resources_load_once():
    call_command("load_demo_data", stdout=None)
    counts = (Resource.objects.count(), ResourceVersion.objects.count())
    call_command("load_demo_data", stdout=None)
    assert (Resource.objects.count(), ResourceVersion.objects.count()) == counts
    assert counts[0] >= 4 and counts[1] >= 2
    assert ResourceVersion.objects.first().file.read().startswith(b"%PDF-")


def test_demo_documents_are_real_pdfs_found_by_their_words(client):
    """The demo's documents open in a reader and their text is indexed: a search for a word
    only the document holds finds its resource."""
    call_command("load_demo_data", stdout=None)
    from io import BytesIO

    from pypdf import PdfReader

    version = ResourceVersion.objects.filter(
        resource__title="Guide d'inspection des ponceaux"
    ).first()
    text = PdfReader(BytesIO(version.file.read())).pages[0].extract_text()
    assert "grille d'évaluation" in text

    # Shared with the association's members: a demo member searches.
    client.force_login(version.uploaded_by)
    response = client.get(reverse("search:search"), {"q": "grille"})
    assert "Guide d'inspection des ponceaux" in response.content.decode().replace("&#x27;", "'")
