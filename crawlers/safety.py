"""Crawl safety: SSRF guard, scheme checks, Retry-After, and a strict robots.txt policy.

- :func:`check_url` refuses non-http(s) schemes and hosts that are, or encode, private,
  loopback, link-local, multicast or reserved addresses (``127.1``, ``2130706433``,
  ``0x7f.1``, ``[::ffff:127.0.0.1]``...), unless private hosts are allowed.
- :class:`SafetyMiddleware` applies it to every request, so every redirect hop is checked
  (Scrapy re-schedules redirects through the downloader middlewares).
- :class:`GuardedResolver` re-checks what a host name resolves to, at connect time, so a
  public-looking name that resolves to 10.0.0.1 is refused too.
- :class:`RetryAfterMiddleware` honours ``Retry-After`` on 429/503 and lowers that host's
  concurrency to one.
- :class:`StrictRobotsTxtMiddleware`: a robots.txt that errors (5xx, unreachable) disallows the
  host; a 404 allows it (RFC 9309).

Settings read (Scrapy settings): ``POLICYRADAR_ALLOW_PRIVATE_HOSTS``, ``RETRY_TIMES``.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Sequence
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")


class UnsafeURLError(ValueError):
    """A URL the crawler must not fetch; the message says why."""


def _parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literal stands for, including legacy IPv4 forms inet_aton accepts."""
    candidate = host.strip("[]")
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        pass
    # Decimal (2130706433), hex (0x7f000001), octal (0177.0.0.1) and short (127.1) forms:
    # browsers and libc accept them, so an attacker can use them.
    if candidate and all(c in "0123456789abcdefxABCDEFX." for c in candidate):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(candidate))
        except OSError:
            return None
    return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for globally routable unicast addresses only."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public_address(mapped)
        if address.teredo is not None:
            return is_public_address(address.teredo[1])
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_private
        and not address.is_unspecified
    )


def check_url(
    url: str, *, allow_private: bool = False, allowed_hosts: frozenset[str] = frozenset()
) -> None:
    """Raise :class:`UnsafeURLError` unless ``url`` may be fetched.

    ``allowed_hosts`` holds ``host:port`` pairs exempted from the private-address rule (a
    fixture server on loopback), narrower than ``allow_private``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"refused {scheme or 'scheme-less'} URL {url!r}: only http and https")
    host = parts.hostname
    if not host:
        raise UnsafeURLError(f"refused URL without a host: {url!r}")
    port = parts.port or (443 if scheme == "https" else 80)
    if allow_private or f"{host}:{port}" in allowed_hosts:
        return
    address = _parse_ip(host)
    if address is not None and not is_public_address(address):
        raise UnsafeURLError(f"refused private or local address {host} in {url!r}")
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        (".localhost", ".local", ".internal")
    ):
        raise UnsafeURLError(f"refused local host name {host} in {url!r}")


class SafetyMiddleware:
    """Downloader middleware: check every request (and so every redirect hop) before it leaves."""

    def __init__(self, allow_private: bool, allowed_hosts: frozenset[str]) -> None:
        self.allow_private = allow_private
        self.allowed_hosts = allowed_hosts

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafetyMiddleware:
        """Build from the crawler's settings."""
        return cls(
            crawler.settings.getbool("POLICYRADAR_ALLOW_PRIVATE_HOSTS"),
            frozenset(crawler.settings.getlist("POLICYRADAR_ALLOWED_HOSTS")),
        )

    def process_request(self, request: Request) -> None:
        """Refuse unsafe URLs with a reason the crawl report shows."""
        try:
            check_url(
                request.url, allow_private=self.allow_private, allowed_hosts=self.allowed_hosts
            )
        except UnsafeURLError as exc:
            raise IgnoreRequest(str(exc)) from exc


