"""The app's shared resources: the store and archive (opened once per server), and the
security configuration check.

Settings read: ``store`` (through :func:`policyradar.store.open_store`) and ``archive_dir``.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import streamlit as st

from policyradar.archive import Archive
from policyradar.settings import get_settings
from policyradar.store import Store, StoreError, open_store
from policyradar.store.base import SearchFilters, TimelineQuery

REQUIRED_SECURITY_OPTIONS = {
    "server.enableXsrfProtection": "XSRF protection",
    "server.enableCORS": "CORS protection",
}


def insecure_options() -> list[str]:
    """The protections turned off in the running server's configuration."""
    return [
        label for option, label in REQUIRED_SECURITY_OPTIONS.items() if not st.get_option(option)
    ]


@st.cache_resource(show_spinner=False)
def _open(url: str) -> Store:
    store = open_store(url)
    # The store's filter and facet structures are built on first use (about 2 s at 100,000
    # documents); build them in the background while the first page renders.
    threading.Thread(target=_warm, args=(store,), daemon=True, name="warm-store").start()
    return store


def _warm(store: Store) -> None:
    # A warm-up is an optimisation; the pages report real errors themselves.
    with contextlib.suppress(StoreError):
        store.timeline(TimelineQuery(filters=SearchFilters(date_from=date(1990, 1, 1))))


def get_store() -> Store:
    """The configured store, opened once per server process."""
    return _open(get_settings().store)


@st.cache_resource(show_spinner=False)
def _archive(root: str) -> Archive:
    from pathlib import Path

    return Archive(Path(root))


def get_archive() -> Archive:
    """The archive of raw pages, for "archived copy" downloads."""
    return _archive(str(get_settings().resolved_archive_dir))
