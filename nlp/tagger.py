"""The tagger: documents in, tagging results (``shared/spec/tagging-output.md``) out.

Two modes:
- file mode: JSONL in, JSONL out, same order; a malformed line is reported with its number and
  skipped, the others are tagged;
- store mode: every document without annotations for the current pipeline version is tagged in
  batches and saved; re-running is a no-op, an interrupted run resumes where it stopped.

``nlp.pipe`` runs in batches of 64 (it keeps peak memory near 0.7 GB where the default 256
reached 2 GB) inside ``nlp.memory_zone()`` so strings interned for one batch are freed and
memory stays flat over long runs. Texts longer than :data:`CHUNK_CHARS` are tagged in chunks cut
at paragraph or sentence boundaries and merged with shifted offsets. Only the first
:data:`MAX_TAG_CHARS` characters of a text are tagged (offsets stay exact, as it is a prefix): a
statement or article is far shorter, and a multi-megabyte "document" is a data dump whose full
tagging would take minutes and gigabytes for nothing. Reads no settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from nlp.components.dates import find_dates
from nlp.components.measures import find_measures
from nlp.components.persons import add_person_attrs
from nlp.components.quotes import find_quotes
from nlp.output import annotations_for, doc_entities, merge_entities
from nlp.pipeline import build_nlp, pipeline_name
from policyradar.models import Annotations
from policyradar.store.base import Store

BATCH_SIZE = 64
CHUNK_CHARS = 5_000
# At most this many characters go through nlp.pipe in one batch (memory scales with it).
BATCH_CHARS = 100_000
# About 150,000 words: tagged in ~40 s and well under 1 GB; longer texts are cut here.
MAX_TAG_CHARS = 1_000_000
_BREAK = re.compile(r"\n\s*\n|(?<=[.!?])\s+")


@dataclass
class TagInput:
    """One document to tag."""

    id: str
    text: str
    title: str | None = None
    published: date | None = None


@dataclass
class FileReport:
    """What a file-mode run did."""

    tagged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split ``text`` into (offset, chunk) pieces of at most ``size`` characters, cut at breaks."""
    if len(text) <= size:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = None
            for match in _BREAK.finditer(text, start + size // 2, end):
                cut = match.end()
            end = cut or end
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def _annotate(item: TagInput, parts: list[list[Any]], pipeline: str) -> Annotations:
    """Everything after spaCy for one document: linking merge, persons, dates, quotes, measures."""
    entities = merge_entities(parts)
    add_person_attrs(item.text, entities)
    base = annotations_for(item.id, item.text, item.title, pipeline, entities)
    dates = find_dates(item.text, item.published)
    return base.model_copy(
        update={
            "dates": dates,
            "quotes": find_quotes(item.text, entities),
            "measures": find_measures(item.text, entities, dates, relevant=base.relevance >= 0.5),
        }
    )


def _bounded(items: Iterable[TagInput], max_chars: int) -> Iterator[TagInput]:
    for item in items:
        if len(item.text) > max_chars:
            item = TagInput(item.id, item.text[:max_chars], item.title, item.published)
        yield item


def tag_documents(
    items: Iterable[TagInput],
    batch_size: int = BATCH_SIZE,
    processes: int = 1,
    max_chars: int = MAX_TAG_CHARS,
) -> Iterator[Annotations]:
    """Tag documents in order, batched and memory-bounded (``processes`` > 1: spaCy workers).

    Only the first ``max_chars`` characters of each text are tagged.
    """
    items = _bounded(items, max_chars)
    if processes > 1:
        yield from _tag_multiprocess(items, batch_size, processes)
        return
    nlp = build_nlp()
    pipeline = pipeline_name()
    batch: list[TagInput] = []

    def run(batch: list[TagInput]) -> list[Annotations]:
        pieces = [
            (index, offset, piece)
            for index, item in enumerate(batch)
            for offset, piece in chunks(item.text)
        ]
        per_doc: list[list[Any]] = [[] for _ in batch]
        longest = max((len(piece) for _, _, piece in pieces), default=1)
        pipe_batch = max(1, min(batch_size, BATCH_CHARS // max(longest, 1)))
        for start in range(0, len(pieces), pipe_batch):
            group = pieces[start : start + pipe_batch]
            with nlp.memory_zone():
                texts = [piece for _, _, piece in group]
                for (index, offset, _), doc in zip(
                    group, nlp.pipe(texts, batch_size=pipe_batch), strict=True
                ):
                    per_doc[index].append(doc_entities(doc, offset))
        return [
            _annotate(item, parts, pipeline) for item, parts in zip(batch, per_doc, strict=True)
        ]

    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)


def _tag_multiprocess(
    items: Iterable[TagInput], batch_size: int, processes: int
) -> Iterator[Annotations]:
    """One ``nlp.pipe(n_process=N)`` over every chunk (workers start once), regrouped in order."""
    nlp = build_nlp()
    pipeline = pipeline_name()
    pending: dict[int, tuple[TagInput, int, list[list[Any]]]] = {}

    def stream() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, item in enumerate(items):
            pieces = chunks(item.text)
            pending[index] = (item, len(pieces), [])
            for offset, piece in pieces:
                yield piece, (index, offset)

    next_index = 0
    for doc, (index, offset) in nlp.pipe(
        stream(), as_tuples=True, batch_size=batch_size, n_process=processes
    ):
        parts = pending[index][2]
        parts.append(doc_entities(doc, offset))
        while next_index in pending and len(pending[next_index][2]) == pending[next_index][1]:
            done_item, _, done_parts = pending.pop(next_index)
            yield _annotate(done_item, done_parts, pipeline)
            next_index += 1


def _parse_lines(handle: TextIO, report: FileReport) -> Iterator[TagInput]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.problems.append((number, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            report.problems.append((number, "not a JSON object"))
            continue
        doc_id, text = record.get("id"), record.get("text")
        if doc_id is None or isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
            report.problems.append((number, "missing 'id'"))
            continue
        if not isinstance(text, str):
            report.problems.append(
                (number, "missing 'text'" if text is None else "'text' is not a string")
            )
            continue
        title = record.get("title") if isinstance(record.get("title"), str) else None
        yield TagInput(str(doc_id), text, title, _published(record.get("published")))


def tag_records(records: Iterable[dict[str, Any]]) -> list[Annotations]:
    """Tag records in the tagging-input shape (``id``, ``text``, optional ``title`` and
    ``published``), such as the annotated evaluation sets, in order."""
    return list(
        tag_documents(
            TagInput(
                str(r["id"]),
                r["text"],
                r.get("title") if isinstance(r.get("title"), str) else None,
                _published(r.get("published")),
            )
            for r in records
        )
    )


def _published(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def tag_file(source: Path, destination: Path, processes: int = 1) -> FileReport:
    """File mode: one result line per valid input line, in the same order."""
    report = FileReport()
    partial = destination.with_name(destination.name + ".partial")
    with (
        source.open(encoding="utf-8", errors="replace") as handle,
        partial.open("w", encoding="utf-8") as out,
    ):
        for annotations in tag_documents(_parse_lines(handle, report), processes=processes):
            out.write(annotations.model_dump_json() + "\n")
            report.tagged += 1
    partial.replace(destination)
    return report


def tag_store(
    store: Store,
    *,
    batch_size: int = BATCH_SIZE,
    processes: int = 1,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Store mode: tag every document lacking annotations from this pipeline version."""
    pipeline = pipeline_name()
    done = 0
    pending: list[TagInput] = []

    def flush() -> None:
        nonlocal done
        results = list(tag_documents(pending, batch_size, processes))
        store.save_annotations(results)
        done += len(results)
        if on_batch is not None:
            on_batch(len(results))
        pending.clear()

    for document in store.iter_untagged(pipeline, batch_size=500):
        pending.append(TagInput(document.id, document.text, document.title, document.published))
        if len(pending) >= batch_size * 4:
            flush()
    if pending:
        flush()
    return done
