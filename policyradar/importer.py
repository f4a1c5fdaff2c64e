"""Import documents (and optionally their annotations) from a JSONL file into a store.

Each line is a JSON object as in ``shared/spec/tagging-output.md`` (``id``, ``text``, optional
``title``, ``url``, ``published``, ``language``) plus the optional metadata ``source_id``,
``source_kind``, ``publisher`` and ``country``. A line that is also a tagging result (it has
``pipeline``) stores its annotations too. Bad lines are reported with their line numbers and
skipped; good lines are always imported. Reads ``import_batch_size`` from the settings (passed
in by the caller).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from policyradar.models import Annotations, DateSource, Document, document_id_for
from policyradar.store.base import Store, UpsertStatus
from policyradar.urls import canonicalize

_DOCUMENT_FIELDS = (
    "title",
    "url",
    "published",
    "language",
    "source_id",
    "source_kind",
    "publisher",
    "country",
)
_ANNOTATION_FIELDS = ("pipeline", "relevance", "entities", "measures", "quotes", "dates")


@dataclass(frozen=True)
class LineProblem:
    """Something wrong with one input line; ``skipped`` says whether the line was lost."""

    line: int
    message: str
    skipped: bool


@dataclass
class ImportReport:
    """What an import did, for the CLI summary and the exit code."""

    lines: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    annotated: int = 0
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Lines that could not be imported at all."""
        return sum(1 for problem in self.problems if problem.skipped)


@dataclass
class _Parsed:
    line: int
    document: Document
    annotations: Annotations | None


def _read_lines(path: Path) -> Iterator[tuple[int, str, bool]]:
    """Yield (line number, text, had_invalid_utf8) without ever failing on bytes."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield number, raw.decode("utf-8"), False
            except UnicodeDecodeError:
                yield number, raw.decode("utf-8", errors="replace"), True


def _parse_line(number: int, text: str, bad_utf8: bool, report: ImportReport) -> _Parsed | None:
    def problem(message: str, skipped: bool = True) -> None:
        report.problems.append(LineProblem(number, message, skipped))

    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        problem(f"not valid JSON ({exc.msg} at column {exc.colno})")
        return None
    if not isinstance(record, dict):
        problem("not a JSON object")
        return None
    body = record.get("text")
    if not isinstance(body, str):
        problem("missing 'text'" if body is None else "'text' is not a string")
        return None
    url = record.get("url") if isinstance(record.get("url"), str) else None
    doc_id = record.get("id")
    if doc_id is None and url:
        doc_id = document_id_for(canonicalize(url))
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id) == "":
        problem("missing 'id' (and no 'url' to derive one from)")
        return None
    data: dict[str, Any] = {"id": str(doc_id), "text": body}
    for name in _DOCUMENT_FIELDS:
        if record.get(name) not in (None, ""):
            data[name] = record[name]
    if url:
        try:
            data["canonical_url"] = canonicalize(url)
        except ValueError:
            problem(f"could not canonicalise url {url!r}; imported without it", skipped=False)
            data.pop("url", None)
    if "published" in data:
        data["published_source"] = DateSource.PROVIDED
    warnings = []
    if bad_utf8:
        warnings.append("invalid UTF-8 in the import line was replaced with U+FFFD")
        problem("invalid UTF-8 bytes replaced with U+FFFD", skipped=False)
    data["warnings"] = warnings
    document = _validate_document(data, problem)
    if document is None:
        return None
    annotations = None
    if "pipeline" in record:
        try:
            annotations = Annotations.model_validate(
                {"id": document.id, **{k: record[k] for k in _ANNOTATION_FIELDS if k in record}}
            )
        except ValidationError as exc:
            problem(f"annotations ignored: {_first_error(exc)}", skipped=False)
    return _Parsed(number, document, annotations)


def _validate_document(data: dict[str, Any], problem: Callable[..., None]) -> Document | None:
    """Validate; an invalid optional field is dropped with a note instead of losing the line."""
    for _ in range(len(_DOCUMENT_FIELDS) + 1):
        try:
            return Document.model_validate(data)
        except ValidationError as exc:
            bad = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
            if bad in _DOCUMENT_FIELDS and bad in data:
                problem(
                    f"field {bad!r} is invalid ({_first_error(exc)}); imported without it",
                    skipped=False,
                )
                data.pop(bad)
                if bad == "published":
                    data.pop("published_source", None)
                continue
            problem(_first_error(exc))
            return None
    return None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])


def import_jsonl(
    store: Store,
    path: Path,
    *,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import ``path`` into ``store`` in batches; see the module docstring for the format.

    Args:
        store: the destination.
        path: a JSONL file.
        batch_size: documents per transaction (a crash loses at most the batch in flight).
        on_progress: called with the number of bytes consumed so far.
    """
    report = ImportReport()
    seen: dict[str, int] = {}
    batch: list[_Parsed] = []
    consumed = 0

    def flush() -> None:
        if not batch:
            return
        results = store.upsert_many([item.document for item in batch])
        for result in results:
            if result.status is UpsertStatus.NEW:
                report.new += 1
            elif result.status is UpsertStatus.CHANGED:
                report.changed += 1
            else:
                report.unchanged += 1
        annotated = [
            item.annotations.model_copy(update={"id": result.id})
            for item, result in zip(batch, results, strict=True)
            if item.annotations is not None
        ]
        store.save_annotations(annotated)
        report.annotated += len(annotated)
        batch.clear()

    for number, text, bad_utf8 in _read_lines(path):
        consumed += len(text.encode("utf-8", errors="replace"))
        if not text.strip():
            continue
        report.lines += 1
        parsed = _parse_line(number, text, bad_utf8, report)
        if parsed is not None:
            first = seen.setdefault(parsed.document.id, number)
            if first != number:
                report.problems.append(
                    LineProblem(
                        number,
                        f"id {parsed.document.id!r} already appeared on line {first}; "
                        "kept as the same document (a new version if its text differs)",
                        skipped=False,
                    )
                )
            batch.append(parsed)
        if len(batch) >= batch_size:
            flush()
            if on_progress:
                on_progress(consumed)
    flush()
    if on_progress:
        on_progress(consumed)
    return report
