"""The embedded default store: one SQLite file in WAL mode with an FTS5 index.

Design choices:
- WAL + ``busy_timeout`` so readers (the dashboard) never block on, or get blocked by, a writer;
  every write is one ``BEGIN IMMEDIATE`` transaction under a process-wide lock (single writer).
- Readers use one connection per thread, because Streamlit serves sessions from many threads.
- Search runs the FTS5 match once into a materialised CTE and computes the total and every facet
  from it in a single statement; snippets are computed for the returned page only.
- User text never reaches FTS5 unescaped: it goes through :mod:`policyradar.store.query`.

Settings read: ``sqlite_busy_timeout_ms``, ``search_max_limit`` (passed in by the factory).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from policyradar.models import Annotations, Document, EntityLabel
from policyradar.store import migrations
from policyradar.store.base import (
    ENTITY_FACETS,
    TIMELINE_SPLITS,
    FacetCount,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
    StoreError,
    StoreStats,
    TimelineBucket,
    TimelineInterval,
    TimelineQuery,
    UpsertResult,
    UpsertStatus,
)
from policyradar.store.query import ParsedQuery, parse_query, to_fts5

_DOC_COLUMNS = (
    "id, url, canonical_url, source_id, source_kind, publisher, country, language, title, text, "
    "published, published_source, fetched_at, content_hash, version, warnings"
)
# Private-use characters: cannot occur in tokens we index and never reach the user.
_HL_OPEN, _HL_CLOSE = "\ue000", "\ue001"
EMPTY_QUERY_MESSAGE = (
    'Type some words to search, e.g. Mythos "cyber defence" -sports '
    "(quotes for phrases, OR between alternatives, - to exclude)."
)


class SQLiteStore:
    """SQLite + FTS5 implementation of :class:`policyradar.store.base.Store`."""

    backend = "sqlite"

    def __init__(
        self,
        path: Path | str,
        *,
        url: str | None = None,
        busy_timeout_ms: int = 30_000,
        search_max_limit: int = 200,
    ) -> None:
        self.path = Path(path)
        self.url = url or f"sqlite:///{self.path}"
        self._busy_timeout_ms = busy_timeout_ms
        self._search_max_limit = search_max_limit
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._initialised = False

    # -- connections -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path,
            isolation_level=None,
            timeout=self._busy_timeout_ms / 1000,
            check_same_thread=False,
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable against process crashes in WAL mode (only power loss can lose the
            # last commits), and much faster for bulk imports.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -65536")
            conn.execute("PRAGMA mmap_size = 268435456")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from exc
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        if not self._initialised:
            self.init()
        return conn

    def init(self) -> None:
        """Create the file if needed and migrate the schema to the latest version."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        with self._write_lock:
            try:
                migrations.migrate(conn)
            except (sqlite3.DatabaseError, RuntimeError) as exc:
                raise StoreError(f"cannot prepare the SQLite store at {self.path}: {exc}") from exc
        self._initialised = True

    def close(self) -> None:
        """Close every connection this store opened (all threads)."""
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        with self._write_lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"the store is busy or unwritable ({self.path}): {exc}") from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                conn.execute("ROLLBACK")
                raise StoreError(f"could not commit to {self.path}: {exc}") from exc

    # -- writing documents -------------------------------------------------------------------

    def upsert(self, document: Document) -> UpsertResult:
        """Write one document (see :meth:`upsert_many`)."""
        return self.upsert_many([document])[0]

    def upsert_many(self, documents: Iterable[Document]) -> list[UpsertResult]:
        """Write documents in one transaction: all of them or, on error, none.

        A document matches an existing one by id, then by canonical URL. The same text is a
        no-op; different text stores a new version and keeps the previous one.
        """
        docs = list(documents)
        if not docs:
            return []
        try:
            with self._write() as conn:
                return [self._upsert_one(conn, doc) for doc in docs]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"writing {len(docs)} documents to {self.path} failed: {exc}") from exc

    def _upsert_one(self, conn: sqlite3.Connection, doc: Document) -> UpsertResult:
        row = conn.execute(
            "SELECT pk, id, version, content_hash, canonical_url FROM documents WHERE id = ?",
            (doc.id,),
        ).fetchone()
        if row is None and doc.canonical_url:
            row = conn.execute(
                "SELECT pk, id, version, content_hash, canonical_url FROM documents "
                "WHERE canonical_url = ?",
                (doc.canonical_url,),
            ).fetchone()
        values = _document_values(doc)
        if row is None:
            conn.execute(
                f"INSERT INTO documents ({_DOC_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.id, *values, 1, json.dumps(doc.warnings)),
            )
            return UpsertResult(id=doc.id, status=UpsertStatus.NEW, version=1)
        pk, existing_id, version, existing_hash, existing_canonical = row
        if existing_hash == doc.content_hash:
            return UpsertResult(id=existing_id, status=UpsertStatus.UNCHANGED, version=version)
        conn.execute(
            "INSERT OR IGNORE INTO document_versions (id, version, url, title, text, published, "
            "published_source, fetched_at, content_hash, superseded_at) "
            "SELECT id, version, url, title, text, published, published_source, fetched_at, "
            "content_hash, ? FROM documents WHERE pk = ?",
            (_now(), pk),
        )
        canonical = doc.canonical_url
        if canonical and canonical != existing_canonical:
            taken = conn.execute(
                "SELECT 1 FROM documents WHERE canonical_url = ? AND pk != ?", (canonical, pk)
            ).fetchone()
            if taken:
                canonical = existing_canonical
        conn.execute(
            "UPDATE documents SET url = ?, canonical_url = ?, source_id = ?, source_kind = ?, "
            "publisher = ?, country = ?, language = ?, title = ?, text = ?, published = ?, "
            "published_source = ?, fetched_at = ?, content_hash = ?, version = ?, warnings = ? "
            "WHERE pk = ?",
            (
                values[0],
                canonical,
                *values[2:],
                version + 1,
                json.dumps(doc.warnings),
                pk,
            ),
        )
        # Annotations described the old text; the tagger picks the new version up again.
        conn.execute("DELETE FROM annotations WHERE doc_pk = ?", (pk,))
        conn.execute("DELETE FROM doc_terms WHERE doc_pk = ?", (pk,))
        return UpsertResult(id=existing_id, status=UpsertStatus.CHANGED, version=version + 1)

    # -- reading documents -------------------------------------------------------------------

    def get(self, document_id: str) -> Document | None:
        """The latest version of a document, or None."""
        row = (
            self._conn()
            .execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (document_id,))
            .fetchone()
        )
        return _row_to_document(row) if row else None

    def get_by_url(self, canonical_url: str) -> Document | None:
        """The document stored under a canonical URL, or None."""
        row = (
            self._conn()
            .execute(
                f"SELECT {_DOC_COLUMNS} FROM documents WHERE canonical_url = ?", (canonical_url,)
            )
            .fetchone()
        )
        return _row_to_document(row) if row else None

    def get_versions(self, document_id: str) -> list[Document]:
        """All versions of a document, oldest first, the latest last."""
        current = self.get(document_id)
        if current is None:
            return []
        rows = (
            self._conn()
            .execute(
                "SELECT version, url, title, text, published, published_source, fetched_at, "
                "content_hash FROM document_versions WHERE id = ? ORDER BY version",
                (document_id,),
            )
            .fetchall()
        )
        older = [
            current.model_copy(
                update={
                    "version": r[0],
                    "url": r[1],
                    "title": r[2],
                    "text": r[3],
                    "published": _parse_date(r[4]),
                    "published_source": r[5],
                    "fetched_at": _parse_datetime(r[6]),
                    "content_hash": r[7],
                }
            )
            for r in rows
        ]
        return [*older, current]

    def iter_documents(self, batch_size: int = 500) -> Iterator[Document]:
        """Every document, in insertion order, read in keyset-paged batches."""
        yield from self._iter_where("1 = 1", (), batch_size)

    def iter_untagged(self, pipeline: str, batch_size: int = 500) -> Iterator[Document]:
        """Documents whose latest version lacks annotations from ``pipeline``."""
        yield from self._iter_where(
            "NOT EXISTS (SELECT 1 FROM annotations a WHERE a.doc_pk = d.pk "
            "AND a.pipeline = ? AND a.doc_version = d.version)",
            (pipeline,),
            batch_size,
        )

    def _iter_where(
        self, where: str, params: tuple[Any, ...], batch_size: int
    ) -> Iterator[Document]:
        last_pk = 0
        conn = self._conn()
        while True:
            rows = conn.execute(
                f"SELECT d.pk, {_prefixed('d')} FROM documents d "
                f"WHERE d.pk > ? AND {where} ORDER BY d.pk LIMIT ?",
                (last_pk, *params, batch_size),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_document(row[1:])
            last_pk = rows[-1][0]

    # -- annotations -------------------------------------------------------------------------

    def save_annotations(self, annotations: Sequence[Annotations]) -> None:
        """Replace the annotations of each document; unknown ids fail the whole batch."""
        if not annotations:
            return
        try:
            with self._write() as conn:
                missing = []
                for item in annotations:
                    row = conn.execute(
                        "SELECT pk, version FROM documents WHERE id = ?", (item.id,)
                    ).fetchone()
                    if row is None:
                        missing.append(item.id)
                        continue
                    pk, version = row
                    conn.execute(
                        "INSERT OR REPLACE INTO annotations "
                        "(doc_pk, pipeline, doc_version, relevance, payload) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (pk, item.pipeline, version, item.relevance, item.model_dump_json()),
                    )
                    conn.execute("DELETE FROM doc_terms WHERE doc_pk = ?", (pk,))
                    conn.executemany(
                        "INSERT OR IGNORE INTO doc_terms (field, value, doc_pk) VALUES (?, ?, ?)",
                        [(field, value, pk) for field, value in _terms_of(item)],
                    )
                if missing:
                    raise StoreError(
                        f"annotations name {len(missing)} unknown document id(s): "
                        + ", ".join(missing[:5])
                    )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"saving annotations to {self.path} failed: {exc}") from exc

    def get_annotations(self, document_id: str) -> Annotations | None:
        """The annotations of a document's latest version."""
        row = (
            self._conn()
            .execute(
                "SELECT a.payload FROM annotations a JOIN documents d ON d.pk = a.doc_pk "
                "WHERE d.id = ? AND a.doc_version = d.version",
                (document_id,),
            )
            .fetchone()
        )
        return Annotations.model_validate_json(row[0]) if row else None

    # -- crawl health ------------------------------------------------------------------------

    def record_crawl_run(
        self,
        source_id: str,
        *,
        started_at: datetime,
        finished_at: datetime | None,
        counts: dict[str, int],
        last_error: str | None = None,
    ) -> None:
        """Save one source's crawl outcome for the dashboard's source-health page."""
        keys = ("pages", "new", "changed", "unchanged", "skipped", "errors")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO crawl_runs (source_id, started_at, finished_at, "
                "pages, new, changed, unchanged, skipped, errors, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source_id,
                    started_at.isoformat(),
                    finished_at.isoformat() if finished_at else None,
                    *(int(counts.get(key, 0)) for key in keys),
                    last_error,
                ),
            )

    def crawl_health(self) -> list[dict[str, Any]]:
        """Latest crawl run per source, with its document count."""
        rows = (
            self._conn()
            .execute(
                "SELECT r.source_id, r.started_at, r.finished_at, r.pages, r.new, r.changed, "
                "r.unchanged, r.skipped, r.errors, r.last_error, "
                "(SELECT count(*) FROM documents d WHERE d.source_id = r.source_id) "
                "FROM crawl_runs r JOIN (SELECT source_id, max(run_id) AS run_id FROM crawl_runs "
                "GROUP BY source_id) latest ON latest.run_id = r.run_id ORDER BY r.source_id"
            )
            .fetchall()
        )
        names = [
            *("source_id", "started_at", "finished_at", "pages", "new", "changed"),
            *("unchanged", "skipped", "errors", "last_error", "documents"),
        ]
        return [dict(zip(names, row, strict=True)) for row in rows]

    # -- figures -----------------------------------------------------------------------------

    def count(self) -> int:
        """Number of documents."""
        return int(self._conn().execute("SELECT count(*) FROM documents").fetchone()[0])

    def stats(self) -> StoreStats:
        """Corpus figures in a handful of indexed queries."""
        conn = self._conn()
        documents, undated, first, last, fetched, sources = conn.execute(
            "SELECT count(*), sum(published IS NULL), min(published), max(published), "
            "max(fetched_at), count(DISTINCT source_id) FROM documents"
        ).fetchone()
        versions = conn.execute("SELECT count(*) FROM document_versions").fetchone()[0]
        tagged = conn.execute(
            "SELECT count(*) FROM annotations a JOIN documents d ON d.pk = a.doc_pk "
            "AND a.doc_version = d.version"
        ).fetchone()[0]

        def grouped(column: str) -> dict[str, int]:
            rows = conn.execute(
                f"SELECT coalesce({column}, 'unknown'), count(*) FROM documents "
                "GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
            return {str(value): int(count) for value, count in rows}

        return StoreStats(
            documents=documents,
            versions=documents + versions,
            tagged=tagged,
            sources=sources,
            undated=undated or 0,
            first_published=_parse_date(first),
            last_published=_parse_date(last),
            last_fetched=_parse_datetime(fetched),
            by_source_kind=grouped("source_kind"),
            by_country=grouped("country"),
            by_language=grouped("language"),
            schema_version=migrations.current_version(conn),
            backend=self.backend,
        )

    # -- search ------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """Full-text search; see :class:`SearchQuery` for what can be asked."""
        parsed = parse_query(query.text)
        if parsed.is_empty and query.filters.is_empty:
            guidance = EMPTY_QUERY_MESSAGE
            if parsed.notes:
                guidance = "Nothing searchable in the query (" + "; ".join(parsed.notes) + "). "
                guidance += EMPTY_QUERY_MESSAGE
            return SearchResult(total=0, message=guidance, query=query.text)
        limit = min(query.limit, self._search_max_limit)
        conn = self._conn()
        base_sql, params = _matching_sql(parsed, query.filters)
        try:
            hit_rows = conn.execute(
                f"WITH hits AS MATERIALIZED ({base_sql}) "
                "SELECT hits.pk, hits.score FROM hits "
                f"{_order_by(query.sort, parsed)} LIMIT ? OFFSET ?",
                (*params, limit, query.offset),
            ).fetchall()
            total, facets = self._facets(conn, base_sql, params, query)
        except sqlite3.OperationalError as exc:
            # The parser makes this unreachable for user text; keep the promise of no traceback.
            raise StoreError(f"search failed: {exc}") from exc
        hits = self._hydrate(conn, hit_rows, parsed)
        message: str | None = None
        if total == 0:
            message = (
                "No documents match. Try fewer words, OR between alternatives, or fewer filters."
            )
        return SearchResult(
            total=total, hits=hits, facets=facets, message=message, query=query.text
        )

    def _facets(
        self,
        conn: sqlite3.Connection,
        base_sql: str,
        params: tuple[Any, ...],
        query: SearchQuery,
    ) -> tuple[int, dict[str, list[FacetCount]]]:
        if not query.facets:
            row = conn.execute(f"SELECT count(*) FROM ({base_sql})", params).fetchone()
            return int(row[0]), {}
        rows = conn.execute(
            f"WITH hits AS MATERIALIZED ({base_sql}) "
            "SELECT 'total', NULL, count(*) FROM hits "
            "UNION ALL SELECT 'source_kind', source_kind, count(*) FROM hits GROUP BY 2 "
            "UNION ALL SELECT 'country', country, count(*) FROM hits GROUP BY 2 "
            "UNION ALL SELECT 'language', language, count(*) FROM hits GROUP BY 2 "
            "UNION ALL SELECT t.field, t.value, count(*) FROM hits "
            "JOIN doc_terms t ON t.doc_pk = hits.pk GROUP BY t.field, t.value",
            params,
        ).fetchall()
        total = 0
        grouped: dict[str, list[FacetCount]] = {}
        for field, value, count in rows:
            if field == "total":
                total = int(count)
            elif value is not None:
                grouped.setdefault(field, []).append(FacetCount(value=value, count=int(count)))
        facets: dict[str, list[FacetCount]] = {}
        for field in (
            "source_kind",
            "country",
            "language",
            "entity_label",
            "measure_type",
            *ENTITY_FACETS,
        ):
            values = sorted(grouped.get(field, []), key=lambda f: (-f.count, f.value))
            facets[field] = values[: query.facet_size]
        return total, facets

    def _hydrate(
        self, conn: sqlite3.Connection, hit_rows: list[Any], parsed: ParsedQuery
    ) -> list[SearchHit]:
        if not hit_rows:
            return []
        pks = [row[0] for row in hit_rows]
        marks = ",".join("?" * len(pks))
        docs = {
            row[0]: row
            for row in conn.execute(
                "SELECT pk, id, url, title, publisher, source_id, source_kind, country, language, "
                f"published, substr(text, 1, 400) FROM documents WHERE pk IN ({marks})",
                pks,
            )
        }
        snippets: dict[int, str] = {}
        if not parsed.is_empty:
            snippets = {
                row[0]: row[1]
                for row in conn.execute(
                    "SELECT rowid, snippet(documents_fts, 1, ?, ?, '…', 40) FROM documents_fts "
                    f"WHERE documents_fts MATCH ? AND rowid IN ({marks})",
                    (_HL_OPEN, _HL_CLOSE, to_fts5(_positive_only(parsed)), *pks),
                )
            }
        terms: dict[int, list[tuple[str, str]]] = {}
        for pk, field, value in conn.execute(
            f"SELECT doc_pk, field, value FROM doc_terms WHERE doc_pk IN ({marks}) "
            "AND (field LIKE 'entity:%' OR field = 'measure_type')",
            pks,
        ):
            terms.setdefault(pk, []).append((field, value))
        hits = []
        for pk, score in hit_rows:
            doc = docs[pk]
            raw_snippet = snippets.get(pk) or _lead(doc[10])
            snippet, highlights = _split_highlights(raw_snippet)
            doc_terms = terms.get(pk, [])
            hits.append(
                SearchHit(
                    id=doc[1],
                    url=doc[2],
                    title=doc[3],
                    publisher=doc[4],
                    source_id=doc[5],
                    source_kind=doc[6],
                    country=doc[7],
                    language=doc[8],
                    published=_parse_date(doc[9]),
                    snippet=snippet,
                    highlights=highlights,
                    # bm25 is lower-is-better; flip it so a bigger score means more relevant.
                    score=-float(score) if score is not None else 0.0,
                    entities=[
                        (field.split(":", 1)[1], value)
                        for field, value in doc_terms
                        if field.startswith("entity:")
                    ],
                    measure_types=sorted(v for f, v in doc_terms if f == "measure_type"),
                )
            )
        return hits

    # -- timeline ----------------------------------------------------------------------------

    def timeline(self, query: TimelineQuery) -> list[TimelineBucket]:
        """Counts per day/week/month of dated documents matching the query and filters."""
        if query.split_by is not None and query.split_by not in TIMELINE_SPLITS:
            raise StoreError(
                f"cannot split a timeline by {query.split_by!r}; "
                f"choose one of {', '.join(TIMELINE_SPLITS)}"
            )
        parsed = parse_query(query.text)
        base_sql, params = _matching_sql(parsed, query.filters)
        period = {
            TimelineInterval.DAY: "hits.published",
            TimelineInterval.WEEK: "date(hits.published, '-6 days', 'weekday 1')",
            TimelineInterval.MONTH: "strftime('%Y-%m-01', hits.published)",
        }[query.interval]
        join, key = "", "NULL"
        if query.split_by in ("source_kind", "country", "language"):
            key = f"hits.{query.split_by}"
        elif query.split_by is not None:
            join = "JOIN doc_terms t ON t.doc_pk = hits.pk AND t.field = ?"
            key = "t.value"
        sql = (
            f"WITH hits AS MATERIALIZED ({base_sql}) SELECT {period} AS period, {key} AS key, "
            f"count(DISTINCT hits.pk) FROM hits {join} WHERE hits.published IS NOT NULL "
            "GROUP BY 1, 2 ORDER BY 1, 3 DESC"
        )
        all_params = (*params, query.split_by) if join else params
        return [
            TimelineBucket(period=date.fromisoformat(p), key=k, count=c)
            for p, k, c in self._conn().execute(sql, all_params)
            if p
        ]


# -- SQL building ----------------------------------------------------------------------------


def _matching_sql(parsed: ParsedQuery, filters: SearchFilters) -> tuple[str, tuple[Any, ...]]:
    """SELECT pk, score, published, source_kind, country, language of matching documents."""
    where: list[str] = []
    params: list[Any] = []
    if parsed.is_empty:
        source = "documents d"
        score = "NULL"
    else:
        source = "documents_fts f JOIN documents d ON d.pk = f.rowid"
        score = "bm25(documents_fts, 8.0, 1.0)"
        where.append("documents_fts MATCH ?")
        params.append(to_fts5(parsed))
    if filters.date_from:
        where.append("d.published >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        where.append("d.published <= ?")
        params.append(filters.date_to.isoformat())
    for column, values in (
        ("source_kind", [v.value for v in filters.source_kinds]),
        ("source_id", filters.source_ids),
        ("country", filters.countries),
        ("language", filters.languages),
    ):
        if values:
            where.append(f"d.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    for name in filters.entity_names:
        where.append(
            "d.pk IN (SELECT doc_pk FROM doc_terms WHERE field = 'entity_name' AND value = ?)"
        )
        params.append(name)
    for field, values in (
        ("entity_label", [v.value for v in filters.entity_labels]),
        ("measure_type", [v.value for v in filters.measure_types]),
    ):
        if values:
            where.append(
                f"d.pk IN (SELECT doc_pk FROM doc_terms WHERE field = '{field}' "
                f"AND value IN ({','.join('?' * len(values))}))"
            )
            params.extend(values)
    sql = (
        f"SELECT d.pk AS pk, {score} AS score, d.published AS published, "
        f"d.source_kind AS source_kind, d.country AS country, d.language AS language "
        f"FROM {source}"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql, tuple(params)


def _order_by(sort: SortOrder, parsed: ParsedQuery) -> str:
    if sort is SortOrder.NEWEST or (sort is SortOrder.RELEVANCE and parsed.is_empty):
        return "ORDER BY hits.published IS NULL, hits.published DESC, hits.pk DESC"
    if sort is SortOrder.OLDEST:
        return "ORDER BY hits.published IS NULL, hits.published ASC, hits.pk ASC"
    return "ORDER BY hits.score ASC, hits.pk DESC"


def _positive_only(parsed: ParsedQuery) -> ParsedQuery:
    return ParsedQuery(groups=parsed.groups, raw=parsed.raw)


def _terms_of(item: Annotations) -> set[tuple[str, str]]:
    terms: set[tuple[str, str]] = set()
    for entity in item.entities:
        label = EntityLabel(entity.label).value
        terms.add(("entity_label", label))
        terms.add((f"entity:{label}", entity.name))
        terms.add(("entity_name", entity.name))
    for measure in item.measures:
        terms.add(("measure_type", measure.type.value))
    return terms


def _split_highlights(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Turn a marked-up FTS5 snippet into plain text plus (start, end) highlight offsets."""
    text_parts: list[str] = []
    highlights: list[tuple[int, int]] = []
    position = 0
    start: int | None = None
    for char in raw:
        if char == _HL_OPEN:
            start = position
        elif char == _HL_CLOSE:
            if start is not None:
                highlights.append((start, position))
            start = None
        else:
            text_parts.append(char)
            position += 1
    return "".join(text_parts), highlights


def _lead(text: str | None) -> str:
    lead = " ".join((text or "").split())
    return lead[:240] + ("…" if len(lead) > 240 else "")


def _document_values(doc: Document) -> tuple[Any, ...]:
    return (
        doc.url,
        doc.canonical_url,
        doc.source_id,
        doc.source_kind.value if doc.source_kind else None,
        doc.publisher,
        doc.country,
        doc.language,
        doc.title,
        doc.text,
        doc.published.isoformat() if doc.published else None,
        doc.published_source.value,
        doc.fetched_at.isoformat() if doc.fetched_at else None,
        doc.content_hash,
    )


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in _DOC_COLUMNS.split(","))


def _row_to_document(row: Sequence[Any]) -> Document:
    names = [column.strip() for column in _DOC_COLUMNS.split(",")]
    data = dict(zip(names, row, strict=True))
    data["warnings"] = json.loads(data["warnings"] or "[]")
    return Document.model_validate(data)


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _parse_datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
