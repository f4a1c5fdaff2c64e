"""Importing JSONL: bad lines are reported by number and skipped, good lines always land."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from policyradar.importer import import_jsonl
from policyradar.store.base import Store


def lines(path: Path, *rows: bytes | Mapping[str, object]) -> Path:
    with path.open("wb") as handle:
        for row in rows:
            data = row if isinstance(row, bytes) else json.dumps(row).encode()
            handle.write(data + b"\n")
    return path


def test_bad_lines_are_reported_and_the_rest_imported(store: Store, tmp_path: Path) -> None:
    source = lines(
        tmp_path / "in.jsonl",
        {"id": "a", "text": "first statement on cyber risk", "published": "2026-05-18"},
        b'{"id": "broken", "text": ',
        {"id": "no-text", "title": "missing body"},
        b"[1, 2, 3]",
        {"id": "b", "text": "second statement", "published": "not a date"},
        {"text": "no id and no url"},
        {"url": "https://x.example/story?utm_source=feed", "text": "id derived from the url"},
        b"",
    )
    report = import_jsonl(store, source)
    assert report.lines == 7
    assert report.new == 3
    skipped = {p.line: p.message for p in report.problems if p.skipped}
    assert set(skipped) == {2, 3, 4, 6}
    assert "not valid JSON" in skipped[2]
    assert "missing 'text'" in skipped[3]
    assert "missing 'id'" in skipped[6]
    notes = {p.line: p.message for p in report.problems if not p.skipped}
    assert "'published' is invalid" in notes[5]
    b = store.get("b")
    assert b is not None and b.published is None and b.published_source.value == "none"
    a = store.get("a")
    assert a is not None and a.published is not None and a.published_source.value == "provided"
    derived = [d for d in store.iter_documents() if d.url]
    assert derived[0].canonical_url == "https://x.example/story"


def test_same_file_twice_creates_no_duplicates(store: Store, tmp_path: Path) -> None:
    source = lines(
        tmp_path / "in.jsonl",
        *({"id": f"d{i}", "text": f"statement number {i}"} for i in range(25)),
    )
    first = import_jsonl(store, source, batch_size=7)
    second = import_jsonl(store, source, batch_size=7)
    assert (first.new, second.new, second.unchanged) == (25, 0, 25)
    assert store.count() == 25


def test_duplicate_id_in_one_file_is_one_document_with_versions(
    store: Store, tmp_path: Path
) -> None:
    source = lines(
        tmp_path / "in.jsonl",
        {"id": "dup", "text": "draft wording"},
        {"id": "dup", "text": "draft wording"},
        {"id": "dup", "text": "final wording"},
    )
    report = import_jsonl(store, source)
    assert (report.new, report.unchanged, report.changed) == (1, 1, 1)
    assert [p.line for p in report.problems] == [2, 3]
    assert all("already appeared on line 1" in p.message for p in report.problems)
    assert [v.text for v in store.get_versions("dup")] == ["draft wording", "final wording"]


def test_invalid_utf8_is_replaced_and_flagged_not_lost(store: Store, tmp_path: Path) -> None:
    source = lines(
        tmp_path / "in.jsonl",
        b'{"id": "latin", "text": "caf\xe9 and \xff\xfe bytes"}',
        {"id": "fine", "text": "clean line"},
    )
    report = import_jsonl(store, source)
    assert report.new == 2 and report.skipped == 0
    doc = store.get("latin")
    assert doc is not None and "\ufffd" in doc.text
    assert doc.warnings and "UTF-8" in doc.warnings[0]
    assert report.problems[0].line == 1 and not report.problems[0].skipped


def test_tagged_lines_store_their_annotations(store: Store, tmp_path: Path) -> None:
    source = lines(
        tmp_path / "in.jsonl",
        {
            "id": "t1",
            "text": "The FSA met banks.",
            "pipeline": "policyradar-nlp/1.0.0",
            "relevance": 0.8,
            "entities": [
                {
                    "label": "GOV_BODY",
                    "name": "Financial Services Agency",
                    "mentions": [{"start": 4, "end": 7, "text": "FSA"}],
                }
            ],
            "measures": [{"type": "meeting", "start": 0, "end": 18, "text": "The FSA met banks."}],
        },
        {"id": "t2", "text": "x", "pipeline": "p", "entities": [{"label": "NOT_A_LABEL"}]},
    )
    report = import_jsonl(store, source)
    assert report.annotated == 1
    saved = store.get_annotations("t1")
    assert saved is not None and saved.entities[0].name == "Financial Services Agency"
    assert store.get("t2") is not None  # the document survives bad annotations
    assert any(p.line == 2 and "annotations ignored" in p.message for p in report.problems)
