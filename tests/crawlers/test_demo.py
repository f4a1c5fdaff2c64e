"""The demo: `policyradar demo` crawls the shipped fixture site; every article once, clean, dated."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.demo import build_demo_site, demo_available
from policyradar.models import document_id_for
from policyradar.store import SQLiteStore, open_store
from policyradar.urls import canonicalize

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not demo_available(), reason="the demo site is not present"),
]
BOILERPLATE = ("Most read", "Popular news", "Accept cookies", "Share this", "Leave a comment")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SQLiteStore, list[dict[str, Any]], str]]:
    tmp = tmp_path_factory.mktemp("demo")
    port = free_port()
    store_url = f"sqlite:///{tmp / 'demo.db'}"
    env = {**os.environ, "POLICYRADAR_DATA_DIR": str(tmp / "data")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "policyradar.cli",
            "--store",
            store_url,
            "demo",
            "--port",
            str(port),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    base = f"http://127.0.0.1:{port}"
    manifest = build_demo_site(Path(tempfile.mkdtemp()), base)
    store = open_store(store_url)
    assert isinstance(store, SQLiteStore)
    yield store, manifest, proc.stdout
    store.close()


def stored(store: SQLiteStore, url: str):
    return store.get(document_id_for(canonicalize(url)))


def test_every_expected_article_is_stored_once_with_clean_text(demo) -> None:
    store, manifest, _ = demo
    expected = [item for item in manifest if item["expect_stored"]]
    assert len(expected) >= 30
    for item in expected:
        doc = stored(store, item["url"])
        assert doc is not None, item["url"]
        assert len(doc.text) > 200
        assert not [phrase for phrase in BOILERPLATE if phrase in doc.text], item["url"]
        if item["published"]:
            assert (
                doc.published is not None
                and doc.published.isoformat() == str(item["published"])[:10]
            ), item["url"]
        else:
            assert doc.published is None and doc.published_source.value == "none"
    with sqlite3.connect(store.path) as conn:
        (rows,) = conn.execute("SELECT count(*) FROM documents").fetchone()
    assert rows == len(expected)


def test_excluded_pages_are_not_stored(demo) -> None:
    store, manifest, _ = demo
    for item in manifest:
        if not item["expect_stored"] and not item.get("syndicated_from"):
            assert stored(store, item["url"]) is None, item["url"]


def test_off_topic_pages_keep_their_validators_for_the_next_crawl(demo) -> None:
    # Not stored, but remembered: the next crawl asks with If-Modified-Since and gets a 304.
    store, manifest, _ = demo
    off_topic = [item for item in manifest if item["status"] == "offtopic"]
    assert off_topic
    for item in off_topic:
        state = store.get_fetch_state(canonicalize(item["url"]))
        assert state is not None and state["last_modified"], item["url"]
    draft = next(item for item in manifest if item["status"] == "draft")
    assert store.get_fetch_state(canonicalize(draft["url"])) is None  # never fetched


def test_syndicated_copy_is_one_document_listing_both_urls(demo) -> None:
    store, manifest, _ = demo
    copies = [item for item in manifest if item.get("syndicated_from")]
    assert copies
    for copy in copies:
        original = stored(store, copy["syndicated_from"])
        assert original is not None
        urls = {u["url"] for u in store.get_urls(original.id)}
        assert canonicalize(copy["url"]) in {canonicalize(u) for u in urls}


def test_demo_prints_a_search(demo) -> None:
    _, _, stdout = demo
    assert "search:" in stdout and "documents" in stdout
