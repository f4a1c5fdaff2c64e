"""Every read the dashboard makes, through the :class:`~policyradar.store.base.Store` protocol.

Pages call these functions and never touch a backend directly, so the app works unchanged on
SQLite and Elasticsearch. Results are turned into pandas frames and export files here, next to
the queries that produce them, so what a page shows and what it lets you download agree.
Reads no settings (the app opens the store from the configured URL).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard.state import ViewState
from policyradar.models import EntityLabel, SourceKind
from policyradar.store.base import (
    CoMention,
    EntityEntry,
    MeasureQuery,
    MeasureResult,
    QuoteRow,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
    Store,
    TimelineInterval,
    TimelineQuery,
)

PAGE_SIZE = 10
EXPORT_LIMIT = 1000
OFFICIAL_KINDS = frozenset(k.value for k in SourceKind if k is not SourceKind.PRESS)
# Facet names of the store -> the filter of the view that uses their values.
FACET_FILTERS = {
    "source_kind": "kind",
    "country": "country",
    f"entity:{EntityLabel.GOV_BODY.value}": "body",
    f"entity:{EntityLabel.INTL_BODY.value}": "body",
    f"entity:{EntityLabel.PERSON.value}": "person",
    f"entity:{EntityLabel.AI_MODEL.value}": "model",
    "measure_type": "measure",
    "language": "lang",
}
EXPORT_FIELDS = (
    "id",
    "title",
    "publisher",
    "source_kind",
    "country",
    "language",
    "published",
    "url",
    "snippet",
    "entities",
    "measure_types",
)


def search(store: Store, state: ViewState, *, limit: int = PAGE_SIZE) -> SearchResult:
    """One page of the view's results with facet counts."""
    return store.search(
        SearchQuery(
            text=state.q,
            filters=state.filters(),
            sort=SortOrder(state.sort),
            limit=limit,
            offset=(state.page - 1) * limit,
            facet_size=30,
        )
    )


def facet_options(result: SearchResult, facet: str) -> dict[str, int]:
    """Value -> count of one facet, most frequent first."""
    return {f.value: f.count for f in result.facets.get(facet, [])}


def _export_rows(store: Store, state: ViewState) -> list[dict[str, Any]]:
    result = store.search(
        SearchQuery(
            text=state.q,
            filters=state.filters(),
            sort=SortOrder(state.sort),
            limit=EXPORT_LIMIT,
            facets=False,
        )
    )
    rows = []
    for hit in result.hits:
        row = hit.model_dump(mode="json", include=set(EXPORT_FIELDS))
        row["entities"] = [name for _, name in hit.entities]
        rows.append({key: row.get(key) for key in EXPORT_FIELDS})
    return rows


def results_csv(store: Store, state: ViewState) -> str:
    """The view's results (up to ``EXPORT_LIMIT``) as CSV, lists as ``; ``-joined cells."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for row in _export_rows(store, state):
        writer.writerow(
            {
                k: "; ".join(v) if isinstance(v, list) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return buffer.getvalue()


def results_jsonl(store: Store, state: ViewState) -> str:
    """The view's results (up to ``EXPORT_LIMIT``) as JSON lines."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _export_rows(store, state))


def timeline_frame(
    store: Store, state: ViewState, split_by: str | None, interval: TimelineInterval
) -> pd.DataFrame:
    """Documents per period (and split value) as a frame with ``period``, ``key``, ``count``."""
    buckets = store.timeline(
        TimelineQuery(text=state.q, filters=state.filters(), interval=interval, split_by=split_by)
    )
    frame = pd.DataFrame(
        [{"period": b.period, "key": b.key or "(none)", "count": b.count} for b in buckets],
        columns=["period", "key", "count"],
    )
    if not frame.empty:
        frame["period"] = pd.to_datetime(frame["period"])
    return frame


def browse(
    store: Store, state: ViewState, *, limit: int = 50, oldest_first: bool = False
) -> SearchResult:
    """Documents of the view in date order (the timeline's list)."""
    filters = state.filters()
    if filters.is_empty and not state.q.strip():
        # Browsing needs at least one condition; "everything dated" is the natural one.
        filters = filters.model_copy(update={"date_from": date(1990, 1, 1)})
    return store.search(
        SearchQuery(
            text=state.q,
            filters=filters,
            sort=SortOrder.OLDEST if oldest_first else SortOrder.NEWEST,
            limit=limit,
            facet_size=30,
        )
    )


