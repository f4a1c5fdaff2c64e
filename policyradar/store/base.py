"""The Store protocol: the one interface every backend implements and every caller uses.

Callers (CLI, crawlers, tagger, dashboard) depend on this module only, so SQLite and
Elasticsearch can be swapped without changing them. Search requests and results are pydantic
models so they serialise the same way everywhere. Reads no settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from policyradar.models import (
    Annotations,
    Document,
    EntityLabel,
    MeasureStatus,
    MeasureType,
    SourceKind,
)


class StoreError(Exception):
    """A store operation failed; the message is meant for the user."""


class UpsertStatus(StrEnum):
    """What an upsert did."""

    NEW = "new"
    CHANGED = "changed"  # the text differed: a new version was written, the old one kept
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"  # the same text is stored under another URL; this URL was recorded


class UpsertResult(BaseModel):
    """The outcome of writing one document."""

    id: str
    status: UpsertStatus
    version: int


class FetchState(BaseModel):
    """HTTP validators of a fetched URL, saved for the next crawl's conditional request."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200


class SortOrder(StrEnum):
    """How search hits are ordered."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


class SearchFilters(BaseModel):
    """Narrowing conditions. Within a field any value matches; fields combine with AND.

    ``entity_names`` is the exception: every named entity must appear in the document.
    """

    model_config = ConfigDict(extra="forbid")

    date_from: date | None = None
    date_to: date | None = None
    source_kinds: list[SourceKind] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    entity_names: list[str] = Field(default_factory=list)
    entity_labels: list[EntityLabel] = Field(default_factory=list)
    measure_types: list[MeasureType] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when no condition is set."""
        return not any(
            (
                self.date_from,
                self.date_to,
                self.source_kinds,
                self.source_ids,
                self.countries,
                self.languages,
                self.entity_names,
                self.entity_labels,
                self.measure_types,
            )
        )


# Facet names returned by search(); entity facets are "entity:<LABEL>".
FACET_FIELDS = ("source_kind", "country", "language", "entity_label", "measure_type")
ENTITY_FACETS = tuple(f"entity:{label.value}" for label in EntityLabel)


class SearchQuery(BaseModel):
    """One search request."""

    model_config = ConfigDict(extra="forbid")

    text: str = ""
    filters: SearchFilters = Field(default_factory=SearchFilters)
    sort: SortOrder = SortOrder.RELEVANCE
    limit: int = Field(default=10, ge=0)
    offset: int = Field(default=0, ge=0)
    facets: bool = True
    facet_size: int = Field(default=15, ge=1, le=200)


class FacetCount(BaseModel):
    """How many matching documents have one facet value."""

    value: str
    count: int


class SearchHit(BaseModel):
    """One matching document, with a snippet whose matches are marked by offsets."""

    id: str
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    source_id: str | None = None
    source_kind: str | None = None
    country: str | None = None
    language: str | None = None
    published: date | None = None
    snippet: str = ""
    highlights: list[tuple[int, int]] = Field(default_factory=list)
    score: float = 0.0
    entities: list[tuple[str, str]] = Field(default_factory=list)  # (label, name)
    measure_types: list[str] = Field(default_factory=list)


class SearchResult(BaseModel):
    """A page of hits, the total, facet counts, and a message when the query needs guidance."""

    total: int
    hits: list[SearchHit] = Field(default_factory=list)
    facets: dict[str, list[FacetCount]] = Field(default_factory=dict)
    message: str | None = None
    query: str = ""


