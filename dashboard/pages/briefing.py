"""Briefing page: pick an ISO week, preview its briefing, download it (Markdown, HTML, DOCX)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import briefing_preview, data
from dashboard.context import get_store
from dashboard.data import WeekSummary
from dashboard.safety import md_escape, md_link


def main() -> None:
    store = get_store()
    st.title("Weekly briefing")
    weeks = data.weeks_with_documents(store)
    if not weeks:
        st.info("No dated documents yet, so there is no week to brief on.")
        return
    labels = [w.label for w in weeks]
    asked = st.query_params.get("week", labels[0])
    label = st.selectbox(
        "ISO week", labels, index=labels.index(asked) if asked in labels else 0, key="briefing-week"
    )
    if st.query_params.get("week") != label:
        st.query_params["week"] = label
    week = weeks[labels.index(label)]
    summary = data.week_summary(store, week)
    st.caption(
        f"{week.start} to {week.end} · {summary.total} documents · "
        f"{len(summary.official)} official, {len(summary.press)} press"
    )
    formats: tuple[tuple[str, str, str, Callable[[WeekSummary], str | bytes]], ...] = (
        ("Markdown", "md", "text/markdown", briefing_preview.to_markdown),
        ("HTML", "html", "text/html", briefing_preview.to_html),
        (
            "DOCX",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            briefing_preview.to_docx,
        ),
    )
    for column, (name, extension, mime, render) in zip(
        st.columns(len(formats)), formats, strict=True
    ):
        column.download_button(
            f"Download {name}",
            data=render(summary),
            file_name=f"policyradar-briefing-{week.label}.{extension}",
            mime=mime,
            key=f"briefing-{extension}",
        )
    st.caption("PDF export comes with the briefing renderer; print the HTML version meanwhile.")
    st.divider()
    for heading, hits in (("Official statements", summary.official), ("Press", summary.press)):
        st.subheader(heading)
        if not hits:
            st.caption("None this week.")
        for hit in hits:
            when = hit.published.isoformat() if hit.published else "undated"
            st.markdown(
                f"{when} · "
                + md_link(hit.title or hit.id, hit.url)
                + f" · {md_escape(hit.publisher)}"
            )
    st.subheader("Measures")
    if summary.measures.rows:
        st.dataframe(
            data.measures_frame(summary.measures)[["date", "actor", "type", "status", "sentence"]],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("None found this week.")
    st.subheader("Quotes")
    for quote in summary.quotes:
        st.markdown(
            "> "
            + md_escape(quote.text)
            + ("  \n> — " + md_escape(quote.speaker) if quote.speaker else "")
        )


main()
