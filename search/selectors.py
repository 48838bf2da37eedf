"""Reading the index: what a reader may find (filtered in SQL by audience), ranked and
highlighted. PostgreSQL: full-text search, French and English stemming, accents ignored, a GIN
index (migration 0002). SQLite: every word of the query found in the normalised text.

A page of results costs a fixed number of queries whatever the data: the reader's
communities, the count by type, the page (and on PostgreSQL its highlights)."""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from communities.models import Membership
from search import registry
from search.highlight import excerpt_html, marked_html, title_html
from search.models import Audience, SearchEntry
from search.text import MATCH_END, MATCH_START, query_words

RESULTS_PER_PAGE = 20
QUERY_MAX_CHARS = 200
HEADLINE_MAX_CHARS = 30_000


@dataclass(frozen=True)
class Reader:
    """Who searches, computed once per request: what their audience lets them find."""

    signed_in: bool = False
    staff: bool = False
    community_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user) -> "Reader":
        if not user.is_authenticated:
            return cls()
        communities = frozenset(
            Membership.objects.filter(member=user).values_list("community_id", flat=True)
        )
        return cls(signed_in=True, staff=user.is_staff, community_ids=communities)


def visible_entries(reader: Reader) -> QuerySet[SearchEntry]:
    """The entries ``reader`` may find: visitors the public ones; signed-in members also those
    for members, those for members of any community when they belong to one, and those of the
    communities they belong to; staff all."""
    entries = SearchEntry.objects.all()
    if reader.staff:
        return entries
    allowed = Q(audience=Audience.PUBLIC)
    if reader.signed_in:
        allowed |= Q(audience=Audience.SIGNED_IN)
    if reader.community_ids:
        allowed |= Q(audience=Audience.ASSOCIATION) | Q(
            audience=Audience.COMMUNITY, community_id__in=sorted(reader.community_ids)
        )
    return entries.filter(allowed)


@dataclass(frozen=True)
class Result:
    source: str
    label: str
    title: SafeString
    excerpt: SafeString
    url: str
    community_name: str
    updated_at: object


@dataclass(frozen=True)
class SourceCount:
    source: str
    label: str
    count: int


@dataclass
class Search:
    query: str
    source: str = ""
    page: Page | None = None
    counts: list[SourceCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _postgres_query(query: str) -> SearchQuery:
    # The text is indexed with both stemmers (migration 0002): a word matches in either.
    return SearchQuery(query, config="aimq_fr", search_type="websearch") | SearchQuery(
        query, config="aimq_en", search_type="websearch"
    )


def _matching(entries: QuerySet[SearchEntry], query: str) -> QuerySet[SearchEntry] | None:
    """The entries that match, or None when the query has no word to look for."""
    if _on_postgresql():
        return entries.filter(search_vector=_postgres_query(query))
    words = query_words(query)
    if not words:
        return None
    return entries.filter(reduce(and_, (Q(plain__contains=word) for word in words)))


def _ordered(entries: QuerySet[SearchEntry], query: str) -> QuerySet[SearchEntry]:
    if _on_postgresql():
        return entries.annotate(
            rank=SearchRank(F("search_vector"), _postgres_query(query))
        ).order_by("-rank", "-updated_at", "-pk")
    words = query_words(query)
    title_hit = reduce(and_, (Q(plain_title__contains=word) for word in words))
    return entries.annotate(
        title_hit=Case(
            When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("-title_hit", "-updated_at", "-pk")


def _highlighted_postgres(entries: list[SearchEntry], query: str) -> dict[int, tuple[str, str]]:
    """The title and excerpt of each entry with its matches marked (MATCH_START/END), read in
    one query for the page only: ts_headline reads the whole text, so never for every match."""
    if not entries:
        return {}
    config = "aimq_en" if (get_language() or "").startswith("en") else "aimq_fr"
    search_query = _postgres_query(query)
    marks = {"start_sel": MATCH_START, "stop_sel": MATCH_END}
    rows = (
        SearchEntry.objects.filter(pk__in=[entry.pk for entry in entries])
        .annotate(
            title_marked=SearchHeadline(
                "title", search_query, config=config, highlight_all=True, **marks
            ),
            body_marked=SearchHeadline(
                # A long document's beginning: ts_headline parses all it is given.
                Substr("body", 1, HEADLINE_MAX_CHARS),
                search_query,
                config=config,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
            ),
        )
        .values_list("pk", "title_marked", "body_marked")
    )
    return {pk: (title, body) for pk, title, body in rows}


def _prefer_the_gin_index() -> None:
    """The planner prices a match (@@) as cheap as a comparison, and so reads the whole table
    for a common word; but each row's vector must then be decompressed: ten times slower than
    the GIN index on a large index (tests/search/test_postgres_large.py). For this
    transaction only, it takes the index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def search(*, user, query: str, source: str = "", page_number: str | int = 1) -> Search:
    query = " ".join((query or "").split())[:QUERY_MAX_CHARS]
    outcome = Search(query=query, source=source if registry.source(source) else "")
    if not query:
        return outcome
    if not _on_postgresql():
        return _search(user, query, page_number, outcome)
    with transaction.atomic():
        _prefer_the_gin_index()
        return _search(user, query, page_number, outcome)


def _search(user, query: str, page_number: str | int, outcome: Search) -> Search:
    matching = _matching(visible_entries(Reader.of(user)), query)
    if matching is None:
        outcome.page = Paginator([], RESULTS_PER_PAGE).get_page(1)
        return outcome
    labels = {search_source.name: search_source.label for search_source in registry.sources()}
    counted = (
        matching.order_by()
        .values("source")
        .annotate(count=Count("pk"))
        .values_list("source", "count")
    )
    outcome.counts = sorted(
        (
            SourceCount(source=name, label=str(labels[name]), count=count)
            for name, count in counted
            if name in labels
        ),
        key=lambda line: (-line.count, line.label),
    )
    if outcome.source:
        matching = matching.filter(source=outcome.source)
    # The count is known from the counts by type: the paginator needs no query of its own.
    total = sum(
        line.count for line in outcome.counts if not outcome.source or line.source == outcome.source
    )
    ordered = _ordered(matching.filter(source__in=list(labels)), query).select_related("community")
    paginator = Paginator(ordered, RESULTS_PER_PAGE)
    paginator.count = total
    page = paginator.get_page(page_number)
    entries = list(page.object_list)
    if _on_postgresql():
        marked = _highlighted_postgres(entries, query)
        results = [
            _result(
                entry,
                labels,
                title=marked_html(marked.get(entry.pk, (entry.title, ""))[0]),
                excerpt=marked_html(marked.get(entry.pk, ("", entry.body[:300]))[1]),
            )
            for entry in entries
        ]
    else:
        words = query_words(query)
        results = [
            _result(
                entry,
                labels,
                title=title_html(entry.title, words),
                excerpt=excerpt_html(entry.body, words),
            )
            for entry in entries
        ]
    page.object_list = results
    outcome.page = page
    return outcome


def _result(entry: SearchEntry, labels: dict, *, title: SafeString, excerpt: SafeString) -> Result:
    return Result(
        source=entry.source,
        label=str(labels.get(entry.source, "")),
        title=title,
        excerpt=excerpt,
        url=entry.url,
        community_name=entry.community.name if entry.community else "",
        updated_at=entry.updated_at,
    )
