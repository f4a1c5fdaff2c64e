"""SQLite specifics: WAL, migrations, crashes, concurrent readers, a full disk."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policyradar.models import Document
from policyradar.store import SQLiteStore, StoreError, UsageError, migrations, open_store
from policyradar.store.base import MeasureQuery, SearchFilters, SearchQuery


def write_jsonl(path: Path, count: int, *, words: int = 60, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + count):
            text = f"document {i} about cyber risk and AI models " + "lorem ipsum " * words
            handle.write(json.dumps({"id": f"doc-{i}", "text": text, "published": "2026-05-01"}))
            handle.write("\n")
    return path


def cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "policyradar.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_wal_mode_and_latest_schema(sqlite_store: SQLiteStore) -> None:
    sqlite_store.count()
    with sqlite3.connect(sqlite_store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION


def test_older_schema_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrations.migrate(conn, target=1) == 1
    conn.execute(
        "INSERT INTO documents (id, text, content_hash, published) "
        "VALUES ('legacy', 'a legacy cyber note', 'h', '2025-01-02')"
    )
    conn.close()
    store = open_store(f"sqlite:///{path}")
    try:
        assert store.stats().schema_version == migrations.LATEST_VERSION
        legacy = store.get("legacy")
        assert legacy is not None and legacy.warnings == [] and legacy.text == "a legacy cyber note"
        assert store.search(SearchQuery(text="legacy")).total == 1
    finally:
        store.close()


def test_annotations_saved_before_v4_are_flattened_by_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrations.migrate(conn, target=3) == 3
    conn.execute("INSERT INTO documents (pk, id, text, content_hash) VALUES (1, 'd', 't', 'h')")
    payload = {
        "id": "d",
        "pipeline": "p",
        "entities": [
            {
                "label": "GOV_BODY",
                "name": "Bank of Japan",
                "mentions": [{"start": 0, "end": 3, "text": "BOJ"}],
            }
        ],
        "measures": [
            {
                "type": "guidance",
                "actor": "Bank of Japan",
                "status": "announced",
                "start": 0,
                "end": 1,
                "text": "s",
            }
        ],
        "quotes": [{"speaker": "Bank of Japan", "start": 0, "end": 1, "text": "q"}],
    }
    conn.execute("INSERT INTO annotations VALUES (1, 'p', 1, 0.5, ?)", (json.dumps(payload),))
    conn.close()
    store = open_store(f"sqlite:///{path}")
    try:
        assert [(r.type, r.actor) for r in store.measures(MeasureQuery()).rows] == [
            ("guidance", "Bank of Japan")
        ]
        assert [q.text for q in store.quotes("Bank of Japan")] == ["q"]
        assert store.entities("BOJ")[0].name == "Bank of Japan"
    finally:
        store.close()


def test_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="newer than this PolicyRadar"):
        open_store(f"sqlite:///{path}")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        open_store(f"sqlite:///{path}")


def test_bad_store_urls_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        open_store("sqlite:///")
    with pytest.raises(UsageError):
        open_store("ftp://example.org/db")


def test_full_disk_rolls_back_the_whole_batch(sqlite_store: SQLiteStore) -> None:
    sqlite_store.upsert(Document(id="kept", text="committed before the disk filled"))
    conn = sqlite_store._conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the file may barely grow
    batch = [Document(id=f"big-{i}", text="cyber " * 5000 + str(i)) for i in range(50)]
    with pytest.raises(StoreError, match="full"):
        sqlite_store.upsert_many(batch)
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert sqlite_store.count() == 1
    assert sqlite_store.get("big-0") is None
    assert integrity(sqlite_store.path) == "ok"
    sqlite_store.upsert_many(batch[:3])  # and it works again once there is room
    assert sqlite_store.count() == 4


@pytest.mark.slow
def test_reader_never_sees_locked_while_a_writer_imports(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    url = f"sqlite:///{db}"
    reader = open_store(url)
    source = write_jsonl(tmp_path / "many.jsonl", 6000)
    writer = cli("--store", url, "import", str(source))
    reads = 0
    try:
        while writer.poll() is None:
            result = reader.search(SearchQuery(text="cyber", limit=5))
            assert result.total >= 0
            reader.stats()
            reads += 1
    finally:
        _, stderr = writer.communicate(timeout=120)
    assert writer.returncode == 0, stderr.decode()
    assert b"locked" not in stderr
    assert reads > 0
    assert reader.count() == 6000
    reader.close()


@pytest.mark.slow
def test_kill_9_during_import_then_import_again(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    url = f"sqlite:///{db}"
    source = write_jsonl(tmp_path / "big.jsonl", 20000, words=120)
    open_store(url).close()
    proc = cli("--store", url, "import", str(source))
    deadline = time.monotonic() + 120
    probe = open_store(url)
    while probe.count() < 1000 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    committed = probe.count()
    probe.close()
    assert 0 < committed < 20000, "the kill should land mid-import"
    assert integrity(db) == "ok"
    again = cli("--store", url, "import", str(source))
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    store = open_store(url)
    assert store.count() == 20000
    assert integrity(db) == "ok"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(DISTINCT id) FROM documents").fetchone()[0] == 20000
    assert f"{20000 - committed} new".encode() in out
    store.close()


def test_broad_queries_rank_title_matches_first_and_page_consistently(
    sqlite_store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [
        Document(
            id=f"t{i}",
            title=("cyber policy" if i % 3 == 0 else "other news"),
            text="cyber " * (1 + i % 5) + "filler words " * 20,
            published=f"2026-05-{1 + i % 28:02d}",
        )
        for i in range(60)
    ]
    sqlite_store.upsert_many(docs)
    import policyradar.store.sqlite as module

    monkeypatch.setattr(module, "RANK_ALL_LIMIT", 5)
    pages = [
        sqlite_store.search(SearchQuery(text="cyber", limit=10, offset=offset))
        for offset in range(0, 60, 10)
    ]
    ids = [hit.id for page in pages for hit in page.hits]
    assert sorted(ids) == sorted(d.id for d in docs)  # every match exactly once across pages
    titles = [hit.title for page in pages for hit in page.hits]
    assert titles[:20] == ["cyber policy"] * 20 and "cyber policy" not in titles[20:]
    rest = [str(hit.published) for page in pages for hit in page.hits][20:]
    assert rest == sorted(rest, reverse=True)  # after the title matches: newest first
    assert all(page.total == 60 for page in pages)
    filtered = sqlite_store.search(
        SearchQuery(text="cyber", filters=SearchFilters(countries=["JP"]))
    )
    assert filtered.total == 0
