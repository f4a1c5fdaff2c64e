"""Stores: open one from a URL. ``sqlite:///path.db`` is the embedded default.

Settings read: ``store`` (the default URL), ``sqlite_busy_timeout_ms``, ``search_max_limit``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from policyradar.settings import Settings, get_settings
from policyradar.store.base import Store, StoreError
from policyradar.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store", "StoreError", "UsageError", "open_store"]


class UsageError(StoreError):
    """The store URL itself is wrong (bad usage, exit code 2)."""


def sqlite_path(url: str) -> Path:
    """The file path of a ``sqlite:///relative`` or ``sqlite:////absolute`` URL."""
    if not url.startswith("sqlite:///"):
        raise UsageError(f"not a SQLite store URL: {url!r} (expected sqlite:///path/to/file.db)")
    path = url[len("sqlite:///") :]
    if not path:
        raise UsageError(f"the SQLite store URL {url!r} names no file")
    return Path(path)


def open_store(url: str | None = None, settings: Settings | None = None) -> Store:
    """Open (and create or migrate) the store at ``url``; defaults to the configured one."""
    settings = settings or get_settings()
    url = url or settings.store
    scheme = urlsplit(url).scheme.lower()
    if scheme == "sqlite":
        store = SQLiteStore(
            sqlite_path(url),
            url=url,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            search_max_limit=settings.search_max_limit,
        )
        store.init()
        return store
    if scheme in ("http", "https"):
        raise UsageError(
            f"the Elasticsearch backend ({url}) is not available in this version yet; "
            "use a sqlite:/// store URL"
        )
    raise UsageError(f"unknown store URL {url!r}: use sqlite:///path.db or http://host:9200")