def check_resolved(name: str, address: str) -> str:
    """Pass a DNS answer through, or raise DNSLookupError when it is not a public address."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if not is_public_address(parsed):
        raise DNSLookupError(f"{name} resolves to non-public address {address}: refused")
    return address


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses."""

    allow_private = False
    allowed_names: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Any:
        """Build from the crawler's settings (the DNS resolver entry point)."""
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("POLICYRADAR_ALLOW_PRIVATE_HOSTS")
        resolver.allowed_names = frozenset(
            pair.rsplit(":", 1)[0].strip("[]")
            for pair in crawler.settings.getlist("POLICYRADAR_ALLOWED_HOSTS")
        )
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """Resolve, then refuse a private answer (DNS rebinding, internal names)."""
        deferred = super().getHostByName(name, timeout)
        if self.allow_private or name in self.allowed_names:
            return deferred
        deferred.addCallback(lambda address: check_resolved(name, address))
        return deferred


class RedirectGuardMiddleware:
    """Refuse a redirect to a non-http(s) URL or back into its own chain, with a clear reason.

    Scrapy silently keeps a 3xx whose Location has another scheme, and its duplicate filter
    silently drops a redirect to an already-seen URL; both should be recorded as failures.
    Sits before RedirectMiddleware in response order (higher number).
    """

    def process_response(self, request: Request, response: Response) -> Response:
        """Raise IgnoreRequest for unsafe or looping redirects; pass everything else on."""
        if response.status not in (301, 302, 303, 307, 308):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = response.urljoin(location.decode("latin-1").strip())
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ALLOWED_SCHEMES:
            raise IgnoreRequest(f"refused redirect to {target!r}: only http and https")
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise IgnoreRequest(f"redirect loop: {target} redirects back into its own chain")
        return response


def retry_after_seconds(value: bytes | str | None, *, cap: float = 3600.0) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return min(float(text), cap)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(moment.timestamp() - time.time(), cap))


class RetryAfterMiddleware:
    """On 429/503 with Retry-After: slow the host down to that pace and retry the request.

    The downloader slot of the host gets ``delay = Retry-After`` and concurrency 1, so every
    later request to that host waits at least that long; other hosts are unaffected.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_retries = crawler.settings.getint("RETRY_TIMES", 2)
        self.max_wait = crawler.settings.getfloat("POLICYRADAR_MAX_RETRY_AFTER", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        """Build from the crawler."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """Retry a 429/503 that says when to come back, after that delay."""
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"), cap=self.max_wait)
        if wait is None:
            return response
        tries = int(request.meta.get("retry_after_times", 0))
        if tries >= self.max_retries:
            return response
        engine = self.crawler.engine
        if engine is not None:
            slot = engine.downloader.slots.get(engine.downloader.get_slot_key(request))
            if slot is not None:
                slot.delay = max(slot.delay, wait)
                slot.jitter = 0.0
                slot.concurrency = 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("policyradar/retry_after")
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        retry.meta["retry_after_waited"] = wait
        return retry


class ConditionalAwareAutoThrottle(AutoThrottle):
    """AutoThrottle that counts a 304 Not Modified as a success.

    Scrapy's AutoThrottle only lets the delay fall after a 200, so a re-crawl made of 304s
    ratchets the delay up on every latency blip and never recovers (1,000 unchanged pages took
    8x longer than the first crawl). A 304 is the server answering quickly that nothing changed.
    """

    def _adjust_delay(self, slot: Any, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)


class _DisallowAll:
    """A robots parser that disallows everything (robots.txt could not be read)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, but a failing robots.txt disallows the host.

    Scrapy treats an unreachable robots.txt as "allow all"; RFC 9309 says a server error means
    complete disallow, which is also the polite reading for a crawler of government sites.
    """

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            logger.warning("robots.txt of %s answered %s: host disallowed", netloc, response.status)
            self._set_parser(netloc, _DisallowAll(f"answered HTTP {response.status}"))
            return
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        logger.warning("robots.txt of %s could not be fetched (%s): host disallowed", netloc, exc)
        self._set_parser(netloc, _DisallowAll(f"could not be fetched: {exc}"))

    def process_request_2(self, rp: Any, request: Request) -> None:
        """Say why a host is disallowed when its robots.txt could not be read."""
        if isinstance(rp, _DisallowAll):
            raise IgnoreRequest(f"host disallowed: its robots.txt {rp.reason}")
        super().process_request_2(rp, request)

    def _set_parser(self, netloc: str, parser: Any) -> None:
        pending: Any = self._parsers.get(netloc)
        self._parsers[netloc] = parser
        if isinstance(pending, Deferred) and not pending.called:
            pending.callback(parser)
