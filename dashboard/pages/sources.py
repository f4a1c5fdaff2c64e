"""Sources page: crawl health per source (last crawl, documents, errors) and corpus figures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.context import get_store


def main() -> None:
    store = get_store()
    st.title("Sources and corpus")
    stats = store.stats()
    cols = st.columns(4)
    cols[0].metric("Documents", f"{stats.documents:,}")
    cols[1].metric("Tagged", f"{stats.tagged:,}")
    cols[2].metric("Sources", f"{stats.sources:,}")
    cols[3].metric("Undated", f"{stats.undated:,}")
    if stats.first_published and stats.last_published:
        st.caption(
            f"Published from {stats.first_published} to {stats.last_published}; "
            f"last fetch {stats.last_fetched or 'never'}."
        )
    health = store.crawl_health()
    st.subheader("Crawl health")
    if not health:
        st.info("No crawl has run against this store yet (documents may have been imported).")
    else:
        frame = pd.DataFrame(health)
        frame["status"] = ["errors" if (row.get("errors") or 0) else "ok" for row in health]
        st.dataframe(
            frame[
                [
                    "source_id",
                    "status",
                    "finished_at",
                    "documents",
                    "pages",
                    "new",
                    "changed",
                    "unchanged",
                    "skipped",
                    "errors",
                    "last_error",
                ]
            ],
            hide_index=True,
            width="stretch",
        )
        failing = [row for row in health if row.get("errors")]
        if failing:
            st.warning(f"{len(failing)} source(s) had errors on their last crawl.")
    st.subheader("Corpus by kind, country and language")
    left, middle, right = st.columns(3)
    for column, title, counts in (
        (left, "kind", stats.by_source_kind),
        (middle, "country", stats.by_country),
        (right, "language", stats.by_language),
    ):
        column.dataframe(
            {title: list(counts), "documents": list(counts.values())},
            hide_index=True,
            width="stretch",
        )


main()
