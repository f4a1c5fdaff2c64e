"""PolicyRadar's spaCy components, registered as factories when this package is imported."""

from __future__ import annotations

from nlp.components import entities

__all__ = ["entities"]
