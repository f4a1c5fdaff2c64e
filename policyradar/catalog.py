"""Load and validate the source catalog: one YAML file per source (``shared/spec/sources.md``).

An invalid file is reported with its path and the offending field; the other files still load.
``{base_url}`` in URLs is replaced when a base URL is given (the demo site's catalog uses it,
because the demo server picks its port at start). Reads no settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from policyradar.models import Source


@dataclass(frozen=True)
class CatalogProblem:
    """One invalid catalog file: where and what."""

    path: Path
    field: str
    message: str

    def __str__(self) -> str:
        where = f" field {self.field!r}:" if self.field else ""
        return f"{self.path}:{where} {self.message}"


@dataclass
class Catalog:
    """The valid sources and the problems found."""

    sources: list[Source] = field(default_factory=list)
    problems: list[CatalogProblem] = field(default_factory=list)

    def select(self, ids: Iterable[str]) -> list[Source]:
        """The sources with these ids (all of them when ``ids`` is empty)."""
        wanted = list(ids)
        if not wanted:
            return list(self.sources)
        by_id = {source.id: source for source in self.sources}
        missing = [source_id for source_id in wanted if source_id not in by_id]
        if missing:
            raise KeyError(", ".join(missing))
        return [by_id[source_id] for source_id in wanted]


def _substitute(value: Any, base_url: str | None) -> Any:
    if base_url is None:
        return value
    if isinstance(value, str):
        return value.replace("{base_url}", base_url.rstrip("/"))
    if isinstance(value, list):
        return [_substitute(item, base_url) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, base_url) for key, item in value.items()}
    return value


def load_source(path: Path, *, base_url: str | None = None) -> Source:
    """Load one catalog file; raises ValueError with the field at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"|cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("|the file must hold a mapping of fields")
    try:
        source = Source.model_validate(_substitute(data, base_url))
    except ValidationError as exc:
        error = exc.errors()[0]
        location = ".".join(str(part) for part in error["loc"])
        raise ValueError(f"{location}|{error['msg']}") from exc
    if source.id != path.stem:
        raise ValueError(f"id|must equal the file name {path.stem!r}, got {source.id!r}")
    return source


def load_catalog(location: Path, *, base_url: str | None = None) -> Catalog:
    """Load every ``*.yml`` / ``*.yaml`` under ``location`` (or that one file)."""
    catalog = Catalog()
    if location.is_file():
        paths = [location]
    elif location.is_dir():
        paths = sorted([*location.rglob("*.yml"), *location.rglob("*.yaml")])
    else:
        catalog.problems.append(CatalogProblem(location, "", "no such file or folder"))
        return catalog
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            source = load_source(path, base_url=base_url)
        except ValueError as exc:
            field_name, _, message = str(exc).partition("|")
            catalog.problems.append(CatalogProblem(path, field_name, message))
            continue
        if source.id in seen:
            catalog.problems.append(
                CatalogProblem(
                    path, "id", f"duplicate id {source.id!r} (also in {seen[source.id]})"
                )
            )
            continue
        seen[source.id] = path
        catalog.sources.append(source)
    return catalog
