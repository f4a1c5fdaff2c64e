"""The measure-type classifier: the shipped model, how it is combined with the rules, and a
small training run."""

from __future__ import annotations

from datetime import date

from nlp.components.measure_classifier import (
    ADD,
    KEEP,
    LABELS,
    build_classifier,
    load_classifier,
    masked_sentence,
    type_scores,
)
from nlp.components.measures import _combine, entity_mentions, find_measures
from nlp.tagger import TagInput, tag_documents
from policyradar.models import MeasureType


def test_the_shipped_model_scores_every_type() -> None:
    assert load_classifier() is not None
    (scores,) = type_scores(["gov_body will hold a meeting with banks next week ."])
    assert sorted(scores) == sorted(LABELS)
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert scores["meeting"] > scores["funding"]


def test_rules_are_kept_unless_rejected_and_confident_scores_add_types() -> None:
    rules = [MeasureType.GUIDANCE, MeasureType.FUNDING]
    scores = dict.fromkeys(LABELS, 0.0)
    scores.update(guidance=0.4, funding=KEEP / 2, meeting=ADD)
    assert _combine(rules, scores) == [MeasureType.GUIDANCE, MeasureType.MEETING]
    assert _combine(rules, {}) == rules  # no model: the rules alone


def test_names_are_masked_by_label() -> None:
    text = "The Financial Services Agency asked Anthropic for access to Claude Mythos."
    (result,) = tag_documents([TagInput("m", text, None, date(2026, 5, 20))])
    masked = masked_sentence(text, 0, len(text), entity_mentions(result.entities))
    assert "Financial Services Agency" not in masked and "gov_body" in masked
    assert "company" in masked and "ai_model" in masked


def test_the_classifier_changes_only_types_of_sentences_the_rules_see() -> None:
    text = (
        "The Financial Services Agency will hold a meeting with the megabanks on Monday. "
        "Is the agency ready?"
    )
    (result,) = tag_documents([TagInput("m", text, None, date(2026, 5, 20))])
    with_model = find_measures(text, result.entities, result.dates)
    rules = find_measures(text, result.entities, result.dates, use_classifier=False)
    assert {m.start for m in with_model} | {m.start for m in rules} == {0}  # never the question
    assert MeasureType.MEETING in {m.type for m in with_model}


def test_a_small_training_run_learns_its_examples() -> None:
    examples = [("gov_body will meet banks on monday .", {"meeting"})] * 8 + [
        ("gov_body will fund cyber training with a new budget .", {"funding"})
    ] * 8
    model = build_classifier(examples, architecture="bow", epochs=10)
    meeting, funding = (doc.cats for doc in model.pipe([examples[0][0], examples[-1][0]]))
    assert meeting["meeting"] > meeting["funding"]
    assert funding["funding"] > funding["meeting"]
