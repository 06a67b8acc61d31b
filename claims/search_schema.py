"""The full-text indexes' SQL, which the database keeps current (``claims/search.py`` reads them).

PostgreSQL: SQL functions (an article's language -> its text search configuration;
an article's vector, indexed by its beginning when the whole is over a tsvector's
1 MB), a generated ``search_vector`` / ``search_config`` pair on articles, the same pair on claims
kept by triggers (a claim's language is its article's, in another table, which neither a
generated column nor a functional index may read), and GIN indexes on both. A stored
vector, not a functional index: ranking reads it instead of parsing every matching
text again. Triggers, not services: bulk writes, the admin and raw SQL keep it current too.

SQLite: FTS5 tables (claims: quote, summary and the article's title; articles: an
external-content index of title and text) kept by triggers. Without FTS5 in the SQLite
library nothing is created and search matches words with ``icontains``. Django rebuilds
a SQLite table for many schema changes, which drops its triggers: ``repair`` (after
every ``migrate``) puts them back and rebuilds the index.

The models do not declare these columns, so Django never reads an article's vector (as
large as its text) with the row. On PostgreSQL a later migration that changes the type
of ``Article.title``, ``language`` or ``text`` must drop the generated columns first.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# ISO 639-1 codes -> PostgreSQL's text search configurations (those this server has are
# used; any other language is indexed with "simple": words lower-cased, not stemmed).
CONFIGS = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "ca": "catalan",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "fi": "finnish",
    "fr": "french",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "es": "spanish",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

PG_CLAIM_VECTOR = """
    setweight(to_tsvector(NEW.search_config, coalesce(NEW.quote, '')), 'A')
    || setweight(to_tsvector(NEW.search_config, coalesce(NEW.summary, '')), 'B')
    || setweight(to_tsvector(NEW.search_config, coalesce(article.title, '')), 'D')
"""

PG_DROP = [
    "DROP TRIGGER IF EXISTS claims_article_search_claims ON claims_article",
    "DROP FUNCTION IF EXISTS claims_article_search_claims()",
    "DROP TRIGGER IF EXISTS claims_claim_search ON claims_claim",
    "DROP FUNCTION IF EXISTS claims_claim_search()",
    "DROP INDEX IF EXISTS claims_claim_search_vector",
    "DROP INDEX IF EXISTS claims_article_search_vector",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_config",
    "ALTER TABLE claims_article DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE claims_article DROP COLUMN IF EXISTS search_config",
    "DROP FUNCTION IF EXISTS factcheck_article_vector(regconfig, text, text)",
    "DROP FUNCTION IF EXISTS factcheck_search_config(text)",
]


# The configurations in use, read by a skip scan of this index (``claims.search``): a
# handful of distinct values among any number of articles.
PG_CONFIG_INDEX = (
    "CREATE INDEX IF NOT EXISTS claims_article_search_config ON claims_article (search_config)"
)


def _postgresql(cursor: Any) -> None:
    cursor.execute(
        "SELECT cfgname FROM pg_ts_config WHERE cfgnamespace = 'pg_catalog'::regnamespace"
    )
    known = {name for (name,) in cursor.fetchall()}
    configs = {code: name for code, name in CONFIGS.items() if name in known}
    cases = "\n".join(
        f"WHEN '{code}' THEN 'pg_catalog.{name}'::regconfig" for code, name in configs.items()
    )
    statements = [
        f"""CREATE FUNCTION factcheck_search_config(language text) RETURNS regconfig
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE split_part(lower(coalesce(language, '')), '-', 1)
            {cases}
            ELSE 'pg_catalog.simple'::regconfig END $$""",
        # A tsvector holds at most 1 MB: a text of that many distinct words (tables of
        # figures, hashes) is indexed by its beginning rather than refused at import.
        """CREATE FUNCTION factcheck_article_vector(config regconfig, title text, body text)
            RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            DECLARE heading tsvector := setweight(to_tsvector(config, title), 'A');
            BEGIN
                RETURN heading || setweight(to_tsvector(config, body), 'B');
            EXCEPTION WHEN program_limit_exceeded THEN
                RETURN heading || setweight(to_tsvector(config, left(body, 200000)), 'B');
            END $$""",
        """ALTER TABLE claims_article
            ADD COLUMN search_config regconfig
                GENERATED ALWAYS AS (factcheck_search_config(language)) STORED,
            ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                factcheck_article_vector(factcheck_search_config(language), title, text)
            ) STORED""",
        "ALTER TABLE claims_claim ADD COLUMN search_config regconfig, "
        "ADD COLUMN search_vector tsvector",
        f"""CREATE FUNCTION claims_claim_search() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE article record;
            BEGIN
                SELECT a.language, a.title INTO article FROM claims_article a
                WHERE a.id = NEW.article_id;
                NEW.search_config := factcheck_search_config(article.language);
                NEW.search_vector := {PG_CLAIM_VECTOR};
                RETURN NEW;
            END $$""",
        "CREATE TRIGGER claims_claim_search BEFORE INSERT OR UPDATE OF quote, summary, "
        "article_id ON claims_claim FOR EACH ROW EXECUTE FUNCTION claims_claim_search()",
        # An article's new language or title reaches its claims' vectors: setting
        # article_id to itself runs the claims' trigger above.
        """CREATE FUNCTION claims_article_search_claims() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE claims_claim SET article_id = article_id WHERE article_id = NEW.id;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER claims_article_search_claims AFTER UPDATE OF language, title
            ON claims_article FOR EACH ROW
            WHEN (OLD.language IS DISTINCT FROM NEW.language
                OR OLD.title IS DISTINCT FROM NEW.title)
            EXECUTE FUNCTION claims_article_search_claims()""",
        "UPDATE claims_claim SET article_id = article_id",
        "CREATE INDEX claims_claim_search_vector ON claims_claim USING gin (search_vector)",
        "CREATE INDEX claims_article_search_vector ON claims_article USING gin (search_vector)",
        PG_CONFIG_INDEX,
    ]
    for statement in statements:
        cursor.execute(statement)


TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
SQLITE_CLAIM_ROW = """
    SELECT NEW.id, NEW.quote, NEW.summary, a.title FROM claims_article a WHERE a.id = NEW.article_id
