"""The demo: build the offline fixture site, serve it on 127.0.0.1, crawl it into the store.

The site (``crawlers/demo_site``) is generated from its content and templates into the data
folder, served by :class:`~crawlers.fixture_server.FixtureServer`, and crawled with its own
catalog (``crawlers/demo_site/catalog``, whose URLs use ``{base_url}``). Only the demo server's
own ``host:port`` is exempted from the private-address rule, not loopback in general.

Settings read: ``data_dir`` and everything :func:`crawlers.runner.run_crawl` reads.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.fixture_server import FixtureServer
from crawlers.runner import CrawlContext, SourceReport, run_crawl
from policyradar.catalog import load_catalog
from policyradar.settings import Settings

DEMO_DIR = Path(__file__).resolve().parent / "demo_site"


class DemoUnavailable(Exception):
    """The demo site is not part of this installation."""


@dataclass
class DemoRun:
    """What the demo crawled."""

    base_url: str
    manifest: list[dict[str, Any]]
    reports: dict[str, SourceReport] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def demo_available() -> bool:
    """Whether the fixture site and its catalog ship with this installation."""
    return (DEMO_DIR / "build.py").exists() and (DEMO_DIR / "catalog").is_dir()


def build_demo_site(out_dir: Path, base_url: str) -> list[dict[str, Any]]:
    """Render the fixture site into ``out_dir``; returns its manifest."""
    if not demo_available():
        raise DemoUnavailable(f"the demo site is missing from {DEMO_DIR}")
    module = importlib.import_module("crawlers.demo_site.build")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    manifest: list[dict[str, Any]] = module.build_site(out_dir, base_url)
    return manifest


def run_demo(
    settings: Settings,
    store_url: str,
    *,
    port: int = 0,
    on_start: Callable[[CrawlContext], None] | None = None,
) -> DemoRun:
    """Serve the demo site and crawl it into ``store_url`` (blocking until the crawl ends)."""
    if not demo_available():
        raise DemoUnavailable(f"the demo site is missing from {DEMO_DIR}")
    site_dir = settings.data_dir / "demo_site"
    site_dir.mkdir(parents=True, exist_ok=True)
    server = FixtureServer(site_dir, port=port).start()
    try:
        manifest = build_demo_site(site_dir, server.base_url)
        catalog = load_catalog(DEMO_DIR / "catalog", base_url=server.base_url)
        run = DemoRun(server.base_url, manifest, problems=[str(p) for p in catalog.problems])
        host = server.base_url.split("//", 1)[1]
        run.reports = run_crawl(
            catalog.sources,
            settings=settings,
            store_url=store_url,
            allowed_hosts=(host,),
            on_start=on_start,
        )
        return run
    finally:
        server.stop()