class TimelineInterval(StrEnum):
    """Bucket width of a timeline."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


TIMELINE_SPLITS = ("source_kind", "country", "language", "measure_type", "entity_label")


class TimelineQuery(BaseModel):
    """Counts of documents over time, optionally split by a facet; text is optional here."""

    model_config = ConfigDict(extra="forbid")

    text: str = ""
    filters: SearchFilters = Field(default_factory=SearchFilters)
    interval: TimelineInterval = TimelineInterval.WEEK
    split_by: str | None = None


class TimelineBucket(BaseModel):
    """Documents published in one period (its first day), for one split value."""

    period: date
    key: str | None = None
    count: int


class StoreStats(BaseModel):
    """Corpus figures for ``policyradar stats`` and the dashboard."""

    documents: int
    versions: int
    tagged: int
    sources: int
    undated: int
    first_published: date | None = None
    last_published: date | None = None
    last_fetched: datetime | None = None
    by_source_kind: dict[str, int] = Field(default_factory=dict)
    by_country: dict[str, int] = Field(default_factory=dict)
    by_language: dict[str, int] = Field(default_factory=dict)
    schema_version: int = 0
    backend: str = ""


class MeasureQuery(BaseModel):
    """Measures stated in the documents that match ``text`` and ``filters``."""

    model_config = ConfigDict(extra="forbid")

    text: str = ""
    filters: SearchFilters = Field(default_factory=SearchFilters)
    actor: str | None = None
    statuses: list[MeasureStatus] = Field(default_factory=list)
    limit: int = Field(default=50, ge=0)
    offset: int = Field(default=0, ge=0)


class MeasureRow(BaseModel):
    """One measure with the document that states it."""

    document_id: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    source_kind: str | None = None
    country: str | None = None
    published: date | None = None
    type: str
    actor: str | None = None
    status: str
    stated_date: str | None = None  # the date the sentence gives, as a PartialDate
    sentence: str


class MeasureResult(BaseModel):
    """A page of measures, their total and counts by type, status and country."""

    total: int
    rows: list[MeasureRow] = Field(default_factory=list)
    by_type: dict[str, int] = Field(default_factory=dict)
    by_status: dict[str, int] = Field(default_factory=dict)
    by_country: dict[str, int] = Field(default_factory=dict)


class QuoteRow(BaseModel):
    """One direct quotation with the document it appears in."""

    document_id: str
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: date | None = None
    speaker: str | None = None
    text: str


class EntityEntry(BaseModel):
    """A canonical entity of the corpus, the forms it was written in, and its document count."""

    name: str
    label: str
    documents: int
    forms: list[str] = Field(default_factory=list)


class CoMention(BaseModel):
    """An entity that appears in the same documents as another, and in how many."""

    name: str
    label: str
    documents: int


@runtime_checkable
class Store(Protocol):
    """What every backend provides. Writes are idempotent; reads never see a half batch."""

    url: str

    def init(self) -> None:
        """Create or migrate the schema (safe to call again)."""

    def close(self) -> None:
        """Release connections."""

    def upsert(self, document: Document, fetch_state: FetchState | None = None) -> UpsertResult:
        """Write one document keyed on its id or canonical URL (and, in the same
        transaction, the validators of the response it came from)."""

    def upsert_many(self, documents: Iterable[Document]) -> list[UpsertResult]:
        """Write documents in one all-or-nothing batch."""

    def get(self, document_id: str) -> Document | None:
        """The latest version of a document."""

    def get_versions(self, document_id: str) -> list[Document]:
        """Every stored version of a document, oldest first (the latest included)."""

    def iter_documents(self, batch_size: int = 500) -> Iterator[Document]:
        """Every document's latest version."""

    def iter_untagged(self, pipeline: str, batch_size: int = 500) -> Iterator[Document]:
        """Documents whose latest version has no annotations from ``pipeline``."""

    def save_annotations(self, annotations: Sequence[Annotations]) -> None:
        """Replace the annotations of each document (one batch)."""

    def get_annotations(self, document_id: str) -> Annotations | None:
        """The annotations of a document's latest version, if tagged."""

    def get_urls(self, document_id: str) -> list[dict[str, Any]]:
        """Every URL a document was seen at, with source id and first/last seen times."""

    def get_fetch_state(self, url: str) -> dict[str, Any] | None:
        """HTTP validators saved for a URL by the last crawl (etag, last_modified)."""

    def save_fetch_state(
        self, url: str, *, etag: str | None, last_modified: str | None, status: int
    ) -> None:
        """Remember HTTP validators for the next crawl's conditional request."""

    def record_crawl_run(
        self,
        source_id: str,
        *,
        started_at: datetime,
        finished_at: datetime | None,
        counts: dict[str, int],
        last_error: str | None = None,
    ) -> None:
        """Save one source's crawl outcome (pages, new, changed, unchanged, skipped, errors)."""

    def crawl_health(self) -> list[dict[str, Any]]:
        """The latest crawl run of every source, with its document count."""

    def count(self) -> int:
        """Number of documents."""

    def stats(self) -> StoreStats:
        """Corpus figures."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Full-text search with filters, facets, sorting and paging."""

    def timeline(self, query: TimelineQuery) -> list[TimelineBucket]:
        """Document counts per period, optionally split by a facet."""

    def measures(self, query: MeasureQuery) -> MeasureResult:
        """Measures in the matching documents, newest document first, with counts."""

    def quotes(
        self, speaker: str | None = None, filters: SearchFilters | None = None, limit: int = 50
    ) -> list[QuoteRow]:
        """Direct quotations, newest first; only ``speaker``'s when given."""

    def entities(
        self, text: str = "", label: str | None = None, limit: int = 20
    ) -> list[EntityEntry]:
        """Entities named or written with ``text`` in them, most documents first."""

    def co_mentions(self, name: str, limit: int = 15) -> list[CoMention]:
        """Entities appearing in the same documents as ``name``, most shared documents first."""