"""
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE claims_claim_fts USING fts5(quote, summary, title, {TOKENIZE})",
    f"""CREATE VIRTUAL TABLE claims_article_fts USING fts5(
        title, text, content = 'claims_article', content_rowid = 'id', {TOKENIZE})""",
    f"""CREATE TRIGGER claims_claim_fts_insert AFTER INSERT ON claims_claim BEGIN
        INSERT INTO claims_claim_fts (rowid, quote, summary, title) {SQLITE_CLAIM_ROW};
    END""",
    f"""CREATE TRIGGER claims_claim_fts_update AFTER UPDATE OF quote, summary, article_id
        ON claims_claim BEGIN
        DELETE FROM claims_claim_fts WHERE rowid = OLD.id;
        INSERT INTO claims_claim_fts (rowid, quote, summary, title) {SQLITE_CLAIM_ROW};
    END""",
    """CREATE TRIGGER claims_claim_fts_delete AFTER DELETE ON claims_claim BEGIN
        DELETE FROM claims_claim_fts WHERE rowid = OLD.id;
    END""",
    """CREATE TRIGGER claims_article_fts_insert AFTER INSERT ON claims_article BEGIN
        INSERT INTO claims_article_fts (rowid, title, text) VALUES (NEW.id, NEW.title, NEW.text);
    END""",
    """CREATE TRIGGER claims_article_fts_update AFTER UPDATE OF title, text ON claims_article
    BEGIN
        INSERT INTO claims_article_fts (claims_article_fts, rowid, title, text)
            VALUES ('delete', OLD.id, OLD.title, OLD.text);
        INSERT INTO claims_article_fts (rowid, title, text) VALUES (NEW.id, NEW.title, NEW.text);
        UPDATE claims_claim_fts SET title = NEW.title
            WHERE rowid IN (SELECT id FROM claims_claim WHERE article_id = NEW.id);
    END""",
    """CREATE TRIGGER claims_article_fts_delete AFTER DELETE ON claims_article BEGIN
        INSERT INTO claims_article_fts (claims_article_fts, rowid, title, text)
            VALUES ('delete', OLD.id, OLD.title, OLD.text);
    END""",
    "INSERT INTO claims_article_fts (claims_article_fts) VALUES ('rebuild')",
    """INSERT INTO claims_claim_fts (rowid, quote, summary, title)
        SELECT c.id, c.quote, c.summary, a.title
        FROM claims_claim c JOIN claims_article a ON a.id = c.article_id""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS claims_claim_fts_insert",
    "DROP TRIGGER IF EXISTS claims_claim_fts_update",
    "DROP TRIGGER IF EXISTS claims_claim_fts_delete",
    "DROP TRIGGER IF EXISTS claims_article_fts_insert",
    "DROP TRIGGER IF EXISTS claims_article_fts_update",
    "DROP TRIGGER IF EXISTS claims_article_fts_delete",
    "DROP TABLE IF EXISTS claims_claim_fts",
    "DROP TABLE IF EXISTS claims_article_fts",
]


def sqlite_has_fts5() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(a)")
    except sqlite3.OperationalError:
        return False
    return True


SQLITE_FTS5 = sqlite_has_fts5()
SQLITE_TRIGGERS = [
    "claims_claim_fts_insert",
    "claims_claim_fts_update",
    "claims_claim_fts_delete",
    "claims_article_fts_insert",
    "claims_article_fts_update",
    "claims_article_fts_delete",
]


def create(connection: BaseDatabaseWrapper, *, sqlite_triggers: bool = True) -> None:
    """The indexes, their triggers and their contents.

    On SQLite the migration creates the tables only (``sqlite_triggers=False``): the
    claims' triggers read ``claims_article``, and a later migration that rebuilds that
    table (as SQLite's schema changes do) would fail on them. ``migrate`` drops them
    before it runs and ``repair`` creates them, with the index's contents, after."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _postgresql(cursor)
        elif connection.vendor == "sqlite" and SQLITE_FTS5:
            statements = SQLITE_CREATE if sqlite_triggers else SQLITE_CREATE[:2]
            for statement in statements:
                cursor.execute(statement)


def drop(connection: BaseDatabaseWrapper) -> None:
    statements = {"postgresql": PG_DROP, "sqlite": SQLITE_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_sqlite_triggers(connection: BaseDatabaseWrapper) -> None:
    """Before ``migrate`` on SQLite: a migration that rebuilds ``claims_article`` or
    ``claims_claim`` (most schema changes there do) would fail on the triggers, which
    read those tables while one is briefly gone. ``repair`` puts them back, and the
    index, afterwards."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_DROP:
            if statement.startswith("DROP TRIGGER"):
                cursor.execute(statement)


def repair(connection: BaseDatabaseWrapper) -> bool:
    """Rebuild SQLite's index if a table rebuild took its triggers; True if it did."""
    if connection.vendor != "sqlite" or not SQLITE_FTS5:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'claims_%_fts%'")
        names = {name for (name,) in cursor.fetchall()}
    if "claims_claim_fts" not in names or names >= set(SQLITE_TRIGGERS):
        return False  # not migrated that far yet, or intact
    drop(connection)
    create(connection)
    return True
