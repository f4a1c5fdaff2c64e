"""Building blocks shared by the pages: the filter panel, result cards, the state in the URL.

Corpus text reaches the screen only through :mod:`dashboard.safety` (escaped Markdown, http(s)
links) or through widgets that show plain text (``st.text``, ``st.dataframe``, ``st.code``).
Reads no settings.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import streamlit as st

from dashboard import data
from dashboard.safety import highlighted, md_escape, md_link, safe_url
from dashboard.state import ViewState
from policyradar.models import MeasureType, SourceKind
from policyradar.store.base import SearchHit, SearchResult, Store

SYNTAX_HINT = (
    'Type words to match all of them, "quoted phrases", OR between alternatives, and -word to '
    'exclude. Example: Mythos OR "frontier model" -sport'
)
FILTER_LABELS = {
    "kind": "Source kind",
    "country": "Country",
    "body": "Body",
    "person": "Person",
    "model": "AI model",
    "measure": "Measure type",
    "lang": "Language",
}


def current_state() -> ViewState:
    """The view state from the page's URL."""
    return ViewState.from_params(st.query_params.to_dict() | _repeated_params())


def _repeated_params() -> dict[str, list[str]]:
    # to_dict() keeps only the last value of a repeated key; filters need them all.
    return {key: st.query_params.get_all(key) for key in st.query_params}


def publish_state(state: ViewState) -> None:
    """Write the view state into the URL (only when it changed, to avoid needless reruns)."""
    wanted = state.to_params()
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    normalised = {k: v if isinstance(v, list) else [v] for k, v in wanted.items()}
    if current != normalised:
        st.query_params.from_dict(wanted)


def _options(result: SearchResult | None, facets: list[str], selected: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if result is not None:
        for facet in facets:
            for value, count in data.facet_options(result, facet).items():
                counts[value] = counts.get(value, 0) + count
    for value in selected:  # a selected value stays offered even when it no longer matches
        counts.setdefault(value, 0)
    return counts


def filter_panel(state: ViewState, result: SearchResult | None, *, key: str) -> ViewState:
    """Sidebar filters with facet counts; returns the state the user asked for."""
    sidebar = st.sidebar
    sidebar.subheader("Filters")
    bounds = sidebar.date_input(
        "Published between",
        value=[state.date_from, state.date_to] if state.date_from and state.date_to else [],
        min_value=date(1990, 1, 1),
        max_value=date(2100, 12, 31),
        key=f"{key}-dates",
        format="YYYY-MM-DD",
    )
    new = ViewState(**state.__dict__)
    if isinstance(bounds, tuple) and len(bounds) == 2:
        new.date_from, new.date_to = bounds[0], bounds[1]
    elif isinstance(bounds, tuple) and not bounds:
        new.date_from = new.date_to = None
    facet_map: dict[str, list[str]] = {}
    for facet, field_name in data.FACET_FILTERS.items():
        facet_map.setdefault(field_name, []).append(facet)
    fixed_choices = {
        "kind": [k.value for k in SourceKind],
        "measure": [m.value for m in MeasureType],
    }
    for field_name, facets in facet_map.items():
        selected: list[str] = list(getattr(state, field_name))
        counts = _options(result, facets, selected)
        choices = list(dict.fromkeys([*counts, *fixed_choices.get(field_name, [])]))
        picked = sidebar.multiselect(
            FILTER_LABELS[field_name],
            options=choices,
            default=[v for v in selected if v in choices],
            format_func=partial(_with_count, counts),
            key=f"{key}-{field_name}",
        )
        setattr(new, field_name, picked)
    if new.filters() != state.filters():
        new.page = 1
    return new


def _with_count(counts: dict[str, int], value: str) -> str:
    return f"{value} ({counts.get(value, 0)})"


def entity_chips(hit: SearchHit, limit: int = 8) -> str:
    """Entities of a hit as escaped inline code chips."""
    names = list(dict.fromkeys(name for _, name in hit.entities))[:limit]
    return " ".join("`" + name.replace("`", "'") + "`" for name in names)


def measure_badges(hit: SearchHit) -> str:
    """Measure types of a hit as badges (types are our own vocabulary, not corpus text)."""
    return " ".join(
        f":blue-badge[{m.replace('_', ' ')}]"
        for m in hit.measure_types
        if m in MeasureType.__members__.values()
    )


def hit_card(store: Store, hit: SearchHit, *, archive: Any = None) -> None:
    """One result: title link, publisher and date, highlighted snippet, chips and badges."""
    with st.container(border=True):
        st.markdown("#### " + md_link(hit.title or hit.url or hit.id, hit.url))
        meta = " · ".join(
            part
            for part in (
                md_escape(hit.publisher),
                hit.published.isoformat() if hit.published else "undated",
                md_escape(hit.source_kind),
                md_escape(hit.country),
            )
            if part
        )
        st.caption(meta)
        if hit.snippet:
            st.markdown(highlighted(hit.snippet, hit.highlights))
        chips = entity_chips(hit)
        badges = measure_badges(hit)
        if chips or badges:
            st.markdown(" ".join(p for p in (badges, chips) if p))
        links = []
        if safe_url(hit.url):
            links.append(md_link("Original page", hit.url))
        if links:
            st.markdown(" · ".join(links))
        if archive is not None:
            archived_copy_button(store, hit, archive)


def archived_copy_button(store: Store, hit: SearchHit, archive: Any) -> None:
    """A download of the page as it was when fetched (the archived raw bytes)."""
    document = store.get(hit.id)
    if document is None or not document.archive_id:
        return
    info = archive.info(document.archive_id)
    if info is None:
        st.caption("Archived copy missing from this machine's archive.")
        return
    content_type = getattr(info, "content_type", None) or "application/octet-stream"
    extension = ".pdf" if "pdf" in content_type else ".html"
    st.download_button(
        "Archived copy",
        data=partial(_archived_bytes, archive, document.archive_id),  # read only when clicked
        on_click="ignore",
        file_name=f"{hit.id}{extension}",
        mime="application/octet-stream",  # download, never render, what the page said
        key=f"archive-{hit.id}",
        help="The page as it was fetched"
        + (f" on {document.fetched_at.date().isoformat()}" if document.fetched_at else ""),
    )


def _archived_bytes(archive: Any, blob_id: str) -> bytes:
    body: bytes | None = archive.get(blob_id)
    return body or b""


def pager(state: ViewState, total: int, page_size: int, *, key: str) -> int:
    """Previous/next buttons; returns the page to show."""
    pages = max(1, -(-total // page_size))
    left, middle, right = st.columns([1, 2, 1])
    page = min(state.page, pages)
    if left.button("Previous", disabled=page <= 1, key=f"{key}-prev"):
        page -= 1
    if right.button("Next", disabled=page >= pages, key=f"{key}-next"):
        page += 1
    middle.caption(f"Page {page} of {pages}")
    return page
