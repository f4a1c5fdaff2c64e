"""The generic catalog spider: one instance per :class:`~policyradar.models.Source`.

Each start URL is fetched and sniffed: an RSS/Atom feed (parsed with feedparser), a sitemap or
sitemap index (Scrapy's sitemap parser, news sitemaps included), or an HTML listing page
(``follow`` selectors for article links, ``paginate`` for the next page). Article URLs pass the
source's ``allow``/``deny`` regexes and are canonicalised before they are requested, so URL
variants are fetched once. Dates given by feeds and sitemaps travel with the request as hints.
Articles already fetched get a conditional request (ETag / Last-Modified) so an unchanged site
costs a 304 per article on the next crawl.

Reads nothing from the environment; the crawl context (store, counters) comes from the runner.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import feedparser
import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from policyradar.models import DateSource, Source
from policyradar.urls import canonicalize

if TYPE_CHECKING:
    from crawlers.runner import CrawlContext

_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_SITEMAP_ROOT = re.compile(rb"<(urlset|sitemapindex)[\s>]", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# No entities, no network, no huge trees: sitemaps are untrusted input.
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
_SKIP_LINK = re.compile(r"^(mailto:|tel:|javascript:|data:|#)", re.IGNORECASE)
_NOT_ARTICLE = re.compile(
    r"\.(jpe?g|png|gif|svg|webp|css|js|ico|mp4|mp3|zip|docx?|xlsx?|pptx?)(\?|$)", re.IGNORECASE
)


@dataclass
class PageItem:
    """A fetched article page on its way through the pipelines."""

    source_id: str
    url: str
    body: bytes
    content_type: str
    status: int
    etag: str | None = None
    last_modified: str | None = None
    date_hint: date | None = None
    date_hint_source: DateSource = DateSource.NONE
    article: Any = None  # crawlers.extract.Article, set by the extraction pipeline
    archive_id: str | None = None


class CatalogSpider(scrapy.Spider):
    """Crawls one catalog source, whatever kind of start URL it has."""

    name = "catalog"

    def __init__(self, source: Source, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(name=f"catalog:{source.id}", **kwargs)
        self.source = source
        self.context = context
        self._allow = [re.compile(pattern) for pattern in source.allow]
        self._deny = [re.compile(pattern) for pattern in source.deny]

    async def start(self) -> AsyncIterator[Any]:
        """Request every start URL; the response tells what kind of page it is."""
        for url in self.source.start_urls:
            yield Request(url, callback=self.parse_start, errback=self.on_error, dont_filter=True)

    # -- routing -----------------------------------------------------------------------------

    def parse_start(self, response: Response) -> Iterator[Request | PageItem]:
        """Sniff a start URL (or a page reached from one): feed, sitemap or listing."""
        self.context.count(self.source.id, "pages")
        head = response.body[:2048]
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if "pdf" in content_type or head.lstrip().startswith(b"%PDF-"):
            yield self._page_item(response)
        elif _FEED_ROOT.search(head):
            yield from self.parse_feed(response)
        elif _SITEMAP_ROOT.search(head):
            yield from self.parse_sitemap(response)
        else:
            yield from self.parse_listing(response)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """RSS/Atom: one article request per entry; malformed feeds keep their valid entries."""
        if _ENTITY_DECLARATION.search(response.body[:65536]):
            self.context.error(self.source.id, response.url, "feed declares XML entities: refused")
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        parsed = feedparser.parse(
            response.body,
            response_headers={"content-type": content_type} if content_type else None,
            sanitize_html=True,
            resolve_relative_uris=False,
        )
        if parsed.get("bozo"):
            self.context.warn(
                self.source.id, response.url, f"malformed feed: {parsed.get('bozo_exception')}"
            )
        for entry in parsed.entries:
            link = entry.get("link")
            if not link:
                continue
            hint = _struct_date(entry.get("published_parsed") or entry.get("updated_parsed"))
            # Only a real <updated>/<atom:updated>: feedparser aliases "updated" to the
            # publication date, which says nothing about later edits.
            modified = _struct_date(dict.get(entry, "updated_parsed"))
            yield from self._article_request(
                urljoin(response.url, link),
                hint,
                DateSource.FEED if hint else DateSource.NONE,
                modified=modified,
            )

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Sitemap index -> sitemaps; urlset -> articles (news sitemap dates as hints)."""
        if _ENTITY_DECLARATION.search(response.body[:65536]):
            self.context.error(
                self.source.id, response.url, "sitemap declares XML entities: refused"
            )
            return
        try:
            root = etree.fromstring(response.body, parser=_SAFE_XML)
        except etree.XMLSyntaxError as exc:
            self.context.error(self.source.id, response.url, f"unreadable sitemap: {exc}")
            return
        if root is None:
            return
        if etree.QName(root).localname == "sitemapindex":
            for loc in root.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()"):
                yield Request(loc.strip(), callback=self.parse_start, errback=self.on_error)
            return
        for entry in root.xpath("//*[local-name()='url']"):
            locs = entry.xpath("./*[local-name()='loc']/text()")
            if not locs:
                continue
            lastmod = entry.xpath("./*[local-name()='lastmod']/text()")
            raw = (
                entry.xpath("./*[local-name()='news']/*[local-name()='publication_date']/text()")
                or lastmod
            )
            hint = _iso_date(raw[0] if raw else None)
            yield from self._article_request(
                locs[0].strip(),
                hint,
                DateSource.SITEMAP if hint else DateSource.NONE,
                modified=_iso_date(lastmod[0] if lastmod else None),
            )

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Listing page: follow article links, then the next page."""
        if not hasattr(response, "css"):
            self.context.skip(self.source.id, response.url, "start URL is not HTML, XML or PDF")
            return
        selectors = self.source.follow or ["a[href]"]
        same_host = urlsplit(response.url).hostname
        for selector in selectors:
            css = selector if "::attr" in selector else f"{selector}::attr(href)"
            for href in response.css(css).getall():
                href = href.strip()
                if not href or _SKIP_LINK.match(href):
                    continue
                url = urljoin(response.url, href)
                if not self.source.follow and urlsplit(url).hostname != same_host:
                    continue
                yield from self._article_request(url, None, DateSource.NONE)
        if self.source.paginate:
            css = self.source.paginate
            css = css if "::attr" in css else f"{css}::attr(href)"
            next_href = response.css(css).get()
            if next_href:
                yield Request(
                    urljoin(response.url, next_href.strip()),
                    callback=self.parse_listing,
                    errback=self.on_error,
                )

    # -- articles ----------------------------------------------------------------------------

    def _wanted(self, url: str) -> bool:
        if _NOT_ARTICLE.search(url):
            return False
        if self._allow and not any(p.search(url) for p in self._allow):
            return False
        return not any(p.search(url) for p in self._deny)

    def _article_request(
        self,
        url: str,
        hint: date | None,
        hint_source: DateSource,
        *,
        modified: date | None = None,
    ) -> Iterator[Request]:
        if not url.startswith(("http://", "https://")):
            self.context.skip(self.source.id, url, "not an http(s) link")
            return
        canonical = canonicalize(url)
        if not self._wanted(canonical):
            return
        headers: dict[str, str] = {}
        state = self.context.store.get_fetch_state(canonical)
        # The sitemap/feed says when the page last changed: before our last fetch means there
        # is nothing new to get (publication dates are never used for this).
        last_fetch = str(state.get("fetched_at") or "") if state else ""
        if modified and last_fetch and modified < date.fromisoformat(last_fetch[:10]):
            self.context.count(self.source.id, "unchanged")
            return
        if state:
            if state.get("etag"):
                headers["If-None-Match"] = state["etag"]
            if state.get("last_modified"):
                headers["If-Modified-Since"] = state["last_modified"]
        yield Request(
            canonical,
            callback=self.parse_article,
            errback=self.on_error,
            headers=headers,
            meta={
                "handle_httpstatus_list": [304],
                "date_hint": hint,
                "date_hint_source": hint_source,
            },
        )

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        """Hand a fetched article to the pipelines (a 304 is counted as unchanged)."""
        self.context.count(self.source.id, "pages")
        if response.status == 304:
            self.context.count(self.source.id, "unchanged")
            return
        yield self._page_item(response)

    def _page_item(self, response: Response) -> PageItem:
        headers = response.headers
        return PageItem(
            source_id=self.source.id,
            url=response.url,
            body=response.body,
            content_type=(headers.get(b"Content-Type") or b"").decode("latin-1"),
            status=response.status,
            etag=(headers.get(b"ETag") or b"").decode("latin-1") or None,
            last_modified=(headers.get(b"Last-Modified") or b"").decode("latin-1") or None,
            date_hint=response.meta.get("date_hint"),
            date_hint_source=response.meta.get("date_hint_source", DateSource.NONE),
        )

    def on_error(self, failure: Failure) -> None:
        """Record a failed request (timeout, refusal, HTTP error) against the source."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        redirected_from = request.meta.get("redirect_urls") if request is not None else None
        value = failure.value
        if isinstance(value, IgnoreRequest) and "robots.txt" in str(value):
            if "could not be fetched" in str(value):  # unreachable or refused host: a failure
                self.context.error(self.source.id, url, str(value))
            else:
                self.context.skip(self.source.id, url, f"disallowed by robots.txt ({value})")
            return
        response = getattr(value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status}"
        else:
            reason = f"{type(value).__name__}: {value}".strip().rstrip(":")
        if redirected_from:
            reason = f"{reason} (after redirects to {url})"
            url = redirected_from[0]
        self.context.error(self.source.id, url, reason)


def _struct_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).date()
    except (TypeError, ValueError, OverflowError):
        return None


def _iso_date(value: Any) -> date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
