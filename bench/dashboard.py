"""Dashboard benchmark: AppTest timings of the Search page on a 100,000-document SQLite store.

Prints, for the same store in the same run:
- the first render of the app (store opened, Search page without a query);
- the first render of a search (``?q=cyber`` in the URL), which also builds the store's
  in-memory facet index the first time;
- a filtered query (country and source kind added) once warm, median and max of several runs;
- the same searches called directly on the store (the baseline), and the dashboard's overhead
  as a ratio to it.
Targets (issue 5): first render of Search <= 1.5 s; a filtered query <= 0.5 s.

Usage: python bench/dashboard.py [--docs 100000] [--db PATH] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.store import generate
from policyradar.importer import import_jsonl
from policyradar.models import SourceKind
from policyradar.settings import get_settings
from policyradar.store import open_store
from policyradar.store.base import SearchFilters, SearchQuery

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def build(db: Path, docs: int) -> None:
    source = db.with_suffix(".jsonl")
    generate(source, docs, 400)
    store = open_store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    import_jsonl(store, source, batch_size=1000)
    print(f"built {docs:,} documents in {time.perf_counter() - t0:.0f}s")
    store.close()
    source.unlink()


def timed_app(**params: str | list[str]) -> tuple[float, object]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.query_params.update(params)
    t0 = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"the app failed: {at.exception[0].value}")
    return elapsed, at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="policyradar-dash-")) / "bench.db"
    if not db.exists():
        build(db, args.docs)
    else:
        print(f"reusing {db}")
    os.environ["POLICYRADAR_STORE"] = f"sqlite:///{db}"
    get_settings.cache_clear()

    first, _ = timed_app()
    print(f"first render of the app (Search, no query): {first:.2f}s")
    first_query, _ = timed_app(q="cyber")
    print(f"first render of a search (q=cyber, builds the facet index): {first_query:.2f}s")
    warm_query, _ = timed_app(q="cyber")
    print(f"render of a search once warm (q=cyber): {warm_query:.2f}s")

    filtered_params: dict[str, str | list[str]] = {
        "q": "cyber",
        "country": "JP",
        "kind": ["government", "regulator"],
    }
    app_times = [timed_app(**filtered_params)[0] for _ in range(args.repeat)]
    store = open_store(f"sqlite:///{db}")
    query = SearchQuery(
        text="cyber",
        filters=SearchFilters(
            countries=["JP"], source_kinds=[SourceKind.GOVERNMENT, SourceKind.REGULATOR]
        ),
        facet_size=30,
    )
    store.search(query)
    store_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        store.search(query)
        store_times.append(time.perf_counter() - t0)
    app_median, store_median = statistics.median(app_times), statistics.median(store_times)
    print(
        f"filtered query in the app: median {app_median:.3f}s, max {max(app_times):.3f}s "
        f"(target 0.5s)"
    )
    print(
        f"same query on the store directly (baseline): median {store_median:.3f}s; "
        f"the app costs {app_median / store_median:.1f}x the bare search"
    )
    verdict = first <= 1.5 and app_median <= 0.5
    print("targets met" if verdict else "a target was MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
