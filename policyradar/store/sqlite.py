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

import numpy as np

from policyradar.models import Annotations, Document, EntityLabel
from policyradar.store import migrations
from policyradar.store.base import (
    TIMELINE_SPLITS,
    CoMention,
    EntityEntry,
    FetchState,
    MeasureQuery,
    MeasureResult,
    MeasureRow,
    QuoteRow,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
    StoreError,
    StoreStats,
    TimelineBucket,
    TimelineQuery,
    UpsertResult,
    UpsertStatus,
)
from policyradar.store.facet_index import BoolArray, FacetIndex, IntArray, timeline_buckets
from policyradar.store.query import ParsedQuery, parse_query, to_fts5

_DOC_COLUMNS = (
    "id, url, canonical_url, source_id, source_kind, publisher, country, language, title, text, "
    "published, published_source, fetched_at, content_hash, version, warnings, archive_id"
)
# A text this short is too generic to merge two URLs on (e.g. "Page not found").
_MIN_DEDUP_CHARS = 200
# Private-use characters: cannot occur in tokens we index and never reach the user.
_HL_OPEN, _HL_CLOSE = "\ue000", "\ue001"
# Above this many FTS matches, rank title matches first (see SQLiteStore.search).
RANK_ALL_LIMIT = 8000
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
        self._index: FacetIndex | None = None
        self._index_lock = threading.Lock()

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
                conn.execute("UPDATE store_meta SET value = value + 1 WHERE key = 'generation'")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                conn.execute("ROLLBACK")
                raise StoreError(f"could not commit to {self.path}: {exc}") from exc

    # -- writing documents -------------------------------------------------------------------

    def upsert(self, document: Document, fetch_state: FetchState | None = None) -> UpsertResult:
        """Write one document (see :meth:`upsert_many`) and its response's validators."""
        try:
            with self._write() as conn:
                result = self._upsert_one(conn, document)
                if fetch_state is not None:
                    self._put_fetch_state(conn, fetch_state)
                return result
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"writing a document to {self.path} failed: {exc}") from exc

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
        columns = "pk, id, version, content_hash, canonical_url"
        row = conn.execute(f"SELECT {columns} FROM documents WHERE id = ?", (doc.id,)).fetchone()
        if row is None and doc.canonical_url:
            row = conn.execute(
                f"SELECT {columns} FROM documents WHERE canonical_url = ?", (doc.canonical_url,)
            ).fetchone()
            if row is None and len(doc.text) >= _MIN_DEDUP_CHARS:
                # Exact duplicate under another URL (syndication, URL variants): one document.
                duplicate = conn.execute(
                    f"SELECT {columns} FROM documents WHERE content_hash = ? "
                    "AND canonical_url IS NOT NULL ORDER BY pk LIMIT 1",
                    (doc.content_hash,),
                ).fetchone()
                if duplicate is not None:
                    self._seen_at(conn, duplicate[0], doc)
                    return UpsertResult(
                        id=duplicate[1], status=UpsertStatus.DUPLICATE, version=duplicate[2]
                    )
        values = _document_values(doc)
        if row is None:
            cursor = conn.execute(
                f"INSERT INTO documents ({_DOC_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc.id, *values, 1, json.dumps(doc.warnings), doc.archive_id),
            )
            self._seen_at(conn, int(cursor.lastrowid or 0), doc)
            return UpsertResult(id=doc.id, status=UpsertStatus.NEW, version=1)
        pk, existing_id, version, existing_hash, existing_canonical = row
        self._seen_at(conn, pk, doc)
        if existing_hash == doc.content_hash:
            return UpsertResult(id=existing_id, status=UpsertStatus.UNCHANGED, version=version)
        conn.execute(
            "INSERT OR IGNORE INTO document_versions (id, version, url, title, text, published, "
            "published_source, fetched_at, content_hash, archive_id, superseded_at) "
            "SELECT id, version, url, title, text, published, published_source, fetched_at, "
            "content_hash, archive_id, ? FROM documents WHERE pk = ?",
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
            "published_source = ?, fetched_at = ?, content_hash = ?, version = ?, warnings = ?, "
            "archive_id = ? WHERE pk = ?",
            (
                values[0],
                canonical,
                *values[2:],
                version + 1,
                json.dumps(doc.warnings),
                doc.archive_id,
                pk,
            ),
        )
        # Annotations described the old text; the tagger picks the new version up again.
        conn.execute("DELETE FROM annotations WHERE doc_pk = ?", (pk,))
        conn.execute("DELETE FROM doc_terms WHERE doc_pk = ?", (pk,))
        return UpsertResult(id=existing_id, status=UpsertStatus.CHANGED, version=version + 1)

    @staticmethod
    def _seen_at(conn: sqlite3.Connection, pk: int, doc: Document) -> None:
        if not doc.url:
            return
        now = _now()
        conn.execute(
            "INSERT INTO document_urls (doc_pk, url, source_id, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (doc_pk, url) DO UPDATE SET last_seen = ?",
            (pk, doc.url, doc.source_id, now, now, now),
        )

    def get_urls(self, document_id: str) -> list[dict[str, Any]]:
        """Every URL a document was seen at (syndicated copies, variants), first seen first."""
        rows = (
            self._conn()
            .execute(
                "SELECT u.url, u.source_id, u.first_seen, u.last_seen FROM document_urls u "
                "JOIN documents d ON d.pk = u.doc_pk WHERE d.id = ? ORDER BY u.first_seen, u.url",
                (document_id,),
            )
            .fetchall()
        )
        return [
            {"url": url, "source_id": source, "first_seen": first, "last_seen": last}
            for url, source, first, last in rows
        ]

    # -- conditional requests ----------------------------------------------------------------

    def get_fetch_state(self, url: str) -> dict[str, Any] | None:
        """The validators (ETag, Last-Modified) saved for ``url`` by the last crawl."""
        row = (
            self._conn()
            .execute(
                "SELECT etag, last_modified, status, fetched_at FROM fetch_state WHERE url = ?",
                (url,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return {"etag": row[0], "last_modified": row[1], "status": row[2], "fetched_at": row[3]}

    def save_fetch_state(
        self, url: str, *, etag: str | None, last_modified: str | None, status: int
    ) -> None:
        """Remember a fetched URL's validators for the next crawl's conditional request."""
        with self._write() as conn:
            self._put_fetch_state(
                conn, FetchState(url=url, etag=etag, last_modified=last_modified, status=status)
            )

    @staticmethod
    def _put_fetch_state(conn: sqlite3.Connection, state: FetchState) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO fetch_state (url, etag, last_modified, status, fetched_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (state.url, state.etag, state.last_modified, state.status, _now()),
        )

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
                "content_hash, archive_id FROM document_versions WHERE id = ? ORDER BY version",
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
                    "archive_id": r[8],
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
                    _save_flat_annotations(conn, pk, item)
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

    def _facet_index(self, conn: sqlite3.Connection) -> FacetIndex:
        """The columnar index for the snapshot ``conn`` is reading (call inside a transaction)."""
        generation = int(
            conn.execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()[0]
        )
        with self._index_lock:
            if self._index is None or self._index.generation != generation:
                self._index = FacetIndex(conn, generation)
            return self._index

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """One consistent read transaction (WAL readers never block the writer)."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def _matches(
        self, conn: sqlite3.Connection, index: FacetIndex, parsed: ParsedQuery
    ) -> IntArray:
        """Primary keys of every match (every document when the text query is empty).

        ``group_concat`` hands all rowids over in one value: 90,000 matches take ~7 ms where
        stepping a cursor row by row takes ~25 ms.
        """
        if parsed.is_empty:
            return np.flatnonzero(index.exists).astype(np.int32)
        joined = conn.execute(
            "SELECT group_concat(rowid) FROM documents_fts WHERE documents_fts MATCH ?",
            (to_fts5(parsed),),
        ).fetchone()[0]
        if not joined:
            return _EMPTY
        rowids = np.array(joined.split(","), dtype=np.int32)
        return rowids[rowids < index.size]

    def search(self, query: SearchQuery) -> SearchResult:
        """Full-text search; see :class:`SearchQuery` for what can be asked.

        Matching runs in FTS5; filters and facet counts on the columnar index. Ranking is bm25
        with titles weighted 8x. FTS5 must score every match to rank, which costs ~100 ms for
        a word most of a topical corpus contains ("AI", "cyber"); so when a query matches more
        than ``RANK_ALL_LIMIT`` documents, the matches whose title contains every query word
        come first (ranked by bm25 over titles), then the rest, newest first. Totals and facets
        are always exact.
        """
        parsed = parse_query(query.text)
        if parsed.is_empty and query.filters.is_empty:
            guidance = EMPTY_QUERY_MESSAGE
            if parsed.notes:
                guidance = "Nothing searchable in the query (" + "; ".join(parsed.notes) + "). "
                guidance += EMPTY_QUERY_MESSAGE
            return SearchResult(total=0, message=guidance, query=query.text)
        limit = min(query.limit, self._search_max_limit)
        try:
            with self._snapshot() as conn:
                index = self._facet_index(conn)
                mask = index.mask(query.filters)
                candidates = self._matches(conn, index, parsed)
                matched = candidates[mask[candidates]]
                facets = index.facets(matched, query.facet_size) if query.facets else {}
                window = slice(query.offset, query.offset + limit)
                page: list[tuple[int, float]] = []
                if limit and matched.size:
                    if query.sort is not SortOrder.RELEVANCE or parsed.is_empty:
                        page = _by_date(index, matched, query.sort)[window]
                    elif candidates.size <= RANK_ALL_LIMIT:
                        page = self._rank_all(conn, parsed, mask)[window]
                    else:
                        needed = query.offset + limit
                        page = self._rank_broad(conn, index, parsed, matched, needed)[window]
                hits = self._hydrate(conn, page, parsed)
        except sqlite3.OperationalError as exc:
            # The parser makes this unreachable for user text; keep the promise of no traceback.
            raise StoreError(f"search failed: {exc}") from exc
        message: str | None = None
        if matched.size == 0:
            message = (
                "No documents match. Try fewer words, OR between alternatives, or fewer filters."
            )
        return SearchResult(
            total=int(matched.size), hits=hits, facets=facets, message=message, query=query.text
        )

    @staticmethod
    def _rank_all(
        conn: sqlite3.Connection, parsed: ParsedQuery, mask: BoolArray
    ) -> list[tuple[int, float]]:
        rows = conn.execute(
            "SELECT rowid, bm25(documents_fts, 8.0, 1.0) FROM documents_fts "
            "WHERE documents_fts MATCH ?",
            (to_fts5(parsed),),
        ).fetchall()
        size = mask.shape[0]
        return _sorted_scores([row for row in rows if row[0] < size and mask[row[0]]])

    @staticmethod
    def _rank_broad(
        conn: sqlite3.Connection,
        index: FacetIndex,
        parsed: ParsedQuery,
        matched: IntArray,
        needed: int,
    ) -> list[tuple[int, float]]:
        rows = conn.execute(
            "SELECT rowid, bm25(titles_fts) FROM titles_fts WHERE titles_fts MATCH ?",
            (to_fts5(ParsedQuery(groups=parsed.groups)),),
        ).fetchall()
        title_pks = np.asarray([pk for pk, _ in rows], dtype=np.int32)
        in_title = set(title_pks[np.isin(title_pks, matched)].tolist())
        first = _sorted_scores([row for row in rows if row[0] in in_title])
        if len(first) >= needed:
            return first
        rest = matched[~np.isin(matched, title_pks)]
        return [*first, *_by_date(index, rest, SortOrder.NEWEST)]

    def _hydrate(
        self, conn: sqlite3.Connection, page: list[tuple[int, float]], parsed: ParsedQuery
    ) -> list[SearchHit]:
        if not page:
            return []
        pks = [pk for pk, _ in page]
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
            positive = to_fts5(ParsedQuery(groups=parsed.groups))
            for pk in pks:
                row = conn.execute(
                    "SELECT snippet(documents_fts, 1, ?, ?, '…', 40) FROM documents_fts "
                    "WHERE documents_fts MATCH ? AND rowid = ?",
                    (_HL_OPEN, _HL_CLOSE, positive, pk),
                ).fetchone()
                if row and row[0]:
                    snippets[pk] = row[0]
        terms: dict[int, list[tuple[str, str]]] = {}
        for pk, field, value in conn.execute(
            f"SELECT doc_pk, field, value FROM doc_terms WHERE doc_pk IN ({marks}) "
            "AND (field LIKE 'entity:%' OR field = 'measure_type')",
            pks,
        ):
            terms.setdefault(pk, []).append((field, value))
        hits = []
        for pk, score in page:
            doc = docs[pk]
            snippet, highlights = _split_highlights(snippets.get(pk) or _lead(doc[10]))
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
                    score=-float(score),
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
        with self._snapshot() as conn:
            index = self._facet_index(conn)
            candidates = self._matches(conn, index, parsed)
            matched = candidates[index.mask(query.filters)[candidates]]
        return timeline_buckets(index, matched, query.interval, query.split_by)

    def _matched_pks(self, conn: sqlite3.Connection, text: str, filters: SearchFilters) -> str:
        """The matching documents' primary keys as a JSON array, for ``json_each`` joins."""
        index = self._facet_index(conn)
        candidates = self._matches(conn, index, parse_query(text))
        matched = candidates[index.mask(filters)[candidates]]
        return json.dumps(matched.tolist())

    def measures(self, query: MeasureQuery) -> MeasureResult:
        """Measures in the matching documents, newest document first, with counts."""
        where = ["m.doc_pk IN (SELECT value FROM json_each(?))"]
        params: list[Any] = []
        if query.filters.measure_types:
            where.append(f"m.type IN ({','.join('?' * len(query.filters.measure_types))})")
            params += [t.value for t in query.filters.measure_types]
        if query.statuses:
            where.append(f"m.status IN ({','.join('?' * len(query.statuses))})")
            params += [s.value for s in query.statuses]
        if query.actor:
            where.append("m.actor = ?")
            params.append(query.actor)
        clause = " AND ".join(where)
        base = f"FROM measures m JOIN documents d ON d.pk = m.doc_pk WHERE {clause}"
        with self._snapshot() as conn:
            pks = self._matched_pks(conn, query.text, query.filters)
            args = [pks, *params]

            def counts(column: str) -> dict[str, int]:
                rows = conn.execute(
                    f"SELECT {column}, count(*) {base} GROUP BY 1 ORDER BY 2 DESC", args
                ).fetchall()
                return {str(value): int(n) for value, n in rows if value is not None}

            by_type = counts("m.type")
            rows = conn.execute(
                "SELECT d.id, d.title, d.url, d.publisher, d.source_kind, d.country, d.published, "
                f"m.type, m.actor, m.status, m.date, m.sentence {base} "
                "ORDER BY d.published IS NULL, d.published DESC, d.pk DESC, m.seq LIMIT ? OFFSET ?",
                [*args, min(query.limit, self._search_max_limit), query.offset],
            ).fetchall()
            return MeasureResult(
                total=sum(by_type.values()),
                rows=[
                    MeasureRow(
                        document_id=r[0],
                        title=r[1],
                        url=r[2],
                        publisher=r[3],
                        source_kind=r[4],
                        country=r[5],
                        published=date.fromisoformat(r[6][:10]) if r[6] else None,
                        type=r[7],
                        actor=r[8],
                        status=r[9],
                        stated_date=r[10],
                        sentence=r[11],
                    )
                    for r in rows
                ],
                by_type=by_type,
                by_status=counts("m.status"),
                by_country=counts("d.country"),
            )

    def quotes(
        self, speaker: str | None = None, filters: SearchFilters | None = None, limit: int = 50
    ) -> list[QuoteRow]:
        """Direct quotations, newest first; only ``speaker``'s when given."""
        sql = (
            "SELECT d.id, d.title, d.url, d.publisher, d.published, q.speaker, q.text "
            "FROM quotes q JOIN documents d ON d.pk = q.doc_pk "
            "WHERE q.doc_pk IN (SELECT value FROM json_each(?))"
        )
        params: list[Any] = []
        if speaker:
            sql += " AND q.speaker = ?"
            params.append(speaker)
        sql += " ORDER BY d.published IS NULL, d.published DESC, d.pk DESC, q.seq LIMIT ?"
        with self._snapshot() as conn:
            pks = self._matched_pks(conn, "", filters or SearchFilters())
            rows = conn.execute(sql, [pks, *params, min(limit, self._search_max_limit)])
            return [
                QuoteRow(
                    document_id=r[0],
                    title=r[1],
                    url=r[2],
                    publisher=r[3],
                    published=date.fromisoformat(r[4][:10]) if r[4] else None,
                    speaker=r[5],
                    text=r[6],
                )
                for r in rows.fetchall()
            ]

    def entities(
        self, text: str = "", label: str | None = None, limit: int = 20
    ) -> list[EntityEntry]:
        """Entities named or written with ``text`` in them, most documents first."""
        # LIKE with escaping: what an analyst types is a substring, never a pattern.
        escaped = text.strip().replace("!", "!!").replace("%", "!%").replace("_", "!_")
        needle = f"%{escaped}%"
        sql = (
            "SELECT name, label, count(DISTINCT doc_pk), group_concat(DISTINCT form) "
            "FROM entity_forms WHERE (name, label) IN ("
            "  SELECT name, label FROM entity_forms WHERE form LIKE ? ESCAPE '!' "
            "  OR name LIKE ? ESCAPE '!')"
        )
        params: list[Any] = [needle, needle]
        if label:
            sql += " AND label = ?"
            params.append(label)
        sql += " GROUP BY name, label ORDER BY 3 DESC, name LIMIT ?"
        params.append(limit)
        rows = self._conn().execute(sql, params).fetchall()
        return [
            EntityEntry(
                name=r[0],
                label=r[1],
                documents=int(r[2]),
                forms=sorted(set((r[3] or "").split(",")) - {r[0], ""}),
            )
            for r in rows
        ]

    def co_mentions(self, name: str, limit: int = 15) -> list[CoMention]:
        """Entities appearing in the same documents as ``name``, most shared documents first."""
        rows = (
            self._conn()
            .execute(
                "SELECT t.value, substr(t.field, 8), count(*) FROM doc_terms t "
                "WHERE t.field LIKE 'entity:%' AND t.value != ? AND t.doc_pk IN ("
                "  SELECT doc_pk FROM doc_terms WHERE field = 'entity_name' AND value = ?) "
                "GROUP BY t.value, t.field ORDER BY 3 DESC, 1 LIMIT ?",
                (name, name, limit),
            )
            .fetchall()
        )
        return [CoMention(name=r[0], label=r[1], documents=int(r[2])) for r in rows]


_EMPTY: IntArray = np.zeros(0, dtype=np.int32)


def _sorted_scores(rows: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """bm25 is lower-is-better; ties go to the newer document."""
    return sorted(rows, key=lambda row: (row[1], -row[0]))


def _by_date(index: FacetIndex, matched: IntArray, sort: SortOrder) -> list[tuple[int, float]]:
    published = index.published[matched].astype(np.int64)
    undated = published == np.iinfo(np.int32).min
    if sort is SortOrder.OLDEST:
        order = np.lexsort((matched, published, undated))
    else:
        order = np.lexsort((-matched.astype(np.int64), -published, undated))
    return [(int(pk), 0.0) for pk in matched[order]]


def _save_flat_annotations(conn: sqlite3.Connection, pk: int, item: Annotations) -> None:
    """Replace the document's rows in the flat measures, quotes and entity_forms tables."""
    for table in ("measures", "quotes", "entity_forms"):
        conn.execute(f"DELETE FROM {table} WHERE doc_pk = ?", (pk,))
    conn.executemany(
        "INSERT INTO measures (doc_pk, seq, type, actor, status, date, sentence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (pk, seq, m.type.value, m.actor, m.status.value, m.date, m.text)
            for seq, m in enumerate(item.measures)
        ],
    )
    conn.executemany(
        "INSERT INTO quotes (doc_pk, seq, speaker, text) VALUES (?, ?, ?, ?)",
        [(pk, seq, q.speaker, q.text) for seq, q in enumerate(item.quotes)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO entity_forms (name, label, form, doc_pk) VALUES (?, ?, ?, ?)",
        [
            (e.name, EntityLabel(e.label).value, form, pk)
            for e in item.entities
            for form in {e.name, *(m.text for m in e.mentions)}
        ],
    )


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
