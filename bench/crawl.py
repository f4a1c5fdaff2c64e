"""Crawl benchmark: end-to-end crawl vs a bare Scrapy fetch of the same pages, on loopback.

Sites: the demo site (when ``crawlers/demo_site`` is present) and a generated 1,000-page site
with realistic boilerplate. For each: a bare Scrapy fetch of every article URL (no extraction,
no storage) gives the baseline pages/s; then ``policyradar crawl`` (the real CLI) crawls the
site into a fresh store and reports pages/s and extraction ms/page (median, p95); then a second
crawl of the unchanged site measures the incremental cost. Politeness delays are set to zero for
both sides (``POLICYRADAR_CRAWL_DELAY_S=0``) so the figures compare processing, not waiting.

Usage: python bench/crawl.py [--pages 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from crawlers.fixture_server import FixtureServer

BENCH_ENV = {"POLICYRADAR_CRAWL_DELAY_S": "0", "POLICYRADAR_CRAWL_CONCURRENCY_PER_DOMAIN": "8"}
WORDS = [
    "the",
    "agency",
    "said",
    "banks",
    "must",
    "test",
    "defences",
    "against",
    "cyber",
    "attacks",
    "that",
    "use",
    "frontier",
    "models",
    "officials",
    "will",
    "share",
    "threat",
    "information",
    "and",
    "publish",
    "guidance",
    "on",
    "patching",
    "vulnerabilities",
    "ministers",
    "met",
    "regulators",
    "to",
    "discuss",
    "supervision",
    "resilience",
    "and",
    "incident",
    "reporting",
    "rules",
]


def generate_site(root: Path, pages: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    (root / "news").mkdir(parents=True)
    paths = []
    for i in range(pages):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choices(WORDS, k=rng.randint(40, 90))).capitalize() + ".</p>"
            for _ in range(rng.randint(4, 9))
        )
        html = (
            f"<!doctype html><html lang='en'><head><title>Statement {i} on AI cyber risk</title>"
            f"<meta property='article:published_time' content='2026-0{1 + i % 5}-{1 + i % 28:02d}'>"
            "</head><body><header><nav><a href='/'>Home</a> <a href='/news/'>News</a> "
            "<a href='/about'>About</a></nav><div class='cookie'>We use cookies.</div></header>"
            f"<main><article><h1>Statement {i} on AI cyber risk</h1>{paragraphs}</article></main>"
            "<aside><h3>Most read</h3><ul>"
            + "".join(f"<li>Story {j}</li>" for j in range(8))
            + "</ul></aside><section class='comments'><p>Great article!</p></section>"
            "<footer>Demo fixture | Privacy | Contact</footer></body></html>"
        )
        path = f"/news/s{i}.html"
        (root / path.lstrip("/")).write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def write_sitemap(root: Path, base: str, paths: list[str]) -> None:
    urls = "".join(
        f"<url><loc>{base}{path}</loc><lastmod>2026-05-{1 + i % 28:02d}</lastmod></url>"
        for i, path in enumerate(paths)
    )
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>",
        encoding="utf-8",
    )


def write_catalog(folder: Path, source_id: str, start_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "id": source_id,
        "name": source_id,
        "publisher": "Bench",
        "kind": "government",
        "country": "JP",
        "start_urls": [start_url],
    }
    (folder / f"{source_id}.yml").write_text(json.dumps(data), encoding="utf-8")
    return folder


BARE_SPIDER = """
import json, sys, time
import scrapy
from scrapy.crawler import CrawlerProcess

urls = json.load(open(sys.argv[1]))
count = [0]

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, callback=self.parse)
    def parse(self, response):
        count[0] += 1

process = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                          "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False,
                          "TELNETCONSOLE_ENABLED": False})
