"""Catalog loading: invalid files are reported with path and field; the rest load."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyradar.catalog import load_catalog

GOOD = """id: {id}
name: Test source
publisher: Financial Services Agency
kind: regulator
country: JP
start_urls: ["{url}"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://x.org/feed",
        "data:text/xml,<rss/>",
        "s3://b/k",
        "javascript:alert(1)",
    ],
)
def test_non_http_start_urls_are_rejected_at_load(tmp_path: Path, url: str) -> None:  # case 3
    write(tmp_path, "bad_src", GOOD.format(id="bad_src", url=url))
    write(tmp_path, "good_src", GOOD.format(id="good_src", url="https://www.fsa.go.jp/en/news/"))
    catalog = load_catalog(tmp_path)
    assert [s.id for s in catalog.sources] == ["good_src"]
    (problem,) = catalog.problems
    assert problem.path.name == "bad_src.yml" and problem.field.startswith("start_urls")
    assert "only http and https" in problem.message


def test_each_invalid_file_names_its_field(tmp_path: Path) -> None:
    write(tmp_path, "wrong_id", GOOD.format(id="other_id", url="https://a.example/"))
    write(
        tmp_path,
        "bad_kind",
        GOOD.format(id="bad_kind", url="https://a.example/").replace("regulator", "blog"),
    )
    write(tmp_path, "typo", GOOD.format(id="typo", url="https://a.example/") + "folow: a.x\n")
    write(
        tmp_path,
        "regex",
        GOOD.format(id="regex", url="https://a.example/") + "allow: ['(unclosed']\n",
    )
    write(tmp_path, "broken_yaml", "id: [unclosed\n")
    write(tmp_path, "ok_src", GOOD.format(id="ok_src", url="https://a.example/"))
    catalog = load_catalog(tmp_path)
    fields = {p.path.stem: p.field for p in catalog.problems}
    assert fields == {
        "wrong_id": "id",
        "bad_kind": "kind",
        "typo": "folow",
        "regex": "allow",
        "broken_yaml": "",
    }
    assert [s.id for s in catalog.sources] == ["ok_src"]


def test_base_url_placeholder_is_substituted(tmp_path: Path) -> None:
    write(tmp_path, "demo_src", GOOD.format(id="demo_src", url="{base_url}/feed.xml"))
    catalog = load_catalog(tmp_path, base_url="http://127.0.0.1:8765/")
    assert catalog.sources[0].start_urls == ["http://127.0.0.1:8765/feed.xml"]


def test_bundled_catalog_validates_offline() -> None:
    folder = Path(__file__).resolve().parents[1] / "crawlers" / "sources"
    if not any(folder.rglob("*.yml")):
        pytest.skip("the bundled catalog is not present")
    catalog = load_catalog(folder)
    assert not catalog.problems, [str(p) for p in catalog.problems]
    assert len(catalog.sources) >= 30
    kinds = {s.kind.value for s in catalog.sources}
    assert {"government", "g7", "international", "regulator", "central_bank", "press"} <= kinds


@pytest.mark.parametrize(
    ("country", "ok"),
    [
        ("JP", True),
        ("G7", True),
        ("G20", True),
        ("EU", True),
        ("INT", True),
        ("jp", False),
        ("Japan", False),
    ],
)
def test_country_codes(tmp_path: Path, country: str, ok: bool) -> None:
    write(
        tmp_path,
        "src",
        GOOD.format(id="src", url="https://a.example/").replace(
            "country: JP", f"country: {country}"
        ),
    )
    catalog = load_catalog(tmp_path)
    assert bool(catalog.sources) == ok
