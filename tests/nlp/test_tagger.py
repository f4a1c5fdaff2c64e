"""The tagger's file mode, per shared/spec/tagging-output.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.tagger import TagInput, chunks, tag_documents
from policyradar.cli import main


def test_file_mode_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        json.dumps(
            {
                "id": "d1",
                "text": "The Bank of Japan warned banks about AI cyber attacks.",
                "published": "2026-05-15",
            }
        ),
        "{broken",
        json.dumps({"id": "d2", "text": ""}),
        json.dumps({"id": "d3", "text": "金融庁はサイバー攻撃に備える。"}),
        json.dumps(
            {"id": "d4", "text": "Le ministère des Finances a publié des lignes directrices."}
        ),
    ]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit) as exit_info:
        main(["tag", "--input", str(source), "--output", str(target)])
    assert exit_info.value.code == 1
    assert f"{source}:2: skipped" in capsys.readouterr().err
    results = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["d1", "d2", "d3", "d4"]
    assert results[0]["pipeline"].startswith("policyradar-nlp/")
    assert {"relevance", "entities", "measures", "quotes", "dates"} <= set(results[0])
    assert results[1]["entities"] == [] and results[1]["measures"] == []
    assert any(e["name"] == "Bank of Japan" for e in results[0]["entities"])
    assert 0 <= results[0]["relevance"] <= 1


def test_long_texts_are_cut_at_breaks_with_exact_offsets() -> None:
    text = ("A sentence about cyber risk. " * 50 + "\n\n") * 40
    pieces = chunks(text, size=2000)
    assert len(pieces) > 1 and all(len(piece) <= 2000 for _, piece in pieces)
    assert "".join(piece for _, piece in pieces) == text
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece


def test_two_processes_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    text = "The FSA met MUFG on Monday. “We will share findings,” said Cybersecurity Minister Hisashi Matsumoto."
    rows = [
        json.dumps({"id": f"d{i}", "text": text * (1 + i % 3), "published": "2026-05-20"})
        for i in range(12)
    ]
    rows.append(
        json.dumps(
            {
                "id": "long",
                "text": ("The Bank of Japan warned of AI cyber risk. " * 40 + "\n\n") * 5,
            }
        )
    )
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for target, processes in ((one, "1"), (two, "2")):
        with pytest.raises(SystemExit) as exit_info:
            main(["tag", "--input", str(source), "--output", str(target), "--processes", processes])
        assert exit_info.value.code == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def test_a_huge_text_is_tagged_on_its_first_characters_only() -> None:
    paragraph = (
        "The Financial Services Agency asked banks to patch faster. "
        "“We must act now,” said Kenji Arakawa, an FSA official.\n\n"
    )
    huge = paragraph * (5_000_000 // len(paragraph))  # about 5 MB
    limit = 20_000
    (result,) = tag_documents([TagInput("huge", huge, published=None)], max_chars=limit)
    offsets = [m.end for e in result.entities for m in e.mentions] + [q.end for q in result.quotes]
    assert offsets and max(offsets) <= limit
    assert any(e.name == "Financial Services Agency" for e in result.entities)
    assert result.quotes and all(huge[q.start : q.end] == q.text for q in result.quotes)
