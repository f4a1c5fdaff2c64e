"""The hand-annotated gold set stays valid, in sync with its builder, and covers the taxonomy."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from policyradar.models import Annotations, EntityLabel, MeasureType

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "nlp"


def test_gold_is_valid_and_covers_every_label_and_measure_type() -> None:
    records = [
        json.loads(line) for line in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) >= 25
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for record in records:
        annotations = Annotations.model_validate(
            {
                "id": record["id"],
                "pipeline": "gold",
                **{k: record[k] for k in ("entities", "measures", "quotes", "dates")},
            }
        )
        text = record["text"]
        for entity in annotations.entities:
            labels[entity.label.value] += 1
            for mention in entity.mentions:
                assert text[mention.start : mention.end] == mention.text
        spans = [(m.start, m.end, m.text) for m in annotations.measures]
        spans += [(q.start, q.end, q.text) for q in annotations.quotes]
        spans += [(d.start, d.end, d.text) for d in annotations.dates]
        for start, end, quoted in spans:
            assert text[start:end] == quoted
        types.update(m.type.value for m in annotations.measures)
    assert set(labels) == {label.value for label in EntityLabel}
    assert set(types) == {kind.value for kind in MeasureType}


HELD_OUT_BUILDERS = ("build_heldout.py", "build_heldout2.py")


@pytest.mark.parametrize(
    "builder",
    ["build_gold.py", *(f"build_dev{i}.py" for i in range(1, 9)), *HELD_OUT_BUILDERS],
)
def test_gold_files_match_their_builders(builder: str) -> None:
    result = subprocess.run(
        [sys.executable, str(GOLD / builder), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
