"""What a dashboard view shows, kept in the URL so an analyst can share a link to it.

A :class:`ViewState` is read from and written to ``st.query_params`` (plain strings and
repeated keys), and turned into the store's :class:`~policyradar.store.base.SearchFilters`.
Values from the URL are untrusted: anything unparseable is dropped, never an error.
Reads no settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from policyradar.models import MeasureType, SourceKind
from policyradar.store.base import SearchFilters, SortOrder

LIST_KEYS = ("kind", "country", "body", "person", "model", "measure", "lang")
MAX_LIST_VALUES = 20  # a crafted URL cannot make a filter arbitrarily large
MAX_TEXT = 500


@dataclass
class ViewState:
    """Query text, filters, sort and page of a view."""

    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    kind: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    person: list[str] = field(default_factory=list)
    model: list[str] = field(default_factory=list)
    measure: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    sort: str = SortOrder.RELEVANCE.value
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ViewState:
        """Parse ``st.query_params`` (or any mapping of strings / lists of strings)."""
        state = cls()
        state.q = _first(params.get("q"))[:MAX_TEXT]
        state.date_from = _date(_first(params.get("from")))
        state.date_to = _date(_first(params.get("to")))
        for key in LIST_KEYS:
            values = [v[:200] for v in _all(params.get(key)) if v][:MAX_LIST_VALUES]
            setattr(state, key, values)
        state.kind = [k for k in state.kind if k in SourceKind.__members__.values()]
        state.measure = [m for m in state.measure if m in MeasureType.__members__.values()]
        sort = _first(params.get("sort"))
        state.sort = sort if sort in {s.value for s in SortOrder} else SortOrder.RELEVANCE.value
        page = _first(params.get("page"))
        state.page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
        return state

    def to_params(self) -> dict[str, str | list[str]]:
        """The non-default parts, for ``st.query_params.from_dict``."""
        out: dict[str, str | list[str]] = {}
        if self.q:
            out["q"] = self.q
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        for key in LIST_KEYS:
            values = getattr(self, key)
            if values:
                out[key] = list(values)
        if self.sort != SortOrder.RELEVANCE.value:
            out["sort"] = self.sort
        if self.page > 1:
            out["page"] = str(self.page)
        return out

    def filters(self) -> SearchFilters:
        """The store filters this view asks for."""
        return SearchFilters(
            date_from=self.date_from,
            date_to=self.date_to,
            source_kinds=[SourceKind(k) for k in self.kind],
            countries=list(self.country),
            languages=list(self.lang),
            entity_names=[*self.body, *self.person, *self.model],
            measure_types=[MeasureType(m) for m in self.measure],
        )

    def is_empty(self) -> bool:
        """No words and no filters."""
        return not self.q.strip() and self.filters().is_empty


def state_keys() -> list[str]:
    """Every field name of :class:`ViewState`."""
    return [f.name for f in fields(ViewState)]


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip() if value is not None else ""


def _all(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value]
    return [str(value).strip()]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
