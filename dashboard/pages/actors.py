"""Actors page: a person or body: mentions over time, quotes, measures, company, documents."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data
from dashboard.context import get_store
from dashboard.safety import md_escape, md_link
from dashboard.state import ViewState
from policyradar.store.base import (
    MeasureQuery,
    SearchFilters,
    SearchQuery,
    SortOrder,
    TimelineInterval,
)

LABELS = ["PERSON", "GOV_BODY", "INTL_BODY", "COMPANY", "AI_MODEL", "COUNTRY"]


def main() -> None:
    store = get_store()
    st.title("Actors")
    chosen = st.query_params.get("actor", "")
    text = st.text_input(
        "Find a person or body (any name, abbreviation or alias)",
        value=chosen,
        key="actor-search",
        max_chars=200,
    )
    label = st.selectbox("Kind", ["any", *LABELS], key="actor-label")
    matches = data.find_entities(store, text, None if label == "any" else label)
    if not matches:
        st.info("No person or body by that name in the corpus. Try a shorter part of the name.")
        return
    names = [m.name for m in matches]
    index = names.index(chosen) if chosen in names else 0
    picked = st.selectbox(
        "Actor",
        range(len(matches)),
        index=index,
        format_func=lambda i: (
            f"{matches[i].name} · {matches[i].label} · {matches[i].documents} documents"
        ),
        key="actor-pick",
    )
    entity = matches[picked]
    if st.query_params.get("actor") != entity.name:
        st.query_params["actor"] = entity.name
    if entity.forms:
        st.caption("Also written as: " + ", ".join(md_escape(f) for f in entity.forms[:12]))

    state = ViewState(body=[entity.name])
    frame = data.timeline_frame(store, state, None, TimelineInterval.WEEK)
    st.subheader("Mentions over time")
    if frame.empty:
        st.caption("No dated documents mention this actor.")
    else:
        st.altair_chart(
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("period:T", title="Week"),
                y=alt.Y("count:Q", title="Documents"),
                tooltip=["period:T", "count:Q"],
            )
            .properties(height=200),
            width="stretch",
        )

    quotes_col, measures_col = st.columns(2)
    with quotes_col:
        st.subheader("Quotes")
        quotes = data.actor_quotes(store, entity.name)
        if not quotes:
            st.caption("No direct quotes attributed.")
        for quote in quotes[:10]:
            st.markdown("> " + md_escape(quote.text))
            when = quote.published.isoformat() if quote.published else "undated"
            st.caption(f"{when} · " + md_link(quote.title or "source", quote.url))
    with measures_col:
        st.subheader("Measures taken")
        measures = data.measures(store, MeasureQuery(actor=entity.name, limit=50))
        if not measures.rows:
            st.caption("No measures with this actor.")
        else:
            st.dataframe(
                data.measures_frame(measures)[["date", "type", "status", "sentence"]],
                hide_index=True,
                width="stretch",
            )

    st.subheader("Appears with")
    neighbours, dot = data.actor_network(store, entity.name, entity.label)
    if neighbours:
        st.graphviz_chart(dot, width="stretch")
    else:
        st.caption("No other actors in the same documents.")

    st.subheader("Documents")
    result = store.search(
        SearchQuery(
            filters=SearchFilters(entity_names=[entity.name]),
            sort=SortOrder.NEWEST,
            limit=20,
            facets=False,
        )
    )
    for hit in result.hits:
        when = hit.published.isoformat() if hit.published else "undated"
        st.markdown(
            f"{when} · " + md_link(hit.title or hit.id, hit.url) + f" · {md_escape(hit.publisher)}"
        )


main()
