"""Score ``policyradar extract`` on the article-extraction benchmark, next to plain trafilatura.

Reads ../shared/corpora/article-extraction-benchmark (181 real pages with human-checked bodies)
and reproduces its metric: tokens are ``\\w+`` matches, shingles are 4-grams, TP/FP/FN counted
over shingle multisets and normalised per page; precision and recall averaged over pages
(a page with nothing predicted and nothing expected counts as 1.0); F1 from the two averages.

Our side runs the real CLI (``policyradar extract FILE ... --jsonl``, one process for all
pages); the baseline is ``trafilatura.extract(html)`` with default options, in this process.

Usage: python bench/extraction.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import trafilatura

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpora/article-extraction-benchmark"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[str]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        " ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens
    )


def page_scores(truth: str, predicted: str) -> tuple[float, float]:
    true_counts, pred_counts = shingles(truth), shingles(predicted)
    tp = fp = fn = 0
    for key in set(true_counts) | set(pred_counts):
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp_n, fp_n, fn_n = tp / total, fp / total, fn / total
    precision = tp_n / (tp_n + fp_n) if tp_n + fp_n else 0.0
    recall = tp_n / (tp_n + fn_n) if tp_n + fn_n else 0.0
    return precision, recall


def summarise(
    name: str, truths: dict[str, str], predictions: dict[str, str], seconds: float
) -> None:
    scores = [page_scores(truths[key], predictions.get(key, "")) for key in truths]
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"{name:28} F1 {f1:.3f}  precision {precision:.3f}  recall {recall:.3f}  "
        f"{seconds / len(truths) * 1000:6.1f} ms/page"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    truth_file = args.corpus / "ground-truth.json"
    if not truth_file.exists():
        print(f"benchmark corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    truths = {key: value["articleBody"] for key, value in truth.items()}
    workdir = Path(tempfile.mkdtemp(prefix="policyradar-extract-bench-"))
    pages: dict[str, bytes] = {}
    for key in truths:
        pages[key] = gzip.decompress((args.corpus / "html" / f"{key}.html.gz").read_bytes())
        (workdir / f"{key}.html").write_bytes(pages[key])

    t0 = time.perf_counter()
    baseline = {
        key: trafilatura.extract(body.decode("utf-8", "replace")) or ""
        for key, body in pages.items()
    }
    summarise("trafilatura.extract", truths, baseline, time.perf_counter() - t0)

    files = [str(workdir / f"{key}.html") for key in truths]
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "policyradar.cli", "extract", *files, "--jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    ours: dict[str, str] = {}
    skipped = 0
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        key = Path(record["path"]).stem
        ours[key] = record.get("text") or ""
        skipped += "skipped" in record
    summarise("policyradar extract (CLI)", truths, ours, elapsed)
    print(f"pages {len(truths)}, skipped by policyradar {skipped}, CLI exit code {proc.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
