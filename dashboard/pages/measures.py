"""Measures page: every policy measure found, filterable and sortable, with counts and a CSV."""

from __future__ import annotations

import streamlit as st

from dashboard import data, widgets
from dashboard.context import get_store
from policyradar.models import MeasureStatus
from policyradar.store.base import MeasureQuery


def main() -> None:
    store = get_store()
    state = widgets.current_state()
    st.title("Policy measures")
    query = st.text_input(
        "Words in the documents (optional)", value=state.q, key="measures-q", max_chars=500
    )
    st.caption(widgets.SYNTAX_HINT)
    state.q = query
    statuses = st.multiselect("Status", [s.value for s in MeasureStatus], key="measures-status")
    facets = data.browse(store, state, limit=0)
    wanted = widgets.filter_panel(state, facets, key="measures")
    if wanted.filters() != state.filters():
        widgets.publish_state(wanted)
        st.rerun()
    widgets.publish_state(state)

    filters = state.filters()
    result = data.measures(
        store,
        MeasureQuery(
            text=state.q, filters=filters, statuses=[MeasureStatus(s) for s in statuses], limit=500
        ),
    )
    if not result.total:
        st.info(
            "No measures match. Remove a filter, or run `policyradar tag` "
            "if documents are untagged."
        )
        return
    st.markdown(f"**{result.total:,}** measures")
    by_type, by_country = st.columns(2)
    by_type.dataframe(
        {"type": list(result.by_type), "measures": list(result.by_type.values())},
        hide_index=True,
        width="stretch",
    )
    by_country.dataframe(
        {"country": list(result.by_country), "measures": list(result.by_country.values())},
        hide_index=True,
        width="stretch",
    )
    frame = data.measures_frame(result)
    frame["source"] = [url if data_safe(url) else "" for url in frame["source"]]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={"source": st.column_config.LinkColumn("source", display_text="open")},
    )
    st.download_button(
        "Download measures (CSV)",
        data=frame.to_csv(index=False),
        file_name="policyradar-measures.csv",
        mime="text/csv",
        key="measures-csv",
    )


def data_safe(url: str) -> bool:
    from dashboard.safety import safe_url

    return safe_url(url) is not None


main()
