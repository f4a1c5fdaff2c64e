"""The gazetteer: canonical entities with aliases, read from ``nlp/gazetteer/*.yaml``.

Each entry has an ``id`` (unique slug), a canonical ``name``, a ``label`` (one of the six),
``aliases`` (matched exactly as written), and optionally ``country``, ``wikidata``, ``parent``,
and for people ``role`` and ``affiliation``. An alias shared by two entries must have a rule in
``disambiguation.yaml`` (a default entry, and context words that pick another one).
Reads no settings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from policyradar.models import EntityLabel

GAZETTEER_DIR = Path(__file__).resolve().parent / "gazetteer"


class GazetteerError(ValueError):
    """The gazetteer data is inconsistent; the message names the file and entry."""


@dataclass(frozen=True)
class Entry:
    """One canonical entity."""

    id: str
    name: str
    label: EntityLabel
    aliases: tuple[str, ...] = ()
    country: str | None = None
    wikidata: str | None = None
    parent: str | None = None
    role: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True)
class Rule:
    """How to resolve an alias shared by several entries."""

    alias: str
    default: str
    context: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (entry id, context words)


@dataclass
class Gazetteer:
    """Entries by id, and every surface form -> candidate entry ids."""

    entries: dict[str, Entry] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rules: dict[str, Rule] = field(default_factory=dict)

    def candidates(self, form: str) -> list[Entry]:
        """Entries a surface form may refer to."""
        return [self.entries[i] for i in self.forms.get(form, [])]

    def resolve(self, form: str, context: str) -> Entry | None:
        """The entry a surface form refers to, using disambiguation rules and context."""
        ids = self.forms.get(form, [])
        if not ids:
            return None
        if len(ids) == 1:
            return self.entries[ids[0]]
        rule = self.rules.get(form)
        if rule is None:
            return self.entries[ids[0]]
        for entry_id, words in rule.context:
            if any(word in context for word in words):
                return self.entries[entry_id]
        return self.entries[rule.default]

    def ambiguous_without_rule(self) -> dict[str, list[str]]:
        """Surface forms mapping to several entries with no disambiguation rule."""
        return {
            form: ids
            for form, ids in self.forms.items()
            if len(set(ids)) > 1 and form not in self.rules
        }


def _entry(raw: dict[str, object], path: Path) -> Entry:
    try:
        aliases = raw.get("aliases") or []
        if not isinstance(aliases, list):
            raise TypeError("aliases must be a list")
        return Entry(
            id=str(raw["id"]),
            name=str(raw["name"]),
            label=EntityLabel(str(raw["label"])),
            aliases=tuple(str(a) for a in aliases),
            country=str(raw["country"]) if raw.get("country") else None,
            wikidata=str(raw["wikidata"]) if raw.get("wikidata") else None,
            parent=str(raw["parent"]) if raw.get("parent") else None,
            role=str(raw["role"]) if raw.get("role") else None,
            affiliation=str(raw["affiliation"]) if raw.get("affiliation") else None,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise GazetteerError(f"{path}: bad entry {raw.get('id', '?')!r}: {exc}") from exc


def load_gazetteer(folder: Path = GAZETTEER_DIR) -> Gazetteer:
    """Read every YAML file of the gazetteer; raises GazetteerError on inconsistent data."""
    gazetteer = Gazetteer()
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "disambiguation.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("entries", []):
            entry = _entry(raw, path)
            if entry.id in gazetteer.entries:
                raise GazetteerError(f"{path}: duplicate id {entry.id!r}")
            gazetteer.entries[entry.id] = entry
            for form in {entry.name, *entry.aliases}:
                if entry.id not in gazetteer.forms[form]:
                    gazetteer.forms[form].append(entry.id)
    rules_path = folder / "disambiguation.yaml"
    if rules_path.exists():
        data = yaml.safe_load(rules_path.read_text(encoding="utf-8")) or {}
        for raw in data.get("ambiguous", []):
            context = tuple(
                (str(rule["entry"]), tuple(str(w) for w in rule.get("context_any", [])))
                for rule in raw.get("rules", [])
            )
            rule = Rule(alias=str(raw["alias"]), default=str(raw["default"]), context=context)
            for entry_id in (rule.default, *(e for e, _ in context)):
                if entry_id not in gazetteer.entries:
                    raise GazetteerError(f"{rules_path}: {rule.alias!r} names unknown {entry_id!r}")
            gazetteer.rules[rule.alias] = rule
    return gazetteer


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer (cached per process)."""
    return load_gazetteer()
