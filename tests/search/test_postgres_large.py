"""The search on a large index (PostgreSQL): 30,000 entries, the GIN index used, and a page of
results (count by type, ranked page, highlights) answered within 100 ms."""

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from search import selectors
from search.models import SearchEntry
from tests.factories import MembershipFactory, StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ENTRIES = 30_000
# Words of the trade, each in some 4 % of the entries (its title's word in 2 %, its text in
# another 2 %); the rest of each text is drawn from 30,000 other words, as real texts are.
WORDS = [
    "égouts",
    "aqueduc",
    "ponceaux",
    "chaussée",
    "trottoir",
    "déneigement",
    "appels",
    "offres",
    "devis",
    "gabarit",
    "inspection",
    "réfection",
    "bordure",
    "fossé",
    "drainage",
    "pluvial",
    "sanitaire",
    "conduite",
    "regard",
    "vanne",
    "borne",
    "incendie",
    "pompage",
    "station",
    "usine",
    "filtration",
    "asphalte",
    "enrobé",
    "pavage",
    "signalisation",
    "éclairage",
    "culvert",
    "pavement",
    "storm",
    "sewer",
    "water",
    "main",
    "hydrant",
    "budget",
    "plan",
    "intervention",
    "actifs",
    "municipal",
]


@pytest.fixture(scope="module")
def large_index(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO search_searchentry
              (source, object_id, title, body, url, audience, updated_at, plain_title, plain)
            SELECT 'meetings.meeting', 1000000 + g,
                   'Rencontre ' || g || ' ' || (%(words)s::text[])[1 + g %% %(count)s],
                   (SELECT string_agg(CASE WHEN random() < 0.012
                             THEN (%(words)s::text[])[1 + floor(random() * %(count)s)::int]
                             ELSE 'terme' || floor(random() * 30000)::int END, ' ')
                      FROM generate_series(1, 80) AS w WHERE g > 0),
                   '/rencontres/' || g || '/', 'public', now() - (g || ' minutes')::interval,
                   '', ''
              FROM generate_series(1, %(entries)s) AS g
            """,
            {"words": WORDS, "count": len(WORDS), "entries": ENTRIES},
        )
        cursor.execute("ANALYZE search_searchentry")
    yield
    with django_db_blocker.unblock():
        SearchEntry.objects.filter(object_id__gt=1000000).delete()


def test_the_search_uses_the_gin_index(large_index):
    visible = selectors.visible_entries(selectors.Reader())
    matching = selectors._matching(visible, "ponceaux")
    sql, params = matching.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        selectors._prefer_the_gin_index()  # as selectors.search does
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "search_entry_vector_gin" in plan


@pytest.mark.parametrize("query", ["ponceaux", "appel d'offres", "culverts"])
@pytest.mark.parametrize("persona", ["visitor", "member", "staff"])
def test_a_page_of_results_answers_within_100_ms(large_index, query, persona):
    user = {
        "visitor": AnonymousUser,
        "member": lambda: MembershipFactory().member,
        "staff": StaffFactory,
    }[persona]()
    selectors.search(user=user, query=query)  # warms the connection and the caches
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        outcome = selectors.search(user=user, query=query)
        list(outcome.page.object_list)
        timings.append(time.perf_counter() - started)

    assert outcome.total > 0 and len(outcome.page.object_list) > 0
    assert SearchEntry.objects.count() >= ENTRIES
    # The best of three: the machine is shared, a single slow reading is not the search's.
    print(f"{query!r}: {[round(t * 1000) for t in timings]} ms")
    assert min(timings) < 0.100, f"{query!r}: {[round(t * 1000) for t in timings]} ms"
