"""Search page: the query box, filters with facet counts, results, pagination and downloads."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import data, widgets
from dashboard.context import get_archive, get_store
from policyradar.store.base import SortOrder


def main() -> None:
    store = get_store()
    state = widgets.current_state()
    st.title("Search statements")
    query = st.text_input(
        "Search",
        value=state.q,
        placeholder='e.g. Mythos OR "frontier model" -sport',
        key="search-q",
        max_chars=500,
    )
    st.caption(widgets.SYNTAX_HINT)
    sort = st.radio(
        "Sort by",
        [s.value for s in SortOrder],
        index=[s.value for s in SortOrder].index(state.sort),
        horizontal=True,
        key="search-sort",
    )
    if query != state.q or sort != state.sort:
        state.q, state.sort, state.page = query, sort, 1

    result = data.search(store, state) if not state.is_empty() else None
    wanted = widgets.filter_panel(state, result, key="search")
    if wanted != state:
        widgets.publish_state(wanted)
        st.rerun()
    widgets.publish_state(state)

    if result is None:
        st.info(
            "Type words to search, or pick filters in the sidebar to browse. " + widgets.SYNTAX_HINT
        )
        return
    if result.message and not result.total:
        st.warning(result.message)
        return
    st.markdown(f"**{result.total:,}** documents")
    left, right = st.columns(2)
    left.download_button(
        "Download these results (CSV)",
        data=partial(data.results_csv, store, state),  # built only when clicked
        on_click="ignore",
        file_name="policyradar-results.csv",
        mime="text/csv",
        key="download-csv",
    )
    right.download_button(
        "Download these results (JSONL)",
        data=partial(data.results_jsonl, store, state),
        on_click="ignore",
        file_name="policyradar-results.jsonl",
        mime="application/jsonl",
        key="download-jsonl",
    )
    archive = get_archive()
    for hit in result.hits:
        widgets.hit_card(store, hit, archive=archive)
    page = widgets.pager(state, result.total, data.PAGE_SIZE, key="search")
    if page != state.page:
        state.page = page
        widgets.publish_state(state)
        st.rerun()


main()
