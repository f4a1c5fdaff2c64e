"""Floors on the gold set: they only go up. Raise them when the tagger improves."""

from __future__ import annotations

import json
from pathlib import Path

from bench.nlp_eval import prf, score_entities
from nlp.tagger import TagInput, tag_documents

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "nlp" / "gold.jsonl"
ENTITY_F1_FLOOR = 0.95


def test_entity_f1_with_canonical_names_stays_above_its_floor() -> None:
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    results = tag_documents(TagInput(r["id"], r["text"], r.get("title")) for r in gold)
    predicted = [{(e.label.value, e.name) for e in result.entities} for result in results]
    counts = score_entities(gold, predicted)
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    assert prf(tp, fp, fn)[2] >= ENTITY_F1_FLOOR
