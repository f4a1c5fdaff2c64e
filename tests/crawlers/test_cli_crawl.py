"""The crawler-facing CLI commands: extract, sources list/check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.fixture_server import FixtureServer
from policyradar.cli import main
from tests.crawlers.hostile_site import article_html, tiny_pdf


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    return int(exit_info.value.code or 0), captured.out, captured.err


def test_extract_files_and_urls(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "statement.html"
    page.write_text(article_html("FSA statement on AI cyber risk"), encoding="utf-8")
    pdf = tmp_path / "g7.pdf"
    pdf.write_bytes(
        tiny_pdf(["The G7 Cyber Expert Group discussed frontier AI and cyber risk."] * 3)
    )
    code, out, _ = run(
        capsys, "extract", str(page), "--url", "https://www.fsa.go.jp/en/x.html", "--jsonl"
    )
    line = json.loads(out)
    assert code == 0 and line["title"] == "FSA statement on AI cyber risk"
    assert line["url"] == "https://www.fsa.go.jp/en/x.html" and line["published"] == "2026-05-14"
    assert {"path", "text", "published_source", "language"} <= set(line)
    code, out, _ = run(capsys, "extract", str(page), str(pdf), str(tmp_path / "missing.html"))
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 1 and len(lines) == 3
    assert "G7 Cyber Expert Group" in lines[1]["text"] and "error" in lines[2]

    with FixtureServer(tmp_path) as server:
        url = server.base_url + "/statement.html"
        code, out, _ = run(capsys, "extract", url)
        assert code == 1 and "refused private or local address" in json.loads(out)["error"]
        code, out, _ = run(capsys, "extract", url, "--allow-private-hosts")
        assert code == 0 and json.loads(out)["title"] == "FSA statement on AI cyber risk"


def test_sources_list_and_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "ok_src.yml").write_text(
        "id: ok_src\nname: OK\npublisher: Bank of Japan\nkind: central_bank\ncountry: JP\n"
        "start_urls: [https://www.boj.or.jp/en/rss/whatsnew.xml]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "sources", "check", "--sources", str(tmp_path))
    assert code == 0 and "1 valid sources, 0 invalid" in out
    code, out, _ = run(capsys, "sources", "list", "--sources", str(tmp_path), "--json")
    assert code == 0 and json.loads(out)["id"] == "ok_src"
    (tmp_path / "bad_src.yml").write_text("id: bad_src\nkind: blog\n", encoding="utf-8")
    code, out, err = run(capsys, "sources", "check", "--sources", str(tmp_path))
    assert code == 1 and "bad_src.yml" in err and "1 invalid" in out
