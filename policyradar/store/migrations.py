"""Versioned SQLite schema steps, applied in place on open (``PRAGMA user_version``).

Each step runs in its own transaction together with the version bump, so a crash between steps
leaves a database at a well-defined version that the next open continues from. Never edit a
released step; add a new one. Reads no settings.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

_V1 = """
CREATE TABLE documents (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    canonical_url TEXT UNIQUE,
    source_id TEXT,
    source_kind TEXT,
    publisher TEXT,
    country TEXT,
    language TEXT,
    title TEXT,
    text TEXT NOT NULL,
    published TEXT,
    published_source TEXT NOT NULL DEFAULT 'none',
    fetched_at TEXT,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_kind ON documents(source_kind, published);
CREATE INDEX documents_country ON documents(country, published);
CREATE INDEX documents_language ON documents(language);
CREATE INDEX documents_source ON documents(source_id);
CREATE INDEX documents_hash ON documents(content_hash);

CREATE TABLE document_versions (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    url TEXT,
    title TEXT,
    text TEXT NOT NULL,
    published TEXT,
    published_source TEXT NOT NULL DEFAULT 'none',
    fetched_at TEXT,
    content_hash TEXT NOT NULL,
    superseded_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text,
    content='documents', content_rowid='pk',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
    VALUES ('delete', old.pk, old.title, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text)
    VALUES ('delete', old.pk, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
END;

CREATE TABLE annotations (
    doc_pk INTEGER PRIMARY KEY REFERENCES documents(pk) ON DELETE CASCADE,
    pipeline TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    relevance REAL NOT NULL,
    payload TEXT NOT NULL
);

-- Facetable values derived from annotations: entity names per label, labels, measure types.
CREATE TABLE doc_terms (
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    PRIMARY KEY (field, value, doc_pk)
) WITHOUT ROWID;
CREATE INDEX doc_terms_doc ON doc_terms(doc_pk, field, value);
"""

_V2 = """
ALTER TABLE documents ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';

CREATE TABLE crawl_runs (
    run_id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX crawl_runs_source ON crawl_runs(source_id, started_at);
"""


_V3 = """
-- A counter bumped by every write transaction: readers rebuild in-memory indexes when it moves.
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO store_meta (key, value) VALUES ('generation', 0);

-- Where each version's raw bytes are archived (content-addressed id).
ALTER TABLE documents ADD COLUMN archive_id TEXT;
ALTER TABLE document_versions ADD COLUMN archive_id TEXT;

-- Every URL (and source) a document was seen at: syndicated copies, URL variants.
CREATE TABLE document_urls (
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    url TEXT NOT NULL,
    source_id TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (doc_pk, url)
) WITHOUT ROWID;

-- A small title-only index: ranks broad queries title-first without scanning body positions.
CREATE VIRTUAL TABLE titles_fts USING fts5(
    title, content='documents', content_rowid='pk',
    tokenize='porter unicode61 remove_diacritics 2'
);
INSERT INTO titles_fts(titles_fts) VALUES ('rebuild');
CREATE TRIGGER titles_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO titles_fts(rowid, title) VALUES (new.pk, new.title);
END;
CREATE TRIGGER titles_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO titles_fts(titles_fts, rowid, title) VALUES ('delete', old.pk, old.title);
END;
CREATE TRIGGER titles_fts_update AFTER UPDATE OF title ON documents BEGIN
    INSERT INTO titles_fts(titles_fts, rowid, title) VALUES ('delete', old.pk, old.title);
    INSERT INTO titles_fts(rowid, title) VALUES (new.pk, new.title);
END;

-- HTTP validators per fetched URL, for conditional requests on the next crawl.
CREATE TABLE fetch_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    status INTEGER,
    fetched_at TEXT NOT NULL
) WITHOUT ROWID;
"""


_V4 = """
-- Measures, quotes and entity forms flattened out of the annotation payloads, so the dashboard
-- can list, filter and count them without parsing every document's JSON.
CREATE TABLE measures (
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT,
    status TEXT NOT NULL,
    date TEXT,
    sentence TEXT NOT NULL,
    PRIMARY KEY (doc_pk, seq)
) WITHOUT ROWID;
CREATE INDEX measures_actor ON measures(actor);
CREATE INDEX measures_type ON measures(type);

CREATE TABLE quotes (
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    speaker TEXT,
    text TEXT NOT NULL,
    PRIMARY KEY (doc_pk, seq)
) WITHOUT ROWID;
CREATE INDEX quotes_speaker ON quotes(speaker);

CREATE TABLE entity_forms (
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    form TEXT NOT NULL,
    doc_pk INTEGER NOT NULL REFERENCES documents(pk) ON DELETE CASCADE,
    PRIMARY KEY (name, label, form, doc_pk)
) WITHOUT ROWID;
CREATE INDEX entity_forms_doc ON entity_forms(doc_pk);

INSERT INTO measures (doc_pk, seq, type, actor, status, date, sentence)
SELECT a.doc_pk, m.key, json_extract(m.value, '$.type'), json_extract(m.value, '$.actor'),
       json_extract(m.value, '$.status'), json_extract(m.value, '$.date'),
       json_extract(m.value, '$.text')
FROM annotations a, json_each(a.payload, '$.measures') m;

INSERT INTO quotes (doc_pk, seq, speaker, text)
SELECT a.doc_pk, q.key, json_extract(q.value, '$.speaker'), json_extract(q.value, '$.text')
FROM annotations a, json_each(a.payload, '$.quotes') q;

INSERT OR IGNORE INTO entity_forms (name, label, form, doc_pk)
SELECT json_extract(e.value, '$.name'), json_extract(e.value, '$.label'),
       json_extract(mn.value, '$.text'), a.doc_pk
FROM annotations a, json_each(a.payload, '$.entities') e, json_each(e.value, '$.mentions') mn;
"""


def _run_script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def step(conn: sqlite3.Connection) -> None:
        for statement in _split_statements(sql):
            conn.execute(statement)

    return step


def _split_statements(sql: str) -> list[str]:
    """Split a script into statements (executescript would commit our open transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


STEPS: list[Callable[[sqlite3.Connection], None]] = [
    _run_script(_V1),
    _run_script(_V2),
    _run_script(_V3),
    _run_script(_V4),
]
LATEST_VERSION = len(STEPS)


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database file."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Apply the missing steps up to ``target``; returns the version reached.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    version = current_version(conn)
    if version > LATEST_VERSION:
        raise RuntimeError(
            f"the database has schema version {version}, newer than this PolicyRadar "
            f"({LATEST_VERSION}); upgrade PolicyRadar"
        )
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = current_version(conn)
            if version >= target:
                conn.execute("ROLLBACK")
                break
            STEPS[version](conn)
            version += 1
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version
