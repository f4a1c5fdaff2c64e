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


@pytest.mark.slow
def test_run_crawls_then_tags(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from policyradar.store import open_store

    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(article_html("FSA statement on AI cyber risk"), encoding="utf-8")
    (site / "index.html").write_text(
        "<html><body><a class='x' href='/a.html'>a</a></body></html>", encoding="utf-8"
    )
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    with FixtureServer(site) as server:
        (catalog / "one.yml").write_text(
            json.dumps(
                {
                    "id": "one",
                    "name": "One",
                    "publisher": "Financial Services Agency",
                    "kind": "regulator",
                    "country": "JP",
                    "start_urls": [server.base_url + "/"],
                    "follow": "a.x",
                }
            ),
            encoding="utf-8",
        )
        store_url = f"sqlite:///{tmp_path / 'run.db'}"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "policyradar.cli",
                "--store",
                store_url,
                "run",
                "--sources",
                str(catalog),
                "--allow-host",
                server.base_url.split("//")[1],
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "POLICYRADAR_DATA_DIR": str(tmp_path / "data")},
        )
    assert proc.returncode == 0, proc.stderr
    assert "tagged 1 documents" in proc.stdout
    store = open_store(store_url)
    (document,) = list(store.iter_documents())
    annotations = store.get_annotations(document.id)
    assert annotations is not None
    assert "Financial Services Agency" in {e.name for e in annotations.entities}
    store.close()
