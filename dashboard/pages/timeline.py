"""Timeline page: documents per week stacked by a chosen facet, then the developments in order."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard import data, widgets
from dashboard.context import get_store
from dashboard.safety import md_escape, md_link
from policyradar.store.base import TimelineInterval

SPLITS = {"Country": "country", "Source kind": "source_kind", "Measure type": "measure_type"}


def main() -> None:
    store = get_store()
    state = widgets.current_state()
    st.title("Timeline of developments")
    query = st.text_input("Words (optional)", value=state.q, key="timeline-q", max_chars=500)
    st.caption(widgets.SYNTAX_HINT)
    state.q = query
    left, right = st.columns(2)
    split_label = left.selectbox("Stack by", list(SPLITS), key="timeline-split")
    interval = right.selectbox(
        "Per",
        [TimelineInterval.WEEK.value, TimelineInterval.MONTH.value, TimelineInterval.DAY.value],
        key="timeline-interval",
    )
    listing = data.browse(store, state, limit=60)
    wanted = widgets.filter_panel(state, listing, key="timeline")
    if wanted.filters() != state.filters():
        widgets.publish_state(wanted)
        st.rerun()
    widgets.publish_state(state)

    frame = data.timeline_frame(store, state, SPLITS[split_label], TimelineInterval(interval))
    if frame.empty:
        st.info("No dated documents match. Widen the date range or remove filters.")
        return
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=interval.capitalize()),
            y=alt.Y("sum(count):Q", title="Documents"),
            color=alt.Color("key:N", title=split_label),
            tooltip=[
                alt.Tooltip("period:T", title=interval.capitalize()),
                alt.Tooltip("key:N", title=split_label),
                alt.Tooltip("count:Q", title="Documents"),
            ],
        )
        .properties(height=320)
    )
    st.altair_chart(chart, width="stretch")

    st.subheader(f"Developments ({listing.total:,} documents, newest first)")
    for hit in listing.hits:
        official = "official" if data.is_official(hit) else "press"
        annotations = store.get_annotations(hit.id)
        statuses = sorted({m.status.value for m in annotations.measures}) if annotations else []
        actors = list(
            dict.fromkeys(
                n for label, n in hit.entities if label in ("GOV_BODY", "INTL_BODY", "PERSON")
            )
        )[:5]
        day = hit.published.isoformat() if hit.published else "undated"
        with st.expander(f"{day} — {hit.title or hit.id}"):
            st.markdown(
                md_link(hit.title or "Original page", hit.url)
                + f" · {md_escape(hit.publisher)} · {official}"
            )
            if statuses:
                st.markdown(
                    "Status: " + ", ".join(f":green-badge[{s.replace('_', ' ')}]" for s in statuses)
                )
            if actors:
                st.markdown("Actors: " + ", ".join(md_escape(a) for a in actors))
            if annotations and annotations.quotes:
                for quote in annotations.quotes[:5]:
                    st.markdown(
                        "> "
                        + md_escape(quote.text)
                        + ("  \n> — " + md_escape(quote.speaker) if quote.speaker else "")
                    )
            if hit.snippet:
                st.text(hit.snippet)


main()
