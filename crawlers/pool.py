"""Run extraction in worker processes with a time and memory budget per page.

A pathological page (a 10,000-level nesting, a ``colspan`` of 2^53, a parser that loops) must not
hang or bloat the crawl. Each worker is a separate process started with ``spawn`` (never a fork
of the Twisted reactor) whose address space is capped with ``RLIMIT_AS``; a page that takes
longer than the time budget gets its worker killed and replaced, and is reported as skipped.
Running extraction off the Scrapy process also lets both cores work: extraction, not fetching,
is what limits crawl speed.

Settings read (via :meth:`ExtractionPool.from_settings`): ``extract_timeout_s``,
``extract_max_memory_mb``.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import resource
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from crawlers.extract import Article, Page, Skipped, extract
from policyradar.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    """Import the heavy extraction libraries before the first page arrives."""
    with contextlib.suppress(Exception):
        import dateparser  # noqa: F401
        import htmldate  # noqa: F401
        import pypdf  # noqa: F401
        import trafilatura  # noqa: F401


def _worker_main(conn: Connection, max_memory_mb: int) -> None:
    limit = max_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _warm_up()
    while True:
        try:
            page = conn.recv()
        except (EOFError, OSError):
            return
        if page is None:
            return
        started = time.perf_counter()
        try:
            result: Article | Skipped = extract(page)
        except MemoryError:
            result = Skipped(page.url, f"extraction exceeded its {max_memory_mb} MB memory budget")
        except RecursionError:
            result = Skipped(page.url, "page nested too deeply to extract")
        except Exception as exc:  # a bug or a parser error on one page must not stop the crawl
            result = Skipped(page.url, f"extraction failed: {type(exc).__name__}: {exc}")
        try:
            conn.send((result, (time.perf_counter() - started) * 1000))
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, max_memory_mb: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_worker_main, args=(child, max_memory_mb), daemon=True
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class ExtractionPool:
    """A fixed set of extraction workers; :meth:`extract` is thread-safe and never raises."""

    def __init__(self, workers: int = 2, *, timeout_s: float = 20.0, max_memory_mb: int = 1024):
        self.timeout_s = timeout_s
        self.max_memory_mb = max_memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._size = max(1, workers)
        self._started = False

    def start(self) -> None:
        """Spawn the workers now (they warm up in the background); idempotent."""
        self._ensure_started()

    def _ensure_started(self) -> None:
        # Workers start on first use, or when start() is called at the beginning of a crawl.
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self._size):
            self._add_worker()

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, workers: int | None = None
    ) -> ExtractionPool:
        """A pool sized for this machine with the configured budgets."""
        settings = settings or get_settings()
        count = workers if workers is not None else max(1, min(4, (os.cpu_count() or 2)))
        return cls(
            count,
            timeout_s=settings.extract_timeout_s,
            max_memory_mb=settings.extract_max_memory_mb,
        )

    def _add_worker(self) -> None:
        worker = _Worker(self.max_memory_mb)
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            closed = self._closed
        if not closed:
            self._add_worker()

    def extract(self, page: Page) -> Article | Skipped:
        """Extract one page within the budget; a timeout or crash becomes a Skipped."""
        return self.extract_timed(page)[0]

    def extract_timed(self, page: Page) -> tuple[Article | Skipped, float]:
        """Like :meth:`extract`, with the milliseconds the worker spent on the page."""
        self._ensure_started()
        worker = self._idle.get()
        try:
            worker.conn.send(page)
            if not worker.conn.poll(self.timeout_s):
                self._replace(worker)
                reason = f"extraction exceeded its {self.timeout_s:g}s budget"
                return Skipped(page.url, reason), self.timeout_s * 1000
            result, milliseconds = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            reason = f"extraction worker died (memory budget {self.max_memory_mb} MB or a crash)"
            return Skipped(page.url, reason), 0.0
        self._idle.put(worker)
        return result, float(milliseconds)

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(timeout=2)
            worker.kill()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
