"""Scrapy settings for PolicyRadar crawls: polite, bounded and safe by default.

Politeness: robots.txt obeyed (a failing robots.txt disallows the host), an honest User-Agent
naming the project and its URL, AutoThrottle, two requests at a time per domain, Retry-After
honoured. Bounds: short timeouts, a response size cap measured after decompression, at most ten
redirects. Safety: only http(s), and private/loopback/link-local addresses refused at every hop
and at DNS resolution unless ``allow_private_hosts``.

Settings read: ``max_page_bytes``, ``download_timeout_s``, ``crawl_delay_s``,
``crawl_concurrency_per_domain`` (PolicyRadar settings) and the store URL.
"""

from __future__ import annotations

from typing import Any

from policyradar import __version__
from policyradar.settings import Settings

PROJECT_URL = "https://github.com/policyradar/policyradar"
USER_AGENT = f"PolicyRadarBot/{__version__} (+{PROJECT_URL}; AI cyber-risk policy tracker)"


def scrapy_settings(
    settings: Settings,
    *,
    store_url: str,
    allow_private_hosts: bool = False,
    allowed_hosts: tuple[str, ...] = (),
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The Scrapy settings dict for one crawl run."""
    values: dict[str, Any] = {
        "BOT_NAME": "policyradar",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": "PolicyRadarBot",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "ERROR",
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.crawl_concurrency_per_domain,
        "DOWNLOAD_DELAY": settings.crawl_delay_s,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(settings.crawl_delay_s, 0.01),
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.5,
        "DOWNLOAD_TIMEOUT": settings.download_timeout_s,
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": settings.max_page_bytes // 2,
        "REDIRECT_MAX_TIMES": 10,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "DNS_TIMEOUT": 10,
        "TWISTED_DNS_RESOLVER": "crawlers.safety.GuardedResolver",
        "LOG_INSTALL_ROOT_HANDLER": True,
        "REACTOR_THREADPOOL_MAXSIZE": 8,
        # Scrapy starts CONCURRENT_ITEMS asyncio workers for the output of every response (100
        # by default); a page yields one item or a handful of links, so 100 tasks per page were
        # most of the crawl's overhead. Pages still run concurrently across responses.
        "CONCURRENT_ITEMS": 4,
        "DEPTH_LIMIT": 6,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawlers.safety.StrictRobotsTxtMiddleware": 100,
            "crawlers.safety.SafetyMiddleware": 50,
            # After RetryMiddleware (550) in response order, so Retry-After wins over plain retry.
            "crawlers.safety.RetryAfterMiddleware": 560,
            # Above RedirectMiddleware (600) so it sees a 3xx before Scrapy follows or drops it.
            "crawlers.safety.RedirectGuardMiddleware": 650,
        },
        "EXTENSIONS": {
            "scrapy.extensions.throttle.AutoThrottle": None,
            "crawlers.safety.ConditionalAwareAutoThrottle": 0,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.PagePipeline": 100},
        "POLICYRADAR_ALLOW_PRIVATE_HOSTS": allow_private_hosts,
        "POLICYRADAR_ALLOWED_HOSTS": list(allowed_hosts),
        "POLICYRADAR_STORE_URL": store_url,
        "POLICYRADAR_ARCHIVE_DIR": str(settings.resolved_archive_dir),
    }
    values.update(overrides or {})
    return values
