"""PostgreSQL's full-text search: stemming in both languages with accents ignored, ranking,
and search syntax that never breaks the page."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import MeetingFactory
from tests.search.test_visibility import found

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _vector_words(text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('aimq_fr', %s))", [text])
        return set(cursor.fetchone()[0])


def test_the_french_configuration_stems_without_accents():
    assert _vector_words("Égouts") == _vector_words("egout") == {"egout"}


@pytest.mark.parametrize(
    "query, title",
    [
        ("egout", "Réfection des égouts"),
        ("appel d'offres", "Nos appels d'offres"),
        ("ponceau", "Inspection des ponceaux"),
        ("culverts", "Culvert design"),
        ("Réfections", "Réfection des égouts"),
    ],
)
def test_stemming_finds_other_forms_of_a_word(client, db, query, title):
    for text in ("Réfection des égouts", "Nos appels d'offres", "Inspection des ponceaux"):
        MeetingFactory(title=text)
    MeetingFactory(title="Culvert design")

    assert title in {title for _source, title in found(client, query)}


def test_the_title_ranks_before_the_text(client, db):
    MeetingFactory(title="Rencontre annuelle", agenda="Le drainage des routes")
    MeetingFactory(title="Drainage des routes", agenda="Bilan")

    response = client.get(reverse("search:search"), {"q": "drainage"})
    results = [strip_tags(result.title) for result in response.context["page"].object_list]

    assert results[0] == "Drainage des routes"


def test_a_query_with_search_syntax_is_no_error(client, db):
    MeetingFactory(title="Drainage des routes")
    for query in ("drainage -routes", '"drainage des"', "drainage OR rien", "&|!():*", "'"):
        response = client.get(reverse("search:search"), {"q": query})
        assert response.status_code == 200
