"""The full-text machinery of the search index, per database (run by migration 0003_search).

PostgreSQL: `unaccent` (trusted since PostgreSQL 13: a database owner may create it), a `congvu_vi` configuration
copying `simple` with `unaccent` before it for every token type, and a generated, GIN-indexed tsvector over the
entry's text. SQLite: an FTS5 table of the folded text, kept in step by apps.documents.services.search (FTS5 has no
accent folding for đ, so the text is folded in Python, the same way as the query)."""

import re

FTS_TABLE = "documents_search_fts"

# "/", "<" and ">" made spaces: PostgreSQL's parser reads "05/QĐ-UBND" as a file path "05/Q" and a word "Đ-UBND",
# and skips what looks like an HTML tag (with the words inside, when a "<" is left open).
# Then the filter words (`token` below: the same words as SQLite's), so that the GIN index answers the filters and the
# reader's scope with the words, and a probe counts a search's matches without reading the table.
FILTER_WORDS = " || ' ' || ".join(
    f"'zz{field}' || replace({column}::text, '_', '')"
    for field, column in (("k", "kind"), ("u", "unit_id"), ("y", "coalesce(year::text, '')"), ("t", "doc_type"),
                          ("g", "urgency"), ("s", "status"), ("c", "confidentiality"))
)  # fmt: skip
SEARCHED_TEXT = (
    f"translate(number_symbol || ' ' || issuer || ' ' || summary || ' ' || body, '/<>', '   ') || ' ' || {FILTER_WORDS}"
)

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'congvu_vi') THEN
            CREATE TEXT SEARCH CONFIGURATION congvu_vi (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION congvu_vi ALTER MAPPING FOR
                asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart,
                file, url_path, email, host, url, sfloat, float, int, uint, version
                WITH unaccent, simple;
        END IF;
    END $$""",
    f"""ALTER TABLE documents_searchentry ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('congvu_vi'::regconfig, {SEARCHED_TEXT})) STORED""",
    "CREATE INDEX doc_search_vector ON documents_searchentry USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS doc_search_vector",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS congvu_vi",
]

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]


def _run(schema_editor, statements: dict) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def backward(apps, schema_editor) -> None:
    _run(schema_editor, {"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD})


# The filters and the reader's scope are words of the searched text too (SQLite: in the FTS text; PostgreSQL: in the
# tsvector, FILTER_WORDS above), so that one full-text query yields only rows the reader may see with the filters
# asked: on SQLite read newest first (rowid descending) and stopped at the cap ("nam" matches nearly every row:
# matching first and filtering after would collect a million rowids); on PostgreSQL counted from the index alone.
def token(field: str, value) -> str:
    """One word per field and value, letters and digits only (whatever the caller passes, no FTS syntax)."""
    return f"zz{field}{'' if value is None else re.sub(r'[^0-9A-Za-z]', '', str(value))}"


def filter_tokens(entry) -> str:
    return " ".join([
        token("k", entry.kind), token("u", entry.unit_id), token("y", entry.year), token("t", entry.doc_type),
        token("g", entry.urgency), token("s", entry.status), token("c", entry.confidentiality),
    ])  # fmt: skip
