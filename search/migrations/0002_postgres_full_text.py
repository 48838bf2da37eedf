"""PostgreSQL's full-text search for the index: French and English stemming with accents
ignored, a trigger keeping each entry's vector, and a GIN index on it. Nothing on SQLite (its
search reads the normalised columns)."""

from django.db import migrations

CONFIGURATIONS = {"aimq_fr": "french", "aimq_en": "english"}

FORWARD = [
    # Trusted since PostgreSQL 13: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    *(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{name}') THEN
            CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {language});
            ALTER TEXT SEARCH CONFIGURATION {name}
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem;
          END IF;
        END $$
        """
        for name, language in CONFIGURATIONS.items()
    ),
    # Both stemmers on the same text: "égouts" is found by "egout", "culverts" by "culvert",
    # whatever the language a member wrote in. The title weighs more than the text.
    """
    CREATE FUNCTION search_entry_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('aimq_fr', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('aimq_en', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('aimq_fr', coalesce(NEW.body, '')), 'B') ||
        setweight(to_tsvector('aimq_en', coalesce(NEW.body, '')), 'B');
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER search_entry_vector BEFORE INSERT OR UPDATE OF title, body, search_vector
    ON search_searchentry FOR EACH ROW EXECUTE FUNCTION search_entry_vector()
    """,
    "CREATE INDEX search_entry_vector_gin ON search_searchentry USING gin (search_vector)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "DROP TRIGGER IF EXISTS search_entry_vector ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_entry_vector()",
    *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in CONFIGURATIONS),
    # The unaccent extension stays: another part of the database may use it.
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
