"""A trained sentence classifier for measure types, used alongside the cue rules.

The cue rules (``measures.py``) are precise on the phrasings they know and blind to the rest; a
small spaCy ``textcat_multilabel`` model, trained on every annotated set except the held-out
ones, has learnt which words tend to go with each of the twelve types across ten authors. The
two are combined per sentence: a type the rules find is kept unless the classifier is almost
sure it is wrong (score below ``KEEP``), and a type the rules miss is added when the classifier
is confident (score of at least ``ADD``). Both thresholds were fixed by leave-one-author-out
cross-validation (``nlp/train_measures.py`` prints it), never on the held-out sets.

The classifier reads a sentence with the names of bodies, people and models replaced by their
labels ("gov_body said it would ..."), so that it learns what is done, not who does it.

The model lives in ``nlp/data/measure_classifier`` (rebuilt by ``python -m nlp.train_measures``);
when it is missing the rules work alone. Reads no settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from policyradar.models import MeasureType

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "measure_classifier"
KEEP = 0.05
ADD = 0.5
# Bag of words plus a small CNN: in leave-one-author-out cross-validation it added 0.05 F1 to
# the rules on average, the bag of words alone 0.03.
ARCHITECTURE = "ensemble"
LABELS = [kind.value for kind in MeasureType]


def masked_sentence(
    text: str, start: int, end: int, mentions: Sequence[tuple[int, int, str, str]]
) -> str:
    """The sentence ``text[start:end]`` with every mention inside it replaced by its label;
    ``mentions`` are (start, end, label, name) tuples, as ``measures`` keeps them."""
    sentence = text[start:end]
    inside = [m for m in mentions if start <= m[0] and m[1] <= end]
    for m_start, m_end, label, _ in sorted(inside, reverse=True):
        sentence = f"{sentence[: m_start - start]} {label.lower()} {sentence[m_end - start :]}"
    return sentence


@lru_cache(maxsize=1)
def load_classifier(path: Path = MODEL_DIR) -> Any:
    """The trained pipeline, or None when it has not been built."""
    if not (path / "config.cfg").exists():
        return None
    import spacy

    return spacy.load(path)


def type_scores(sentences: Sequence[str]) -> list[dict[str, float]]:
    """Per sentence, the classifier's score of each measure type (empty without a model)."""
    classifier = load_classifier()
    if classifier is None or not sentences:
        return [{} for _ in sentences]
    return [dict(doc.cats) for doc in classifier.pipe(sentences, batch_size=64)]


def build_classifier(
    examples: Sequence[tuple[str, set[str]]],
    architecture: str = ARCHITECTURE,
    seed: int = 0,
    epochs: int = 20,
) -> Any:
    """Train a fresh classifier on (masked sentence, measure types) pairs, deterministically:
    a bag of words and word pairs ("bow"), or that plus a small CNN ("ensemble")."""
    import random

    import spacy
    from spacy.training import Example
    from spacy.util import minibatch
    from thinc.api import fix_random_seed

    fix_random_seed(seed)
    nlp = spacy.blank("en")
    linear = {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 2**16,
    }
    tok2vec = {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": 64,
            "rows": [2000, 1000, 1000, 1000],
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": 64,
            "window_size": 1,
            "maxout_pieces": 3,
            "depth": 2,
        },
    }
    model = (
        linear
        if architecture == "bow"
        else {
            "@architectures": "spacy.TextCatEnsemble.v2",
            "nO": None,
            "linear_model": linear,
            "tok2vec": tok2vec,
        }
    )
    textcat: Any = nlp.add_pipe("textcat_multilabel", config={"model": model})
    for label in LABELS:
        textcat.add_label(label)
    data = [
        Example.from_dict(nlp.make_doc(text), {"cats": {k: float(k in kinds) for k in LABELS}})
        for text, kinds in examples
    ]
    optimizer = nlp.initialize(lambda: data)
    order = random.Random(seed)  # noqa: S311 - shuffling, not secrets
    for _ in range(epochs):
        order.shuffle(data)
        for batch in minibatch(data, size=16):  # type: ignore[no-untyped-call]
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return nlp
