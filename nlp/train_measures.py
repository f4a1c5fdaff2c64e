"""Build the measure-type classifier from the annotated sets (a development tool, not run by
the tagger).

Trains ``nlp/components/measure_classifier.py``'s model on every sentence of the gold set and the
development sets (``tests/fixtures/nlp``), with the entities the tagger itself finds, and writes
it to ``nlp/data/measure_classifier``. The held-out sets are never read. ``--cv`` first prints a
leave-one-set-out cross-validation on the newest development sets (written by authors whose
texts the rules were not tuned on when they were added): measure-type F1 of the rules alone
and of rules plus classifier. Training is deterministic (fixed seed); rebuild after changing
the entity rules or the annotated sets.

Usage: python -m nlp.train_measures [--cv] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from nlp.components.measure_classifier import (
    ADD,
    KEEP,
    MODEL_DIR,
    build_classifier,
    masked_sentence,
)
from nlp.components.measures import entity_mentions, find_measures, sentences
from nlp.tagger import tag_records

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "nlp"
TRAINING_SETS = ("gold", "dev1", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8")
CV_SETS = ("dev6", "dev7", "dev8")


@dataclass
class Sentence:
    doc_id: str
    start: int
    masked: str
    gold: set[str]
    rules: set[str]


def load_set(name: str) -> list[Sentence]:
    """The relevant sentences of one annotated set, with gold and rule-only types."""
    if name.startswith("heldout"):
        raise ValueError("held-out sets are never used for training")
    records = [
        json.loads(line)
        for line in (FIXTURES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    tagged = tag_records(records)
    out = []
    for record, result in zip(records, tagged, strict=True):
        if result.relevance < 0.5:
            continue  # the tagger states no measures in off-topic documents
        text = record["text"]
        rules = find_measures(text, result.entities, result.dates, use_classifier=False)
        mentions = entity_mentions(result.entities)
        for start, end in sentences(text):
            out.append(
                Sentence(
                    record["id"],
                    start,
                    masked_sentence(text, start, end, mentions),
                    {m["type"] for m in record["measures"] if m["start"] == start},
                    {m.type.value for m in rules if m.start == start},
                )
            )
    return out


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def f1(found: set[tuple[str, int, str]], truth: set[tuple[str, int, str]]) -> float:
    tp = len(found & truth)
    return 2 * tp / (len(found) + len(truth)) if found or truth else 1.0


def cross_validate(data: dict[str, list[Sentence]]) -> None:
    say("leave-one-set-out measure-type F1 (rules alone -> rules + classifier):")
    for held in CV_SETS:
        train = [(s.masked, s.gold) for name, rows in data.items() if name != held for s in rows]
        model = build_classifier(train)
        rows = data[held]
        truth = {(s.doc_id, s.start, kind) for s in rows for kind in s.gold}
        rules = {(s.doc_id, s.start, kind) for s in rows for kind in s.rules}
        combined = set()
        for row, doc in zip(rows, model.pipe([s.masked for s in rows]), strict=True):
            for kind, score in doc.cats.items():
                if (kind in row.rules and score >= KEEP) or score >= ADD:
                    combined.add((row.doc_id, row.start, kind))
        say(f"  {held}: {f1(rules, truth):.3f} -> {f1(combined, truth):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv", action="store_true", help="cross-validate before training")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args()
    data = {name: load_set(name) for name in TRAINING_SETS}
    if args.cv:
        cross_validate(data)
    model = build_classifier([(s.masked, s.gold) for rows in data.values() for s in rows])
    if args.out.exists():
        shutil.rmtree(args.out)
    model.to_disk(args.out)
    count = sum(len(rows) for rows in data.values())
    say(f"trained on {count} sentences from {len(data)} sets; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
