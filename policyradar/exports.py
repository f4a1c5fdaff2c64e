"""Exports of the corpus: documents as JSONL or CSV, streamed so any corpus size fits.

Every document field is written, ``text`` included; CSV cells holding lists are JSON strings.
Reads no settings.
"""

from __future__ import annotations

import csv
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from policyradar.models import Document
from policyradar.store.base import Store

DOCUMENT_FIELDS = tuple(Document.model_fields)


class ExportFormat(StrEnum):
    """File formats of ``policyradar export documents``."""

    JSONL = "jsonl"
    CSV = "csv"


def _csv_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def export_documents(store: Store, fmt: ExportFormat, out: Path) -> int:
    """Write every document to ``out``; returns how many were written.

    The file is written to a temporary name and renamed at the end, so a failed export never
    leaves a truncated file where a good one was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    written = 0
    with partial.open("w", encoding="utf-8", newline="") as handle:
        if fmt is ExportFormat.JSONL:
            for document in store.iter_documents():
                handle.write(document.model_dump_json() + "\n")
                written += 1
        else:
            writer = csv.DictWriter(handle, fieldnames=DOCUMENT_FIELDS)
            writer.writeheader()
            for document in store.iter_documents():
                row = document.model_dump(mode="json")
                writer.writerow({key: _csv_value(row[key]) for key in DOCUMENT_FIELDS})
                written += 1
    partial.replace(out)
    return written
