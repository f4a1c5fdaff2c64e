"""PolicyRadar dashboard: search statements and browse AI cyber-risk policy over time.

Run with ``policyradar dashboard`` (or ``streamlit run dashboard/app.py``). The app refuses to
start when XSRF or CORS protection is off, shows a getting-started page on an empty store, and
otherwise offers six pages through ``st.navigation``; each keeps its view in the URL.

Settings read: ``store`` and ``archive_dir`` (see :mod:`dashboard.context`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.context import get_store, insecure_options
from policyradar.store import StoreError

HERE = Path(__file__).resolve().parent
PAGES = [
    ("pages/search.py", "Search", "search", ":material/search:"),
    ("pages/timeline.py", "Timeline", "timeline", ":material/timeline:"),
    ("pages/actors.py", "Actors", "actors", ":material/groups:"),
    ("pages/measures.py", "Measures", "measures", ":material/gavel:"),
    ("pages/briefing.py", "Briefing", "briefing", ":material/description:"),
    ("pages/sources.py", "Sources", "sources", ":material/rss_feed:"),
]

st.set_page_config(page_title="PolicyRadar", page_icon=":material/radar:", layout="wide")

off = insecure_options()
if off:
    st.error(
        "PolicyRadar will not run with " + " and ".join(off) + " turned off. Set them on in "
        ".streamlit/config.toml (server.enableXsrfProtection = true, server.enableCORS = true)."
    )
    st.stop()

try:
    store = get_store()
    documents = store.count()
except StoreError as exc:
    st.error(f"The store could not be opened: {exc}")
    st.stop()

if documents == 0:
    st.title("PolicyRadar")
    st.subheader("The store is empty")
    st.markdown(
        "Nothing has been collected yet. To see the dashboard with a small offline corpus of "
        "statements about AI cyber risk, run:"
    )
    st.code("policyradar demo", language="bash")
    st.markdown("To collect from the real sources of the catalog, then tag what was collected:")
    st.code("policyradar crawl\npolicyradar tag", language="bash")
    st.caption(f"Store: {store.url}")
    st.stop()

navigation = st.navigation(
    [
        st.Page(
            str(HERE / path),
            title=title,
            url_path=url_path,
            icon=icon,
            default=url_path == "search",
        )
        for path, title, url_path, icon in PAGES
    ]
)
st.sidebar.caption(f"{documents:,} documents · {store.url.split('://', 1)[0]} store")
navigation.run()
