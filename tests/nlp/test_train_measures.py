"""The classifier's training script: what it reads and refuses to read."""

from __future__ import annotations

import pytest

from nlp.train_measures import TRAINING_SETS, f1, load_set


def test_held_out_sets_are_never_training_data() -> None:
    assert not [name for name in TRAINING_SETS if name.startswith("heldout")]
    with pytest.raises(ValueError, match="held-out"):
        load_set("heldout2")


def test_a_set_becomes_masked_sentences_with_gold_and_rule_types() -> None:
    rows = load_set("gold")
    assert len(rows) > 200
    assert all("Financial Services Agency" not in row.masked for row in rows)
    assert sum(len(row.gold) for row in rows) > 150
    truth = {(row.doc_id, row.start, kind) for row in rows for kind in row.gold}
    rules = {(row.doc_id, row.start, kind) for row in rows for kind in row.rules}
    assert f1(truth, truth) == 1.0
    assert 0.5 < f1(rules, truth) < 1.0
