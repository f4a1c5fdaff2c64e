"""A store seeded the way a user's is: the demo site crawled and tagged, plus one hostile page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.demo import demo_available, run_demo
from nlp.tagger import tag_store
from policyradar.models import Document
from policyradar.settings import Settings, get_settings
from policyradar.store import Store, open_store

HOSTILE = Document(
    id="hostile-page",
    url="javascript:alert('url')",
    title="<script>alert('title')</script> Hostile Mythos page",
    publisher="<b>Evil</b> Press",
    source_kind="press",
    country="JP",
    language="en",
    published="2026-05-19",
    text=(
        "A page about Claude Mythos and cyber defence that tries to attack its readers. "
        "<img src=x onerror=alert('img')> and [click me](javascript:alert('md')) and "
        "<script>alert('body')</script> appear in its text, which must be shown as text."
    ),
)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(store URL, data dir) of the crawled and tagged demo corpus."""
    if not demo_available():
        pytest.skip("the demo site is not present")
    tmp = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{tmp / 'demo.db'}"
    settings = Settings(data_dir=tmp / "data", store=url)
    run_demo(settings, url)
    store = open_store(url, settings)
    store.upsert(HOSTILE)
    tag_store(store)
    store.close()
    yield url, tmp / "data"


@pytest.fixture
def app_env(seeded: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """Point the app's settings at the seeded store; yields that store for cross-checks."""
    url, data_dir = seeded
    monkeypatch.setenv("POLICYRADAR_STORE", url)
    monkeypatch.setenv("POLICYRADAR_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    store = open_store(url)
    yield store
    store.close()
    get_settings.cache_clear()
