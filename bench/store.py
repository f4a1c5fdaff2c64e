"""Store benchmark: import N generated documents, then time typical searches with facets.

Prints import docs/s, database size, and search p50/p95 (each query run several times, after
one warm-up). The corpus is topical on purpose: "AI" and "cyber" appear in most documents, which
is the worst case for FTS5 ranking (it scores every match).

Usage: python bench/store.py [--docs 100000] [--words 400] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from policyradar.importer import import_jsonl
from policyradar.store import open_store
from policyradar.store.base import SearchFilters, SearchQuery

TOPIC = [
    "AI",
    "cyber",
    "security",
    "model",
    "access",
    "vulnerability",
    "attack",
    "defence",
    "bank",
    "regulator",
    "guidance",
    "working",
    "group",
    "meeting",
    "ministers",
    "threat",
    "sharing",
    "incident",
    "patch",
    "exploit",
    "risk",
    "frontier",
    "supervision",
    "resilience",
    "critical",
    "infrastructure",
    "software",
    "disclosure",
    "red",
    "team",
    "evaluation",
]
NAMES = [
    "Mythos",
    "Anthropic",
    "FSA",
    "BOJ",
    "Treasury",
    "NCSC",
    "CISA",
    "G7",
    "IMF",
    "ECB",
    "MUFG",
    "Mizuho",
    "SMFG",
    "OpenAI",
    "Japan",
    "Paris",
    "Tokyo",
    "London",
    "Washington",
    "Takaichi",
    "Matsumoto",
    "Taira",
    "Bessent",
    "Bailey",
    "Lagarde",
]
COUNTRIES = ["JP", "US", "GB", "FR", "DE", "EU", "CA", "IT", "G7", "INT"]
KINDS = ["government", "g7", "international", "regulator", "central_bank", "press", "industry"]
LABELS = {
    "GOV_BODY": ["Financial Services Agency", "Bank of Japan", "Federal Reserve", "CISA"],
    "COMPANY": ["Anthropic", "OpenAI", "Mitsubishi UFJ Financial Group", "NTT"],
    "AI_MODEL": ["Claude Mythos", "GPT-5.5", "Gemini"],
    "PERSON": ["Hisashi Matsumoto", "Scott Bessent", "Masaaki Taira"],
    "COUNTRY": ["Japan", "United States", "United Kingdom", "France"],
}
MEASURES = ["model_access", "working_group", "meeting", "guidance", "risk_warning", "funding"]

QUERIES: list[tuple[str, SearchFilters]] = [
    ("cyber", SearchFilters()),
    ("AI", SearchFilters()),
    ("Mythos", SearchFilters()),
    ('"working group"', SearchFilters()),
    ("FSA OR BOJ", SearchFilters()),
    ("ransomware", SearchFilters()),
    ("vulnerability disclosure", SearchFilters(countries=["JP"])),
    ("bank regulator", SearchFilters(source_kinds=["regulator", "central_bank"])),
    ("cyber -sports", SearchFilters(date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))),
    ("Anthropic access", SearchFilters(entity_names=["Anthropic"])),
    ("guidance", SearchFilters(measure_types=["guidance"])),
    ('"critical infrastructure"', SearchFilters(countries=["US", "GB"])),
    ("Takaichi Matsumoto", SearchFilters()),
    ("G7 Paris ministers", SearchFilters(source_kinds=["g7"])),
    ("red team evaluation", SearchFilters(languages=["en"])),
    ("exploit patch", SearchFilters(date_from=date(2026, 3, 1))),
    ("Lagarde ECB", SearchFilters(countries=["EU"])),
    ("threat sharing", SearchFilters(entity_labels=["AI_MODEL"])),
    ("NEAR(", SearchFilters()),
    ("frontier model risk", SearchFilters(countries=["JP"], source_kinds=["press"])),
]


def generate(path: Path, docs: int, words: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    filler = [f"w{n}" for n in range(6000)]
    weights = [1 / (rank + 1) for rank in range(len(filler))]  # Zipf-like
    start = date(2025, 6, 1)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(docs):
            body = rng.choices(filler, weights=weights, k=words)
            for _ in range(words // 12):
                body[rng.randrange(words)] = rng.choice(TOPIC)
            for _ in range(words // 60):
                body[rng.randrange(words)] = rng.choice(NAMES)
            if rng.random() < 0.7:
                body[rng.randrange(words)] = "AI"
            if rng.random() < 0.7:
                body[rng.randrange(words)] = "cyber"
            entities = [
                {"label": label, "name": rng.choice(names)}
                for label, names in LABELS.items()
                if rng.random() < 0.6
            ]
            record = {
                "id": f"bench-{i}",
                "title": " ".join(rng.choices(TOPIC + NAMES, k=8)),
                "text": " ".join(body),
                "published": (start + timedelta(days=rng.randrange(365))).isoformat(),
                "country": rng.choice(COUNTRIES),
                "source_kind": rng.choice(KINDS),
                "language": "en",
                "pipeline": "bench/1",
                "entities": entities,
                "measures": [
                    {"type": rng.choice(MEASURES), "start": 0, "end": 1, "text": "x"}
                    for _ in range(rng.randrange(3))
                ],
            }
            handle.write(json.dumps(record) + "\n")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="policyradar-bench-"))
    source = workdir / "corpus.jsonl"
    db = args.db or workdir / "bench.db"
    if db.exists():
        print(f"reusing {db} (delete it to measure the import again)")
        return run_searches(db, args.docs, args.repeat)
    t0 = time.perf_counter()
    generate(source, args.docs, args.words)
    print(
        f"generated {args.docs} documents x ~{args.words} words in "
        f"{time.perf_counter() - t0:.1f}s ({source.stat().st_size / 1e6:.0f} MB JSONL)"
    )

    store = open_store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    report = import_jsonl(store, source, batch_size=1000)
    elapsed = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    print(
        f"import: {report.new} new in {elapsed:.1f}s = {report.new / elapsed:,.0f} docs/s; "
        f"database {size / 1e6:,.0f} MB"
    )
    store.close()
    return run_searches(db, args.docs, args.repeat)


def run_searches(db: Path, docs: int, repeat: int) -> int:
    store = open_store(f"sqlite:///{db}")
    t0 = time.perf_counter()
    store.search(SearchQuery(text="warmup"))  # builds the in-memory facet index once
    print(
        f"facet index build (first search after writes): {(time.perf_counter() - t0) * 1000:.0f} ms"
    )
    timings: dict[str, list[float]] = {}
    first_runs: list[float] = []
    totals: dict[str, int] = {}
    for text, filters in QUERIES:
        query = SearchQuery(text=text, filters=filters, limit=10, facets=True)
        t0 = time.perf_counter()
        store.search(query)  # first run of this query: nothing of it cached but the OS pages
        first_runs.append((time.perf_counter() - t0) * 1000)
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = store.search(query)
            timings.setdefault(text, []).append((time.perf_counter() - t0) * 1000)
        totals[text] = result.total
    all_ms = [ms for values in timings.values() for ms in values]
    print(f"search with facets over {docs} docs, {len(QUERIES)} queries x {repeat}:")
    for text, values in timings.items():
        print(
            f"  {text!r:32} matches {totals[text]:>7}  median {statistics.median(values):7.1f} ms"
        )
    print(
        f"search p50 {percentile(all_ms, 0.5):.1f} ms, p95 {percentile(all_ms, 0.95):.1f} ms, "
        f"max {max(all_ms):.1f} ms"
    )
    print(
        f"first run of each query: p50 {percentile(first_runs, 0.5):.1f} ms, "
        f"p95 {percentile(first_runs, 0.95):.1f} ms"
    )
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
