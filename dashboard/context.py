"""The app's shared resources: the store and archive (opened once per server), and the
security configuration check.

Settings read: ``store`` (through :func:`policyradar.store.open_store`) and ``archive_dir``.
"""

from __future__ import annotations

import streamlit as st

from policyradar.archive import Archive
from policyradar.settings import get_settings
from policyradar.store import Store, open_store

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
    return open_store(url)


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
