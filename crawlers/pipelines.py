"""Item pipelines: extract -> keep in scope -> archive the raw bytes -> store.

1. :class:`ExtractionPipeline` runs extraction in the budgeted worker pool (off the reactor);
   a page that is not an article (login wall, image, no text, over budget) is dropped with its
   reason recorded.
2. :class:`RelevancePipeline` applies the source's ``topic_filter``.
3. :class:`ArchivePipeline` stores the raw response, compressed and content-addressed.
4. :class:`StorePipeline` upserts the document keyed on its canonical URL (exact duplicates
   under another URL and unchanged texts write nothing new; changed texts become a new version)
   and remembers the response's ETag / Last-Modified for the next crawl.

Each item is committed on its own, so a crawl killed at any point loses nothing it reported.
Reads no settings; the crawl context (store, archive, pool) comes from the spider.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawlers.extract import Page, Skipped
from crawlers.spiders.catalog import CatalogSpider, PageItem
from policyradar.models import Document, document_id_for
from policyradar.relevance import in_scope
from policyradar.urls import canonicalize

if TYPE_CHECKING:
    from crawlers.runner import CrawlContext


class _Pipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        """Scrapy's constructor hook."""
        return cls(crawler)

    @property
    def spider(self) -> CatalogSpider:
        spider = self.crawler.spider
        if not isinstance(spider, CatalogSpider):  # pragma: no cover - only our spider runs
            raise TypeError("PolicyRadar pipelines need a CatalogSpider")
        return spider

    @property
    def context(self) -> CrawlContext:
        return self.spider.context


class ExtractionPipeline(_Pipeline):
    """HTML/PDF bytes -> Article, in a worker process with a time and memory budget."""

    async def process_item(self, item: PageItem) -> PageItem:
        """Extract, or drop the page with the reason recorded."""
        source = self.spider.source
        page = Page(
            url=item.url,
            body=item.body,
            content_type=item.content_type,
            selectors=source.selectors,
            date_hint=item.date_hint,
            date_hint_source=item.date_hint_source,
            declared_language=None,
            today=date.today(),
        )
        result = await maybe_deferred_to_future(deferToThread(self.context.pool.extract, page))
        if isinstance(result, Skipped):
            self.context.skip(source.id, item.url, result.reason)
            raise DropItem(result.reason)
        item.article = result
        return item


class RelevancePipeline(_Pipeline):
    """Drop documents outside the source's topic filter."""

    def process_item(self, item: PageItem) -> PageItem:
        """Keep the item when the source has no filter or the document is in scope."""
        source = self.spider.source
        article = item.article
        if not in_scope(source.topic_filter, article.title, article.text):
            reason = f"outside the {source.topic_filter} topic filter"
            self.context.skip(source.id, item.url, reason)
            raise DropItem(reason)
        return item


class ArchivePipeline(_Pipeline):
    """Keep the raw bytes a page had when it was fetched."""

    async def process_item(self, item: PageItem) -> PageItem:
        """Archive (once per distinct content) and remember the archive id."""
        item.archive_id = await maybe_deferred_to_future(
            deferToThread(
                self.context.archive.put, item.body, url=item.url, content_type=item.content_type
            )
        )
        return item


class StorePipeline(_Pipeline):
    """Upsert into the store and save the validators for the next conditional request."""

    def process_item(self, item: PageItem) -> PageItem:
        """Write the document; count new / changed / unchanged / duplicate."""
        source = self.spider.source
        article = item.article
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
            archive_id=item.archive_id,
        )
        result = self.context.store.upsert(document)
        self.context.count(source.id, result.status.value)
        self.context.store.save_fetch_state(
            canonicalize(item.url),
            etag=item.etag,
            last_modified=item.last_modified,
            status=item.status,
        )
        return item
