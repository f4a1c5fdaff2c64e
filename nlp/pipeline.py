"""build_nlp(): the base model plus PolicyRadar's components, in order.

Reads no settings. Building loads the model: call it lazily (the tagger caches it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp import components  # noqa: F401 - registers the factories
from nlp.model import load_base, model_label
from policyradar.models import EntityLabel

NLP_VERSION = "0.4.0"  # bump when rules or data change: stores re-tag on the next run


def pipeline_name() -> str:
    """The ``pipeline`` field of tagging results: our version and the base model used."""
    return f"policyradar-nlp/{NLP_VERSION}+{model_label()}"


@lru_cache(maxsize=1)
def build_nlp() -> Any:
    """The full tagging pipeline (cached per process)."""
    nlp = load_base()
    # Interned up front so docs coming back from worker processes (n_process > 1), and docs
    # made inside a memory zone, can always resolve our labels.
    for label in EntityLabel:
        nlp.vocab.strings.add(label.value)
    nlp.add_pipe("policyradar_entities", last=True)
    return nlp