def is_official(hit: SearchHit) -> bool:
    """Government, G7, international, regulator, central bank or industry, not press."""
    return (hit.source_kind or "") in OFFICIAL_KINDS


def measures(store: Store, query: MeasureQuery) -> MeasureResult:
    """Measures of the view."""
    return store.measures(query)


def measures_frame(result: MeasureResult) -> pd.DataFrame:
    """Measures as a table (date, actor, country, type, status, sentence, source)."""
    return pd.DataFrame(
        [
            {
                "date": row.published,
                "actor": row.actor or "",
                "country": row.country or "",
                "type": row.type,
                "status": row.status,
                "stated date": row.stated_date or "",
                "sentence": row.sentence,
                "publisher": row.publisher or "",
                "title": row.title or "",
                "source": row.url or "",
            }
            for row in result.rows
        ],
        columns=[
            "date",
            "actor",
            "country",
            "type",
            "status",
            "stated date",
            "sentence",
            "publisher",
            "title",
            "source",
        ],
    )


def find_entities(store: Store, text: str, label: str | None = None) -> list[EntityEntry]:
    """Entities by any of their names (canonical or as written)."""
    return store.entities(text, label=label, limit=25)


def actor_quotes(store: Store, name: str) -> list[QuoteRow]:
    """What the actor said, newest first."""
    return store.quotes(speaker=name, limit=50)


def actor_network(store: Store, name: str, label: str) -> tuple[list[CoMention], str]:
    """The entities seen with ``name`` and a Graphviz DOT graph of them."""
    neighbours = store.co_mentions(name, limit=12)
    lines = [
        "graph {",
        "  graph [layout=neato overlap=false];",
        "  node [shape=box style=rounded fontsize=10];",
    ]
    lines.append(
        f'  {_dot_id(name)} [label={_dot_label(name)} style="rounded,filled" fillcolor="#ffe9a8"];'
    )
    for other in neighbours:
        lines.append(
            f"  {_dot_id(other.name)} [label={_dot_label(other.name + ' · ' + other.label)}];"
        )
        lines.append(
            f"  {_dot_id(name)} -- {_dot_id(other.name)} [penwidth={min(1 + other.documents, 6)}];"
        )
    lines.append("}")
    return neighbours, "\n".join(lines)


def _dot_label(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_id(text: str) -> str:
    return _dot_label(text)


@dataclass
class Week:
    """An ISO week: its label (``2026-W21``) and its Monday..Sunday."""

    label: str
    start: date
    end: date


def iso_week(day: date) -> Week:
    """The ISO week containing ``day``."""
    year, week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Week(f"{year}-W{week:02d}", start, start + timedelta(days=6))


def weeks_with_documents(store: Store) -> list[Week]:
    """Weeks that have dated documents, newest first."""
    buckets = store.timeline(
        TimelineQuery(
            filters=SearchFilters(date_from=date(1990, 1, 1)), interval=TimelineInterval.WEEK
        )
    )
    return sorted(
        {iso_week(b.period).label: iso_week(b.period) for b in buckets if b.count}.values(),
        key=lambda w: w.start,
        reverse=True,
    )


@dataclass
class WeekSummary:
    """The week's top items, for the briefing preview."""

    week: Week
    total: int
    official: list[SearchHit]
    press: list[SearchHit]
    measures: MeasureResult
    quotes: list[QuoteRow]
    top_entities: list[tuple[str, int]]


def week_summary(store: Store, week: Week) -> WeekSummary:
    """Documents, measures, quotes and most-mentioned actors of one week."""
    filters = SearchFilters(date_from=week.start, date_to=week.end)
    result = store.search(
        SearchQuery(filters=filters, sort=SortOrder.NEWEST, limit=100, facet_size=10)
    )
    official = [h for h in result.hits if is_official(h)]
    press = [h for h in result.hits if not is_official(h)]
    counted: Counter[str] = Counter()
    for facet in (
        "entity:GOV_BODY",
        "entity:INTL_BODY",
        "entity:PERSON",
        "entity:AI_MODEL",
        "entity:COMPANY",
    ):
        counted.update({f.value: f.count for f in result.facets.get(facet, [])})
    return WeekSummary(
        week=week,
        total=result.total,
        official=official,
        press=press,
        measures=store.measures(MeasureQuery(filters=filters, limit=30)),
        quotes=store.quotes(filters=filters, limit=8),
        top_entities=counted.most_common(8),
    )
