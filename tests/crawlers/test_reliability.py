"""Reliability cases 1-26 (shared/docs/reliability.md) against real loopback servers.

One catalog with a source per group of cases is crawled twice by the real CLI in a
subprocess; the assertions read the crawl report, the store and what the servers saw.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from policyradar.models import document_id_for
from policyradar.store import SQLiteStore, open_store
from policyradar.urls import canonicalize
from tests.crawlers.hostile_site import ARTICLE_TEXT, HostileServer, article_html

pytestmark = pytest.mark.slow

LISTED = [
    "/articles/future",
    "/forbidden/secret",
    "/redirect-loop",
    "/chain/0",
    "/to-metadata",
    "/to-loopback-other",
    "/to-ftp",
    "/to-other-origin",
    "/bomb-gzip",
    "/bomb-br",
    "/endless",
    "/huge",
    "/limited",
    "/broken",
    "/login",
    "/statement.pdf",
    "/image",
    "/sjis-bom",
    "/latin1",
    "/bad-utf8",
    "/nested",
    "/colspan",
    "/script",
    "/edited",
]


@dataclass
class Run:
    code: int
    report: dict[str, dict[str, object]]
    stderr: str


@dataclass
class World:
    main: HostileServer
    other: HostileServer
    tarpit: HostileServer
    robots500: HostileServer
    canary: HostileServer
    tmp: Path
    store_url: str
    first: Run
    second: Run

    def problems(self, run: Run, source: str) -> list[dict[str, str]]:
        return run.report[source]["problems"]  # type: ignore[return-value]

    def reason(self, run: Run, source: str, path: str) -> str:
        for problem in self.problems(run, source):
            if problem["url"].endswith(path) or f"{path}?" in problem["url"]:
                return f"{problem['kind']}: {problem['reason']}"
        return ""


def write_source(folder: Path, source_id: str, start_urls: list[str], **extra: object) -> None:
    data = {
        "id": source_id,
        "name": source_id,
        "publisher": "Test Publisher",
        "kind": "government",
        "country": "JP",
        "start_urls": start_urls,
        **extra,
    }
    (folder / f"{source_id}.yml").write_text(json.dumps(data), encoding="utf-8")


def crawl(world_tmp: Path, store_url: str, allowed: list[str], name: str) -> Run:
    report = world_tmp / f"{name}.json"
    env = {
        **os.environ,
        "POLICYRADAR_MAX_PAGE_BYTES": str(2 * 1024 * 1024),
        "POLICYRADAR_DOWNLOAD_TIMEOUT_S": "3",
        "POLICYRADAR_EXTRACT_TIMEOUT_S": "15",
        "POLICYRADAR_DATA_DIR": str(world_tmp / "data"),
    }
    args = [
        sys.executable,
        "-m",
        "policyradar.cli",
        "--store",
        store_url,
        "crawl",
        "--sources",
        str(world_tmp / "catalog"),
        "--report",
        str(report),
        "--workers",
        "2",
    ]
    for host in allowed:
        args += ["--allow-host", host]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert report.exists(), proc.stderr
    return Run(proc.returncode, json.loads(report.read_text()), proc.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("hostile")
    servers = {
        "main": HostileServer("127.0.0.1"),
        "other": HostileServer("127.0.0.2", robots="404"),
        "tarpit": HostileServer("127.0.0.3"),
        "robots500": HostileServer("127.0.0.4", robots="500"),
        "canary": HostileServer("127.0.0.5"),
    }
    for server in servers.values():
        server.start()
    main, other = servers["main"], servers["other"]
    main.state.other_origin = other.base
    main.state.canary_origin = servers["canary"].base
    catalog = tmp / "catalog"
    catalog.mkdir()
    listing = main.base + "/list?" + "&".join(f"u={quote(p)}" for p in LISTED)
    write_source(catalog, "hostile_feed", [main.base + "/feed.xml"], expect={"min_documents": 100})
    write_source(catalog, "hostile_bozo", [main.base + "/bozo.xml"])
    write_source(catalog, "hostile_sitemap", [main.base + "/sitemap.xml"])
    write_source(catalog, "hostile_entities", [main.base + "/laughs.xml", main.base + "/xxe.xml"])
    write_source(catalog, "hostile_list", [listing], follow="a.case")
    write_source(
        catalog, "tarpit", [servers["tarpit"].base + "/list?u=/slow&u=/hang"], follow="a.case"
    )
    write_source(
        catalog,
        "robots404",
        [other.base + "/list?u=/articles/r404"],
        follow="a.case",
        expect={"min_documents": 1, "min_dated_fraction": 1.0},
    )
    # A host name (this machine's) whose DNS answer is loopback: refused at resolution.
    port = main.host_port.rsplit(":", 1)[1]
    write_source(catalog, "dns_private", [f"http://{socket.gethostname()}:{port}/feed.xml"])
    write_source(
        catalog,
        "robots500",
        [servers["robots500"].base + "/list?u=/articles/r500"],
        follow="a.case",
    )
    store_url = f"sqlite:///{tmp / 'store.db'}"
    allowed = [s.host_port for name, s in servers.items() if name != "canary"]
    first = crawl(tmp, store_url, allowed, "first")
    main.state.edited_text = (
        "The agency revised its statement: banks must now report AI cyber incidents within a day. "
        * 3
    )
    second = crawl(tmp, store_url, allowed, "second")
    yield World(
        main,
        other,
        servers["tarpit"],
        servers["robots500"],
        servers["canary"],
        tmp,
        store_url,
        first,
        second,
    )
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="module")
def store(world: World) -> Iterator[SQLiteStore]:
    instance = open_store(world.store_url)
    assert isinstance(instance, SQLiteStore)
    yield instance
    instance.close()


def doc_for(store: SQLiteStore, world: World, path: str, server: HostileServer | None = None):
    base = (server or world.main).base
    return store.get(document_id_for(canonicalize(base + path)))


# -- network and crawling ------------------------------------------------------------------------


def test_private_redirect_targets_are_refused_before_connecting(world: World) -> None:  # case 1
    assert "refused private or local address 169.254.169.254" in world.reason(
        world.first, "hostile_list", "/to-metadata"
    )
    assert "refused private or local address 127.0.0.5" in world.reason(
        world.first, "hostile_list", "/to-loopback-other"
    )
    assert world.canary.state.count("/articles/should-not-be-fetched") == 0


def test_host_names_resolving_to_private_addresses_are_refused(world: World) -> None:  # case 2
    try:
        address = socket.gethostbyname(socket.gethostname())
    except OSError:
        pytest.skip("this machine's host name does not resolve")
    import ipaddress

    if ipaddress.ip_address(address).is_global:
        pytest.skip("this machine's host name resolves to a public address")
    problems = world.problems(world.first, "dns_private")
    assert (
        problems and problems[0]["kind"] == "error" and "DNS lookup failed" in problems[0]["reason"]
    )
    # The name resolves fine on this machine; only the guard stops it, so nothing reached the server.
    name = socket.gethostname()
    assert not [
        h for h in world.main.state.hits if h.headers.get("Host", "").startswith(f"{name}:")
    ]


def test_redirect_to_another_scheme_is_refused(world: World) -> None:  # case 3
    assert "only http and https" in world.reason(world.first, "hostile_list", "/to-ftp")


def test_redirect_loops_and_long_chains_stop_at_the_cap(
    world: World, store: SQLiteStore
) -> None:  # case 4
    assert "redirect" in world.reason(world.first, "hostile_list", "/redirect-loop").lower()
    assert "redirect" in world.reason(world.first, "hostile_list", "/chain/0").lower()
    assert world.main.state.count("/chain/11") == 0
    assert world.main.state.count("/redirect-loop") <= 12


def test_cross_origin_redirect_carries_no_cookie_or_authorization(world: World) -> None:  # case 5
    hits = [h for h in world.other.state.hits if h.path == "/articles/cross-origin"]
    assert hits, "the redirect target should have been fetched"
    for hit in hits:
        assert "Cookie" not in hit.headers and "Authorization" not in hit.headers


@pytest.mark.parametrize("path", ["/bomb-gzip", "/bomb-br", "/endless", "/huge"])
def test_oversized_and_bomb_responses_are_cut_and_recorded(
    world: World, store: SQLiteStore, path: str
) -> None:  # cases 6-7
    assert world.reason(world.first, "hostile_list", path).startswith("error")
    assert doc_for(store, world, path) is None


def test_slow_and_silent_servers_time_out_while_others_crawl(
    world: World, store: SQLiteStore
) -> None:  # case 8
    for path in ("/slow", "/hang"):
        assert (
            "timeout" in world.reason(world.first, "tarpit", path).lower()
            or "timed out" in world.reason(world.first, "tarpit", path).lower()
        )
    assert doc_for(store, world, "/articles/dated") is not None


def test_retry_after_is_honoured(world: World, store: SQLiteStore) -> None:  # case 9
    first, second = world.main.state.times("/limited")[:2]
    assert second - first >= 2.0
    assert doc_for(store, world, "/limited") is not None


def test_persistent_5xx_is_retried_recorded_and_tried_next_run(world: World) -> None:  # case 10
    assert "HTTP 503" in world.reason(world.first, "hostile_list", "/broken")
    assert "HTTP 503" in world.reason(world.second, "hostile_list", "/broken")
    assert world.main.state.count("/broken") == 6  # 1 + 2 retries, on each of the two runs


def test_robots_rules_404_and_5xx(world: World, store: SQLiteStore) -> None:  # case 11
    assert "robots.txt" in world.reason(world.first, "hostile_list", "/forbidden/secret")
    assert world.main.state.count("/forbidden/secret") == 0
    assert doc_for(store, world, "/articles/r404", world.other) is not None
    assert world.robots500.state.count("/articles/r500") == 0
    assert world.robots500.state.count("/list") == 0


def test_login_wall_is_not_an_article(world: World, store: SQLiteStore) -> None:  # case 13
    assert "login wall" in world.reason(world.first, "hostile_list", "/login")
    assert doc_for(store, world, "/login") is None


def test_pdf_is_extracted_and_image_skipped(world: World, store: SQLiteStore) -> None:  # case 14
    pdf = doc_for(store, world, "/statement.pdf")
    assert pdf is not None and "G7 Cyber Expert Group" in pdf.text
    assert pdf.published is not None and pdf.published.isoformat() == "2026-05-20"
    assert "not an article" in world.reason(world.first, "hostile_list", "/image")


# -- encodings and extraction --------------------------------------------------------------------


def test_bom_beats_a_wrong_declared_charset(world: World, store: SQLiteStore) -> None:  # case 15
    doc = doc_for(store, world, "/sjis-bom")
    assert doc is not None and "金融庁" in doc.text and "\ufffd" not in doc.text


def test_latin1_declared_cp1252_bytes_decode_cleanly(
    world: World, store: SQLiteStore
) -> None:  # case 16
    doc = doc_for(store, world, "/latin1")
    assert doc is not None and "€5 billion" in doc.text and "\u201cAI cyber risk\u201d" in doc.text
    assert "\ufffd" not in doc.text


def test_invalid_utf8_is_replaced_and_flagged(world: World, store: SQLiteStore) -> None:  # case 17
    doc = doc_for(store, world, "/bad-utf8")
    assert doc is not None and "\ufffd" in doc.text and doc.warnings


def test_deep_nesting_is_flagged_not_crashing(world: World, store: SQLiteStore) -> None:  # case 18
    doc = doc_for(store, world, "/nested")
    assert doc is not None and "Financial Services Agency" in doc.text
    assert any("deeper than" in warning for warning in doc.warnings)


def test_pathological_table_does_not_stop_the_crawl(
    world: World, store: SQLiteStore
) -> None:  # case 19
    stored = doc_for(store, world, "/colspan") is not None
    assert stored or world.reason(world.first, "hostile_list", "/colspan").startswith("skipped")


def test_dates_missing_from_feed_and_future(
    world: World, store: SQLiteStore
) -> None:  # cases 20, 25
    undated = doc_for(store, world, "/articles/undated")
    assert undated is not None and undated.published is None
    assert undated.published_source.value == "none"
    feed_dated = doc_for(store, world, "/articles/feed-dated")
    assert feed_dated is not None and feed_dated.published is not None
    assert (feed_dated.published.isoformat(), feed_dated.published_source.value) == (
        "2026-05-13",
        "feed",
    )
    future = doc_for(store, world, "/articles/future")
    assert future is not None and any("future" in w for w in future.warnings)


def test_url_variants_are_one_document(world: World, store: SQLiteStore) -> None:  # case 21
    with sqlite3.connect(store.path) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM documents WHERE canonical_url LIKE ?", ("%/articles/dated",)
        ).fetchone()
    assert rows[0] == 1
    assert world.main.state.count("/articles/dated") == 2  # once per run, variants not refetched


def test_edited_page_becomes_a_new_version(world: World, store: SQLiteStore) -> None:  # case 22
    doc = doc_for(store, world, "/edited")
    assert doc is not None and doc.version == 2 and "revised its statement" in doc.text
    versions = store.get_versions(doc.id)
    assert "revised" not in versions[0].text and versions[0].archive_id != versions[1].archive_id
    assert world.second.report["hostile_list"]["counts"]["changed"] == 1  # type: ignore[index]


# -- feeds ---------------------------------------------------------------------------------------


def test_malformed_feed_keeps_its_valid_entries(
    world: World, store: SQLiteStore
) -> None:  # case 23
    assert doc_for(store, world, "/articles/bozo-1") is not None
    assert doc_for(store, world, "/articles/bozo-2") is not None
    kinds = {p["kind"] for p in world.problems(world.first, "hostile_bozo")}
    assert "warning" in kinds


def test_entity_declaring_feeds_are_refused(world: World) -> None:  # case 24
    reasons = [p["reason"] for p in world.problems(world.first, "hostile_entities")]
    assert len([r for r in reasons if "entities" in r]) == 2
    assert world.main.state.count("/articles/laughs") == 0
    assert world.main.state.count("/articles/xxe") == 0


def test_markup_in_pages_is_stored_as_inert_text(
    world: World, store: SQLiteStore
) -> None:  # case 26
    doc = doc_for(store, world, "/script")
    assert doc is not None
    assert (
        "INJECTED" not in doc.text
        and "document.write" not in doc.text
        and "onerror" not in doc.text
    )


# -- incremental ---------------------------------------------------------------------------------


def test_second_crawl_stores_nothing_new_and_uses_conditional_requests(world: World) -> None:
    counts = world.second.report["hostile_feed"]["counts"]
    assert counts["new"] == 0 and counts["unchanged"] == 3  # type: ignore[index]
    undated = [h for h in world.main.state.hits if h.path == "/articles/undated"]
    assert len(undated) == 2 and undated[1].headers.get("If-Modified-Since")
    bozo = [h for h in world.main.state.hits if h.path == "/articles/bozo-1"]
    assert len(bozo) == 2 and bozo[1].headers.get("If-None-Match")


def test_crawl_health_is_saved_per_source(world: World, store: SQLiteStore) -> None:
    health = {row["source_id"]: row for row in store.crawl_health()}
    assert set(health) >= {"hostile_feed", "hostile_list", "tarpit", "robots500"}
    assert health["hostile_list"]["errors"] > 0 and health["hostile_list"]["last_error"]


def test_kill_9_mid_crawl_then_crawl_again(tmp_path: Path) -> None:  # case 12
    from crawlers.fixture_server import FixtureServer

    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    links = []
    for i in range(150):
        page = article_html(
            f"Statement {i} on AI cyber resilience", body=f"Statement number {i}. {ARTICLE_TEXT}"
        )
        (site / "news" / f"s{i}.html").write_text(page, encoding="utf-8")
        links.append(f"<a class='item' href='/news/s{i}.html'>{i}</a>")
    (site / "index.html").write_text(
        "<html><body>" + "".join(links) + "</body></html>", encoding="utf-8"
    )
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    with FixtureServer(site) as server:
        write_source(catalog, "many", [server.base_url + "/"], follow="a.item")
        store_url = f"sqlite:///{tmp_path / 'crawl.db'}"
        env = {**os.environ, "POLICYRADAR_DATA_DIR": str(tmp_path / "data")}
        args = [
            sys.executable,
            "-m",
            "policyradar.cli",
            "--store",
            store_url,
            "crawl",
            "--sources",
            str(catalog),
            "--allow-host",
            server.base_url.split("//")[1],
            "--workers",
            "1",
        ]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        probe = open_store(store_url)
        deadline = time.monotonic() + 120
        while probe.count() < 10 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.kill()
        proc.communicate()
        committed = probe.count()
        probe.close()
        assert 0 < committed < 150, "the kill should land mid-crawl"
        with sqlite3.connect(tmp_path / "crawl.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
    store = open_store(store_url)
    assert store.count() == 150
    with sqlite3.connect(tmp_path / "crawl.db") as conn:
        distinct = conn.execute("SELECT count(DISTINCT canonical_url) FROM documents").fetchone()[0]
    assert distinct == 150
    store.close()


def test_sitemap_lastmod_before_the_last_fetch_is_not_refetched(world: World) -> None:
    assert world.main.state.count("/articles/sm-old") == 1
    assert world.main.state.count("/articles/sm-new") == 2  # changed after our fetch: checked again
    assert world.second.report["hostile_sitemap"]["counts"]["unchanged"] == 2  # type: ignore[index]


def test_source_expectations_are_checked_after_the_crawl(world: World) -> None:
    reasons = [p["reason"] for p in world.problems(world.first, "hostile_feed")]
    assert "expected at least 100 documents, have 3" in reasons
    assert not world.problems(world.first, "robots404")
