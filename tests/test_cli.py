"""The command line, run in-process through its real entry point."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from policyradar.cli import _PLANNED, app, main

README = Path(__file__).resolve().parents[1] / "README.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    rows = [
        {
            "id": "one",
            "text": "Japan seeks access to Claude Mythos for <b>cyber</b> defence.",
            "title": "Mythos",
            "published": "2026-05-12",
            "country": "JP",
            "source_kind": "government",
            "url": "https://gov.example/one?utm_medium=rss",
        },
        {
            "id": "two",
            "text": "G7 ministers discussed AI cyber risk.",
            "published": "2026-05-20",
            "country": "FR",
            "source_kind": "g7",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8")
    return path


def test_import_search_stats_export(
    capsys: pytest.CaptureFixture[str], url: str, corpus: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--store", url, "import", str(corpus))
    assert code == 1  # one line was skipped
    assert f"{corpus}:3: skipped: not valid JSON" in err
    assert "2 new" in out

    code, out, _ = run(capsys, "--store", url, "search", "cyber", "--json", "--country", "JP")
    assert code == 0
    result = json.loads(out)
    assert result["total"] == 1
    hit = result["hits"][0]
    assert {"id", "url", "title", "published", "snippet", "score"} <= set(hit)
    assert hit["id"] == "one" and hit["published"] == "2026-05-12"
    assert {f["value"] for f in result["facets"]["country"]} == {"JP"}

    code, out, _ = run(capsys, "--store", url, "stats", "--json")
    assert code == 0 and json.loads(out)["documents"] == 2

    jsonl_out = tmp_path / "docs.jsonl"
    code, _, _ = run(
        capsys, "--store", url, "export", "documents", "--format", "jsonl", "--out", str(jsonl_out)
    )
    exported = [json.loads(line) for line in jsonl_out.read_text().splitlines()]
    assert code == 0 and {d["id"] for d in exported} == {"one", "two"}
    assert "<b>cyber</b>" in exported[0]["text"]
    assert exported[0]["canonical_url"] == "https://gov.example/one"

    csv_out = tmp_path / "docs.csv"
    code, _, _ = run(
        capsys, "--store", url, "export", "documents", "--format", "csv", "--out", str(csv_out)
    )
    with csv_out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert code == 0 and len(rows) == 2
    assert rows[0]["text"].startswith("Japan seeks access") and rows[0]["published"] == "2026-05-12"


def test_search_text_output_and_empty_query(
    capsys: pytest.CaptureFixture[str], url: str, corpus: Path
) -> None:
    run(capsys, "--store", url, "import", str(corpus))
    code, out, _ = run(capsys, "--store", url, "search", "mythos")
    assert code == 0 and "Mythos" in out
    code, out, err = run(capsys, "--store", url, "search", "")
    assert code == 0 and "Type some words" in err and "Mythos" not in out
    code, out, _ = run(capsys, "--store", url, "search", "", "--json")
    assert json.loads(out)["total"] == 0 and json.loads(out)["message"]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["search"], 2, "Missing argument"),
        (["search", "x", "--from", "2026-13-40"], 2, "--from expects a date"),
        (["frobnicate"], 2, "No such command"),
        (["import", "/nonexistent/file.jsonl"], 2, "no such file"),
        (["--store", "ftp://nowhere/x", "stats"], 2, "unknown store URL"),
        (["--store", "http://localhost:9200", "stats"], 2, "Elasticsearch"),
        (["export", "documents", "--format", "xml", "--out", "x"], 2, "--format"),
    ],
)
def test_errors_are_one_line_with_exit_codes(
    capsys: pytest.CaptureFixture[str], url: str, args: list[str], code: int, fragment: str
) -> None:
    if not any(a.startswith("--store") for a in args):
        args = ["--store", url, *args]
    got, out, err = run(capsys, *args)
    assert got == code
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err + out


@pytest.mark.parametrize("command", sorted(_PLANNED))
def test_planned_commands_say_they_are_not_available(
    capsys: pytest.CaptureFixture[str], url: str, command: str
) -> None:
    code, _, err = run(capsys, "--store", url, command)
    assert code == 1 and "not available yet" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and re.search(r"policyradar \d+\.\d+\.\d+", out)


def test_demo_without_its_site_imports_the_sample_and_searches(
    capsys: pytest.CaptureFixture[str],
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import crawlers.demo

    monkeypatch.setattr(crawlers.demo, "DEMO_DIR", tmp_path / "no-demo-site")
    code, out, _ = run(capsys, "--store", url, "demo", "--no-dashboard")
    assert code == 0 and "8 new" in out and "Mythos" in out


def test_every_command_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    commands = [c.name for c in app.registered_commands] + ["export documents"]
    missing = [name for name in commands if name and f"policyradar {name}" not in readme]
    assert not missing, f"README lacks: {missing}"
