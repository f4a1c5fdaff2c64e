"""A static file server on 127.0.0.1 for the demo site and the crawler tests.

Serves a folder like a real web server: content types by extension, ``Last-Modified`` and
``ETag`` validators, ``304 Not Modified`` for conditional requests, ``index.html`` for folders,
404 for anything else. It runs in a background thread and never binds a public address.
Reads no settings.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
from functools import partial
from pathlib import Path
from typing import Any

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a plain class attribute
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **_TYPES,
    }

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the demo print their own summaries."""

    def _etag(self, path: Path) -> str:
        stat = path.stat()
        fingerprint = f"{stat.st_mtime_ns}-{stat.st_size}".encode()
        return '"' + hashlib.sha256(fingerprint).hexdigest()[:16] + '"'

    def send_head(self) -> Any:
        """Answer 304 when the client's ETag still matches; otherwise the stdlib behaviour."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            etag = self._etag(path)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return None
        return super().send_head()

    def end_headers(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        sent: list[bytes] = getattr(self, "_headers_buffer", [])
        if path.is_file() and not any(h.startswith(b"ETag") for h in sent):
            self.send_header("ETag", self._etag(path))
        super().end_headers()


class FixtureServer:
    """Serve ``root`` on ``http://127.0.0.1:<port>`` until :meth:`stop`."""

    def __init__(self, root: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        handler = partial(_Handler, directory=str(root))
        self._server = http.server.ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """Where the site is served, without a trailing slash."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FixtureServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
