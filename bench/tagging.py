"""Tagging throughput: the PolicyRadar tagger vs plain spaCy on the same texts, in one run.

The baseline is ``spacy.load(...).pipe(texts)`` of the full en_core_web_sm pipeline (every
component, batch 64) over ~200k words built from the gold set's texts; ours is
``nlp.tagger.tag_documents`` (model without the lemmatizer, plus entity linking, dates, quotes,
measures and relevance). Prints words/s for both, the ratio, and the peak RSS of this process.

Usage: python bench/tagging.py [--words 200000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from nlp.model import load_base
from nlp.tagger import TagInput, tag_documents

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "nlp" / "gold.jsonl"


def corpus(words: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines()]
    out: list[str] = []
    count = 0
    while count < words:
        for text in texts:
            out.append(text)
            count += len(text.split())
            if count >= words:
                break
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--flat-words", type=int, default=1_000_000, help="0 skips the long run")
    parser.add_argument("--huge-mb", type=float, default=5.0, help="0 skips the huge text")
    args = parser.parse_args()
    texts = corpus(args.words)
    total_words = sum(len(text.split()) for text in texts)

    full = load_base(exclude=())
    list(full.pipe(texts[:64], batch_size=64))  # warm-up
    started = time.perf_counter()
    for _ in full.pipe(texts, batch_size=64):
        pass
    raw_seconds = time.perf_counter() - started

    list(tag_documents(TagInput(str(i), text) for i, text in enumerate(texts[:64])))  # warm-up
    started = time.perf_counter()
    for _ in tag_documents(TagInput(str(i), text) for i, text in enumerate(texts)):
        pass
    our_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for _ in tag_documents((TagInput(str(i), text) for i, text in enumerate(texts)), processes=2):
        pass
    two_seconds = time.perf_counter() - started

    raw_rate, our_rate = total_words / raw_seconds, total_words / our_seconds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(texts)} texts, {total_words} words")
    print(f"plain spaCy (full en_core_web_sm): {raw_rate:,.0f} words/s")
    print(f"policyradar tagger:                {our_rate:,.0f} words/s")
    print(f"ratio (ours / plain):              {our_rate / raw_rate:.2f}x (target >= 0.8x)")
    print(f"policyradar tagger, 2 processes:   {total_words / two_seconds:,.0f} words/s")
    print(f"peak RSS of this process:          {peak_mb:,.0f} MB")
    if args.flat_words:
        flat_run(args.flat_words)
    if args.huge_mb:
        huge_text(args.huge_mb)
    return 0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def flat_run(words: int) -> None:
    """Tag ``words`` words as one stream; the peak RSS must stop growing after the first batches."""
    texts = corpus(words)
    checkpoints = sorted({words // 10, words // 4, words // 2, words})
    done = 0
    started = time.perf_counter()
    items = (TagInput(str(i), text) for i, text in enumerate(texts))
    print(f"\n{words:,}-word run (peak RSS so far, MB):")
    for result, text in zip(tag_documents(items), texts, strict=True):
        done += len(text.split())
        while checkpoints and done >= checkpoints[0]:
            print(f"  after {checkpoints.pop(0):>9,} words: {peak_rss_mb():,.0f} MB")
        del result
    print(f"  {done / (time.perf_counter() - started):,.0f} words/s over the run")


def huge_text(megabytes: float) -> None:
    """One text of ``megabytes`` MB (tagged up to MAX_TAG_CHARS): time and peak RSS."""
    from nlp.tagger import MAX_TAG_CHARS

    paragraphs = corpus(5_000)
    text = ""
    while len(text) < megabytes * 1_000_000:
        text += "\n\n".join(paragraphs) + "\n\n"
    started = time.perf_counter()
    (result,) = tag_documents([TagInput("huge", text)])
    print(
        f"\none {len(text) / 1e6:.1f} MB text (first {MAX_TAG_CHARS:,} characters tagged): "
        f"{time.perf_counter() - started:.0f}s, {len(result.entities)} entities, "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
