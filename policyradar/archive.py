"""The raw-page archive: what a page said when it was fetched, content-addressed and compressed.

A blob's id is the SHA-256 of its raw bytes; it is stored gzip-compressed at
``<archive_dir>/<id[:2]>/<id[2:4]>/<id>.gz`` with a small JSON sidecar (URL, content type,
fetch time). Writing the same bytes twice stores them once. Settings read:
``archive_dir`` / ``data_dir`` (via :func:`Archive.from_settings`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from policyradar.settings import Settings, get_settings


@dataclass(frozen=True)
class ArchivedPage:
    """Metadata of one archived blob."""

    id: str
    url: str
    content_type: str
    fetched_at: str
    size: int


class Archive:
    """A folder of content-addressed, gzip-compressed raw responses."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Archive:
        """The archive at the configured folder."""
        return cls((settings or get_settings()).resolved_archive_dir)

    def _path(self, blob_id: str) -> Path:
        if len(blob_id) != 64 or any(c not in "0123456789abcdef" for c in blob_id):
            raise ValueError(f"not an archive id: {blob_id!r}")
        return self.root / blob_id[:2] / blob_id[2:4] / f"{blob_id}.gz"

    def put(self, body: bytes, *, url: str, content_type: str) -> str:
        """Store ``body`` (once) and return its id."""
        blob_id = hashlib.sha256(body).hexdigest()
        path = self._path(blob_id)
        if path.exists():
            return blob_id
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "id": blob_id,
            "url": url,
            "content_type": content_type,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "size": len(body),
        }
        # Write to a temporary file and rename, so a crash never leaves a truncated blob.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(gzip.compress(body, compresslevel=6, mtime=0))
            temporary = Path(handle.name)
        temporary.replace(path)
        path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
        return blob_id

    def get(self, blob_id: str) -> bytes | None:
        """The raw bytes of a blob, or None if it is not archived."""
        path = self._path(blob_id)
        return gzip.decompress(path.read_bytes()) if path.exists() else None

    def info(self, blob_id: str) -> ArchivedPage | None:
        """The metadata of a blob, or None."""
        meta_path = self._path(blob_id).with_suffix(".json")
        if not meta_path.exists():
            return None
        return ArchivedPage(**json.loads(meta_path.read_text(encoding="utf-8")))
