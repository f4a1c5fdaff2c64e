"""The page pipeline: extract -> keep in scope -> archive the raw bytes -> store.

1. :func:`extract_page` runs extraction in the budgeted worker pool; a page that is not an
   article (login wall, image, no text, over budget) is dropped with its reason recorded.
2. :func:`check_scope` applies the source's ``topic_filter``; an off-topic page's validators
   are kept (:func:`remember_validators`) so an unchanged one is not fetched in full again.
3. :func:`archive_page` stores the raw response, compressed and content-addressed.
4. :func:`store_page` upserts the document keyed on its canonical URL (exact duplicates under
   another URL and unchanged texts write nothing new; changed texts become a new version),
   together with the response's ETag / Last-Modified for the next crawl, in one transaction.

The four steps run in one worker thread per page (one hand-off from the reactor instead of
four: the per-page overhead of Scrapy's async machinery, not extraction, limited crawl speed).
Each page is committed on its own, so a crawl killed at any point loses nothing it reported.
Reads no settings; the crawl context (store, archive, pool) comes from the spider.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawlers.extract import Article, Page, Skipped
from crawlers.spiders.catalog import CatalogSpider, PageItem
from policyradar.models import Document, Source, document_id_for
from policyradar.relevance import in_scope
from policyradar.store.base import FetchState
from policyradar.urls import canonicalize

if TYPE_CHECKING:
    from crawlers.runner import CrawlContext


class PageDropped(Exception):
    """A page that is deliberately not stored; the message is the reason."""


def extract_page(item: PageItem, source: Source, context: CrawlContext) -> Article:
    """Step 1: bytes -> Article in a budgeted worker process."""
    page = Page(
        url=item.url,
        body=item.body,
        content_type=item.content_type,
        selectors=source.selectors,
        date_hint=item.date_hint,
        date_hint_source=item.date_hint_source,
        today=date.today(),
    )
    result, milliseconds = context.pool.extract_timed(page)
    context.timed(source.id, milliseconds)
    if isinstance(result, Skipped):
        raise PageDropped(result.reason)
    return result


def check_scope(article: Article, source: Source) -> None:
    """Step 2: drop documents outside the source's topic filter."""
    if not in_scope(source.topic_filter, article.title, article.text):
        raise PageDropped(f"outside the {source.topic_filter} topic filter")


def remember_validators(item: PageItem, context: CrawlContext) -> None:
    """Save a page's ETag / Last-Modified without storing a document."""
    if item.etag or item.last_modified:
        context.store.save_fetch_state(
            canonicalize(item.url),
            etag=item.etag,
            last_modified=item.last_modified,
            status=item.status,
        )


def archive_page(item: PageItem, context: CrawlContext) -> str:
    """Step 3: keep the raw bytes the page had when it was fetched; returns the archive id."""
    return context.archive.put(item.body, url=item.url, content_type=item.content_type)


def store_page(
    item: PageItem, article: Article, archive_id: str, source: Source, context: CrawlContext
) -> str:
    """Step 4: upsert the document and its validators; returns new/changed/unchanged/duplicate."""
    document = Document(
        id=document_id_for(article.canonical_url),
        url=item.url,
        canonical_url=article.canonical_url,
        source_id=source.id,
        source_kind=source.kind,
        publisher=source.publisher,
        country=source.country,
        language=article.language or source.language,
        title=article.title,
        text=article.text,
        published=article.published,
        published_source=article.published_source,
        fetched_at=datetime.now(UTC),
        warnings=article.warnings,
        archive_id=archive_id,
    )
    validators = FetchState(
        url=canonicalize(item.url),
        etag=item.etag,
        last_modified=item.last_modified,
        status=item.status,
    )
    return context.store.upsert(document, validators).status.value


def process_page(item: PageItem, source: Source, context: CrawlContext) -> str:
    """All four steps for one page (runs in a worker thread)."""
    article = extract_page(item, source, context)
    try:
        check_scope(article, source)
    except PageDropped:
        # Off-topic is a property of the content: with its validators saved, the next crawl
        # gets a 304 for an unchanged page instead of fetching and extracting it again.
        remember_validators(item, context)
        raise
    archive_id = archive_page(item, context)
    return store_page(item, article, archive_id, source, context)


class PagePipeline:
    """The Scrapy item pipeline: hands each page to :func:`process_page` in a thread."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePipeline:
        """Scrapy's constructor hook."""
        return cls(crawler)

    async def process_item(self, item: PageItem) -> Any:
        """Process one page; dropped pages are counted with their reason."""
        spider = self.crawler.spider
        if not isinstance(spider, CatalogSpider):  # pragma: no cover - only our spider runs
            raise TypeError("the PolicyRadar pipeline needs a CatalogSpider")
        try:
            status = await maybe_deferred_to_future(
                deferToThread(process_page, item, spider.source, spider.context)
            )
        except PageDropped as exc:
            spider.context.skip(spider.source.id, item.url, str(exc))
            raise DropItem(str(exc)) from None
        spider.context.count(spider.source.id, status)
        item.body = b""  # release the raw bytes early; they are archived
        return item
