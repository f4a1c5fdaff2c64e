"""Turn a processed spaCy Doc into the tagging-output record (``shared/spec/tagging-output.md``).

Mentions of one canonical entity are grouped into one :class:`~policyradar.models.Entity`;
offsets are Python string offsets into the text, shifted by ``offset`` when the doc is one
chunk of a longer text. Reads no settings.
"""

from __future__ import annotations

from typing import Any

from policyradar.models import Annotations, Entity, Mention
from policyradar.relevance import keyword_relevance


def doc_entities(doc: Any, offset: int = 0) -> list[Entity]:
    """Group the doc's linked spans into canonical entities with all their mentions."""
    grouped: dict[tuple[str, str], Entity] = {}
    for span in doc.ents:
        record = span._.pr_entity
        if not record:
            continue
        key = (record["label"], record["name"])
        entity = grouped.get(key)
        if entity is None:
            entity = grouped[key] = Entity(
                label=record["label"],
                name=record["name"],
                id=record.get("id"),
                attrs=dict(record.get("attrs") or {}),
            )
        entity.mentions.append(
            Mention(start=span.start_char + offset, end=span.end_char + offset, text=span.text)
        )
    return list(grouped.values())


def merge_entities(parts: list[list[Entity]]) -> list[Entity]:
    """Merge entity lists of several chunks of one text."""
    merged: dict[tuple[str, str], Entity] = {}
    for entities in parts:
        for entity in entities:
            key = (entity.label.value, entity.name)
            if key in merged:
                merged[key].mentions.extend(entity.mentions)
                merged[key].attrs.update(entity.attrs)
            else:
                merged[key] = entity
    return list(merged.values())


def annotations_for(
    doc_id: str, text: str, title: str | None, pipeline: str, entities: list[Entity]
) -> Annotations:
    """The output record for one document."""
    return Annotations(
        id=doc_id,
        pipeline=pipeline,
        relevance=keyword_relevance(title, text),
        entities=entities,
    )
