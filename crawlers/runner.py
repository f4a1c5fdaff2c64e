"""Run a crawl of catalog sources in one Scrapy process and report per source.

The :class:`CrawlContext` is shared by the spiders and pipelines of one run: the store, the
archive, the extraction pool and per-source counters (pages fetched, documents new / changed /
unchanged / duplicate, skipped pages with reasons, errors). At the end of each source its
counts are saved as crawl health for the dashboard.

Settings read: the PolicyRadar settings passed in (timeouts, size limits, archive folder).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawlers.pool import ExtractionPool
from crawlers.settings import scrapy_settings
from crawlers.spiders.catalog import CatalogSpider
from policyradar.archive import Archive
from policyradar.models import Source
from policyradar.settings import Settings
from policyradar.store import Store, open_store
from policyradar.store.base import SearchFilters, SearchQuery

logger = logging.getLogger(__name__)

COUNTERS = ("pages", "new", "changed", "unchanged", "duplicate", "skipped", "errors")


@dataclass
class SourceReport:
    """What a crawl did for one source."""

    source_id: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, url, reason)
    extract_ms: list[float] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as written by ``policyradar crawl --report``."""
        return {
            "source_id": self.source_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "counts": self.counts,
            "extract_ms": [round(ms, 2) for ms in self.extract_ms],
            "problems": [
                {"kind": kind, "url": url, "reason": reason} for kind, url, reason in self.problems
            ],
        }

    @property
    def last_error(self) -> str | None:
        """The most recent error, as 'url: reason'."""
        for kind, url, reason in reversed(self.problems):
            if kind == "error":
                return f"{url}: {reason}"
        return None


@dataclass
class CrawlContext:
    """Everything the spiders and pipelines of one run share."""

    store: Store
    archive: Archive
    pool: ExtractionPool
    reports: dict[str, SourceReport] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _report(self, source_id: str) -> SourceReport:
        report = self.reports.get(source_id)
        if report is None:
            report = self.reports[source_id] = SourceReport(source_id)
        return report

    def count(self, source_id: str, counter: str, amount: int = 1) -> None:
        """Add to one of a source's counters."""
        with self.lock:
            counts = self._report(source_id).counts
            counts[counter] = counts.get(counter, 0) + amount

    def timed(self, source_id: str, milliseconds: float) -> None:
        """Record how long one page's extraction took."""
        with self.lock:
            self._report(source_id).extract_ms.append(milliseconds)

    def skip(self, source_id: str, url: str, reason: str) -> None:
        """A page that is deliberately not stored, and why."""
        with self.lock:
            report = self._report(source_id)
            report.counts["skipped"] += 1
            report.problems.append(("skipped", url, reason))

    def error(self, source_id: str, url: str, reason: str) -> None:
        """A page or feed that failed."""
        with self.lock:
            report = self._report(source_id)
            report.counts["errors"] += 1
            report.problems.append(("error", url, reason))
        logger.info("error on %s: %s", url, reason)

    def warn(self, source_id: str, url: str, reason: str) -> None:
        """Something odd that did not stop the crawl (a malformed feed)."""
        with self.lock:
            self._report(source_id).problems.append(("warning", url, reason))

    def snapshot(self) -> dict[str, dict[str, int]]:
        """A copy of every source's counters, for a progress display."""
        with self.lock:
            return {sid: dict(report.counts) for sid, report in self.reports.items()}


def check_expectations(store: Store, source: Source) -> list[str]:
    """The source's data-quality assertions (``expect`` in its catalog file) that fail."""
    expect = source.expect
    if expect.min_documents is None and expect.min_dated_fraction is None:
        return []
    mine = SearchFilters(source_ids=[source.id])
    total = store.search(SearchQuery(filters=mine, limit=0, facets=False)).total
    failures = []
    if expect.min_documents is not None and total < expect.min_documents:
        failures.append(f"expected at least {expect.min_documents} documents, have {total}")
    if expect.min_dated_fraction is not None and total:
        dated_filter = mine.model_copy(update={"date_from": date(1900, 1, 1)})
        dated = store.search(SearchQuery(filters=dated_filter, limit=0, facets=False)).total
        if dated / total < expect.min_dated_fraction:
            failures.append(
                f"expected at least {expect.min_dated_fraction:.0%} of documents dated, "
                f"have {dated / total:.0%}"
            )
    return failures


def run_crawl(
    sources: Sequence[Source],
    *,
    settings: Settings,
    store_url: str,
    allow_private_hosts: bool = False,
    allowed_hosts: tuple[str, ...] = (),
    workers: int | None = None,
    scrapy_overrides: dict[str, Any] | None = None,
    on_start: Callable[[CrawlContext], None] | None = None,
) -> dict[str, SourceReport]:
    """Crawl ``sources`` to completion (blocking) and return a report per source.

    Can run once per process: Scrapy's reactor cannot be restarted.
    """
    store = open_store(store_url, settings)
    pool = ExtractionPool.from_settings(settings, workers)
    context = CrawlContext(store=store, archive=Archive(settings.resolved_archive_dir), pool=pool)
    for source in sources:
        context.reports[source.id] = SourceReport(source.id)
    if on_start is not None:
        on_start(context)
    process = CrawlerProcess(
        scrapy_settings(
            settings,
            store_url=store_url,
            allow_private_hosts=allow_private_hosts,
            allowed_hosts=allowed_hosts,
            overrides=scrapy_overrides,
        )
    )

    by_id = {source.id: source for source in sources}

    def finished(source_id: str) -> Callable[..., None]:
        def handler(**_: Any) -> None:
            report = context.reports[source_id]
            report.finished_at = datetime.now(UTC)
            for failure in check_expectations(store, by_id[source_id]):
                context.error(source_id, "(source)", failure)
            store.record_crawl_run(
                source_id,
                started_at=report.started_at,
                finished_at=report.finished_at,
                counts=report.counts,
                last_error=report.last_error,
            )

        return handler

    try:
        for source in sources:
            crawler = process.create_crawler(CatalogSpider)
            crawler.signals.connect(finished(source.id), signal=signals.spider_closed, weak=False)
            process.crawl(crawler, source=source, context=context)
        process.start()
    finally:
        pool.close()
        store.close()
    return context.reports
