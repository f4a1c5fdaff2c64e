"""Shared fixtures: real stores on real files, one parametrized fixture per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from policyradar.store import SQLiteStore, open_store
from policyradar.store.base import Store

BACKENDS = ["sqlite"]


def make_store(backend: str, tmp_path: Path) -> Store:
    if backend == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'store.db'}")
    raise AssertionError(f"unknown backend {backend}")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend."""
    instance = make_store(request.param, tmp_path)
    yield instance
    instance.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """A fresh SQLite store for backend-specific tests."""
    instance = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    assert isinstance(instance, SQLiteStore)
    yield instance
    instance.close()
