"""A large search index for measuring the search on PostgreSQL: 30,000 entries whose texts mix
words of the trade with filler, as real texts do. Used by tests/search/test_postgres_large.py
(the GIN index is used, results come) and by tests/bench_search_timing.py (how long a page of
results takes: a benchmark, never a test)."""

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


def fill_large_index(cursor, entries: int = ENTRIES) -> None:
    """Inserts ``entries`` public meeting entries (object ids above 1,000,000), then ANALYZE."""
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
        {"words": WORDS, "count": len(WORDS), "entries": entries},
    )
    cursor.execute("ANALYZE search_searchentry")
