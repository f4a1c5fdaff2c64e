"""Fetch one URL for ``policyradar extract``: same safety rules as the crawler, no Scrapy.

Every hop of a redirect is checked (scheme, private addresses, including what the host name
resolves to), the body is read up to the size limit, and the whole fetch has a timeout.
Settings read: ``max_page_bytes``, ``download_timeout_s``.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit

from crawlers.safety import UnsafeURLError, check_url, is_public_address
from crawlers.settings import USER_AGENT
from policyradar.settings import Settings

MAX_REDIRECTS = 10


class FetchError(Exception):
    """The URL could not be fetched; the message says why."""


def _check_resolved(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not is_public_address(address):
            raise FetchError(f"refused {url}: {host} resolves to non-public {address}")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.hops = 0

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        self.hops += 1
        if self.hops > MAX_REDIRECTS:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects")
        try:
            check_url(newurl, allow_private=self.allow_private)
        except UnsafeURLError as exc:
            raise FetchError(str(exc)) from exc
        if not self.allow_private:
            _check_resolved(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            for header in ("Authorization", "Cookie"):
                new.remove_header(header)
        return new


def fetch(url: str, *, settings: Settings, allow_private: bool = False) -> tuple[str, bytes, str]:
    """Return (final URL, body, content type) or raise :class:`FetchError`."""
    try:
        check_url(url, allow_private=allow_private)
    except UnsafeURLError as exc:
        raise FetchError(str(exc)) from exc
    if not allow_private:
        _check_resolved(url)
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - scheme checked above
    try:
        response: Any = opener.open(request, timeout=settings.download_timeout_s)
        with response:
            body = response.read(settings.max_page_bytes + 1)
            if len(body) > settings.max_page_bytes:
                raise FetchError(f"response larger than {settings.max_page_bytes} bytes")
            return response.geturl(), body, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} from {url}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchError(f"cannot fetch {url}: {exc}") from exc
