"""The search on a large index (PostgreSQL): 30,000 entries, the GIN index used, and a page of
results (count by type, ranked page, highlights) in a fixed number of queries. Its time is
measured by `make bench-search` (tests/bench_search_timing.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from search import selectors
from search.models import SearchEntry
from tests.factories import MembershipFactory, StaffFactory
from tests.search.large_index import ENTRIES, fill_large_index

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(scope="module")
def large_index(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        fill_large_index(cursor)
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
def test_a_page_of_results_on_the_large_index(
    large_index, query, persona, django_assert_max_num_queries
):
    """Results come, ranked and highlighted, in a fixed number of queries (how long they take
    is measured by `make bench-search`, never asserted)."""
    user = {
        "visitor": AnonymousUser,
        "member": lambda: MembershipFactory().member,
        "staff": StaffFactory,
    }[persona]()
    # The savepoint and its release, SET LOCAL, a signed-in reader's communities, the counts by
    # type, the ranked page and the highlights of its 20 results, whatever the index holds.
    with django_assert_max_num_queries(7 if persona != "visitor" else 6):
        outcome = selectors.search(user=user, query=query)
        results = list(outcome.page.object_list)

    assert outcome.total > 0 and len(results) == 20
    assert SearchEntry.objects.count() >= ENTRIES
