"""Evaluate the tagger on the hand-annotated gold set (tests/fixtures/nlp/gold.jsonl).

Entities are scored per document as sets of (label, canonical name): an entity counts only when
both the label and the canonical name are right, which is what search facets and the actors
page depend on. Measures are scored as (type, sentence start) pairs, quotes by recall of the
quoted span and by speaker accuracy on the found ones. The baseline is the raw en_core_web_sm
NER in the same run (PERSON->PERSON, GPE->COUNTRY, ORG->COMPANY, names as written).

Usage: python bench/nlp_eval.py [--gold PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.model import load_base
from nlp.tagger import tag_records
from policyradar.models import EntityLabel

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "nlp" / "gold.jsonl"
RAW_MAP = {"PERSON": "PERSON", "GPE": "COUNTRY", "ORG": "COMPANY"}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_entities(
    gold: list[dict[str, Any]], predicted: list[set[tuple[str, str]]]
) -> dict[str, tuple[int, int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record, found in zip(gold, predicted, strict=True):
        truth = {(e["label"], e["name"]) for e in record["entities"]}
        for label in [label.value for label in EntityLabel]:
            t = {x for x in truth if x[0] == label}
            p = {x for x in found if x[0] == label}
            counts[label][0] += len(t & p)
            counts[label][1] += len(p - t)
            counts[label][2] += len(t - p)
    return {label: (c[0], c[1], c[2]) for label, c in counts.items()}


def report(name: str, counts: dict[str, tuple[int, int, int]]) -> None:
    print(f"\n{name}")
    total = [0, 0, 0]
    for label, (tp, fp, fn) in counts.items():
        precision, recall, f1 = prf(tp, fp, fn)
        print(
            f"  {label:10} P {precision:.2f}  R {recall:.2f}  F1 {f1:.2f}"
            f"   (tp {tp}, fp {fp}, fn {fn})"
        )
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
    precision, recall, f1 = prf(*total)
    print(f"  {'all':10} P {precision:.2f}  R {recall:.2f}  F1 {f1:.2f}")


def measures_and_quotes(gold: list[dict[str, Any]], results: Iterable[dict[str, Any]]) -> None:
    results = list(results)
    dtp = dfp = dfn = 0
    for record, result in zip(gold, results, strict=True):
        truth_dates = {(d["start"], d["end"], d["value"]) for d in record["dates"]}
        found_dates = {(d["start"], d["end"], d["value"]) for d in result["dates"]}
        dtp += len(truth_dates & found_dates)
        dfp += len(found_dates - truth_dates)
        dfn += len(truth_dates - found_dates)
    precision, recall, f1 = prf(dtp, dfp, dfn)
    print(f"\ndates (span and resolved value): P {precision:.2f}  R {recall:.2f}  F1 {f1:.2f}")
    tp = fp = fn = 0
    quotes_found = quotes_total = speakers_right = 0
    for record, result in zip(gold, results, strict=True):
        truth = {(m["type"], m["start"]) for m in record["measures"]}
        found = {(m["type"], m["start"]) for m in result["measures"]}
        tp, fp, fn = tp + len(truth & found), fp + len(found - truth), fn + len(truth - found)
        predicted = {(q["start"], q["end"]): q.get("speaker") for q in result["quotes"]}
        for quote in record["quotes"]:
            quotes_total += 1
            key = (quote["start"], quote["end"])
            if key in predicted:
                quotes_found += 1
                speakers_right += predicted[key] == quote["speaker"]
    print(f"\nmeasure types: F1 {prf(tp, fp, fn)[2]:.2f} (tp {tp}, fp {fp}, fn {fn})")
    recall = quotes_found / quotes_total if quotes_total else 0.0
    accuracy = speakers_right / quotes_found if quotes_found else 0.0
    print(
        f"quotes: recall {recall:.2f} ({quotes_found}/{quotes_total}), "
        f"speaker accuracy {accuracy:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()
    gold = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines()]

    raw = load_base(exclude=())
    baseline = []
    for record in gold:
        doc = raw(record["text"])
        baseline.append({(RAW_MAP[e.label_], e.text) for e in doc.ents if e.label_ in RAW_MAP})
    report("raw en_core_web_sm NER (baseline)", score_entities(gold, baseline))

    results = [annotations.model_dump(mode="json") for annotations in tag_records(gold)]
    ours = [{(e["label"], e["name"]) for e in result["entities"]} for result in results]
    report("policyradar tagger", score_entities(gold, ours))
    people = roles = affiliations = 0
    for record, result in zip(gold, results, strict=True):
        found = {e["name"]: e["attrs"] for e in result["entities"] if e["label"] == "PERSON"}
        for entity in record["entities"]:
            if entity["label"] == "PERSON":
                want, got = entity.get("attrs") or {}, found.get(entity["name"], {})
                people += 1
                roles += want.get("role") == got.get("role")
                affiliations += want.get("affiliation") == got.get("affiliation")
    print(
        f"\npersons: role exact {roles / max(people, 1):.2f}, "
        f"affiliation exact {affiliations / max(people, 1):.2f} ({people} people)"
    )
    measures_and_quotes(gold, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