process.crawl(Bare)
started = time.perf_counter()
process.start()
print(json.dumps({"pages": count[0], "seconds": time.perf_counter() - started}))
"""


def bare_fetch(urls: list[str], workdir: Path) -> tuple[int, float]:
    url_file = workdir / "urls.json"
    url_file.write_text(json.dumps(urls), encoding="utf-8")
    script = workdir / "bare.py"
    script.write_text(BARE_SPIDER, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(url_file)], capture_output=True, text=True, check=True
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return int(result["pages"]), float(result["seconds"])


def policyradar_crawl(
    catalog: Path, store: Path, host: str, workdir: Path, name: str
) -> tuple[float, float, dict[str, Any]]:
    """Run the real CLI; return (wall seconds, crawl engine seconds, report)."""
    report_file = workdir / f"{name}.json"
    env = {**os.environ, **BENCH_ENV, "POLICYRADAR_DATA_DIR": str(workdir / "data")}
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "policyradar.cli", "--store", f"sqlite:///{store}", "crawl"),
            *("--sources", str(catalog), "--allow-host", host, "--report", str(report_file)),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    report: dict[str, Any] = json.loads(report_file.read_text(encoding="utf-8"))
    starts = [datetime.fromisoformat(r["started_at"]) for r in report.values()]
    ends = [datetime.fromisoformat(r["finished_at"]) for r in report.values() if r["finished_at"]]
    engine = (max(ends) - min(starts)).total_seconds() if ends else wall
    return wall, engine, report


def measure(
    name: str, server: FixtureServer, urls: list[str], catalog: Path, workdir: Path
) -> None:
    host = server.base_url.split("//", 1)[1]
    pages, bare_seconds = bare_fetch(urls, workdir)
    store = workdir / f"{name.replace(' ', '-')}.db"
    wall, engine, report = policyradar_crawl(catalog, store, host, workdir, f"{name}-first")
    wall2, engine2, report2 = policyradar_crawl(catalog, store, host, workdir, f"{name}-second")
    counts = {
        key: sum(r["counts"][key] for r in report.values())
        for key in ("pages", "new", "skipped", "errors")
    }
    extract_ms = sorted(ms for r in report.values() for ms in r["extract_ms"])
    second = {key: sum(r["counts"][key] for r in report2.values()) for key in ("new", "unchanged")}
    bare_rate, our_rate = pages / bare_seconds, counts["pages"] / engine
    print(f"\n{name}: {len(urls)} article URLs")
    print(f"  bare Scrapy fetch:   {pages} pages in {bare_seconds:.1f}s = {bare_rate:.1f} pages/s")
    print(
        f"  policyradar crawl:   {counts['pages']} pages ({counts['new']} stored, "
        f"{counts['skipped']} skipped, {counts['errors']} errors) in {engine:.1f}s "
        f"= {our_rate:.1f} pages/s ({wall:.1f}s with process start)"
    )
    if extract_ms:
        p95 = extract_ms[int(0.95 * (len(extract_ms) - 1))]
        print(
            f"  extraction:          median {statistics.median(extract_ms):.1f} ms/page, "
            f"p95 {p95:.1f} ms/page (in worker processes, queueing included)"
        )
    print(
        f"  end-to-end / bare:   {our_rate / bare_rate:.2f} (the crawl with extraction takes "
        f"{bare_rate / our_rate:.2f}x the bare fetch's time per page)"
    )
    print(
        f"  re-crawl unchanged:  {engine2:.2f}s = {engine2 / engine:.0%} of the first crawl "
        f"({wall2:.1f}s with process start); new {second['new']}, unchanged {second['unchanged']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="policyradar-crawl-bench-"))

    generated = workdir / "generated"
    paths = generate_site(generated, args.pages)
    with FixtureServer(generated) as server:
        write_sitemap(generated, server.base_url, paths)
        catalog = write_catalog(
            workdir / "catalog-generated", "generated", server.base_url + "/sitemap.xml"
        )
        measure("generated site", server, [server.base_url + p for p in paths], catalog, workdir)

    try:
        from crawlers.demo_site.build import build_site  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        print("\ndemo site: crawlers/demo_site is not present; skipped")
        return 0
    demo = workdir / "demo"
    with FixtureServer(demo) as server:
        manifest = build_site(demo, server.base_url)
        from policyradar.catalog import load_catalog

        catalog_dir = Path(__file__).resolve().parents[1] / "crawlers" / "demo_site" / "catalog"
        substituted = workdir / "catalog-demo"
        substituted.mkdir()
        for source in load_catalog(catalog_dir, base_url=server.base_url).sources:
            (substituted / f"{source.id}.yml").write_text(
                json.dumps(source.model_dump(mode="json", exclude_none=True)), encoding="utf-8"
            )
        urls = [item["url"] for item in manifest]
        measure("demo site", server, urls, substituted, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
