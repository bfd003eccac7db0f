"""Downloader middlewares: WARC archiving, retry with backoff, robots.txt before anything.

All are switched on in :mod:`spiders.settings`; spiders know nothing of them.
"""

from __future__ import annotations

import email.utils
import logging
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from spiders.warc import WarcArchive

log = logging.getLogger(__name__)


class ArchiveWriteFailed(Exception):
    """A response could not be archived; the crawl is stopping."""


# The crawl's finish reason when archiving failed; spiders.crawl exits non-zero with it.
ARCHIVE_FAILED = "archive_failed"


class WarcArchiveMiddleware:
    """Writes every successful response of the spider's own requests to a WARC file.

    Requests carry their page kind in ``meta["kind"]`` (article, listing, feed, sitemap);
    robots.txt is kept too, as kind ``robots``: its ``Sitemap:`` lines start discovery, so a
    replay needs it. Other requests without a kind are not archived. Sits after HTTP
    decompression, so the stored payload is the decoded body.

    Writes fail loudly: the first I/O error (a full disk, a file size limit) stops the crawl
    with finish reason ``archive_failed`` and the error in the stat ``baotinh/failure``; that
    response and every later one are withheld from the spider (raised as
    :class:`ArchiveWriteFailed`), so nothing unarchived counts as fetched.
    """

    def __init__(self, path: Path, site: str | None, crawler: Crawler) -> None:
        self.archive = WarcArchive(path)
        self.site = site
        self.crawler = crawler
        self.stats = crawler.stats
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        path = crawler.settings.get("BAOTINH_WARC_PATH")
        if not path:
            raise NotConfigured("BAOTINH_WARC_PATH is not set")
        middleware = cls(Path(path), crawler.settings.get("BAOTINH_SITE"), crawler)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        kind = request.meta.get("kind") or _robots_kind(request)
        # "cached": an unchanged page revalidated with a 304; its copy is archived already.
        if not kind or response.status != 200 or "cached" in response.flags:
            return response
        if self.failure is not None:
            raise ArchiveWriteFailed(f"not archived ({self.failure}): {response.url}")
        try:
            self.archive.write(
                url=response.url,
                status=response.status,
                reason="OK",
                headers=_header_pairs(response.headers),
                body=response.body,
                request_headers=_header_pairs(request.headers),
                method=request.method,
                kind=kind,
                site=self.site,
                fetched_at=datetime.now(UTC),
            )
        except OSError as exc:
            self._fail(f"archive write failed: {exc}")
            raise ArchiveWriteFailed(f"not archived ({self.failure}): {response.url}") from exc
        self.stats.inc_value(f"baotinh/archived/{kind}")
        return response

    def _fail(self, reason: str) -> None:
        """Record why, stop writing and close the spider: the crawl ends non-zero."""
        self.failure = reason
        self.stats.set_value("baotinh/failure", reason)
        log.error("%s; stopping the crawl", reason)
        self.archive.abandon()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=ARCHIVE_FAILED))

    def spider_closed(self, spider: Spider, reason: str = "") -> None:
        if self.failure is not None:
            log.error(
                "the archive %s keeps its %d complete responses", self.archive.open_path,
                self.archive.records,
            )  # fmt: skip
            return
        try:
            path = self.archive.close()
        except OSError as exc:
            self.failure = f"archive close failed: {exc}"
            self.stats.set_value("baotinh/failure", self.failure)
            log.error("%s; %s keeps its complete records", self.failure, self.archive.open_path)
            return
        log.info("archived %d responses in %s", self.archive.records, path or "(nothing)")


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, plus backoff: a 429 or 503 slows the whole site down.

    The site's download slot delay is raised to the server's ``Retry-After`` or, without
    one, to ``RETRY_BACKOFF_BASE * 2**retries`` (capped by ``RETRY_BACKOFF_MAX``); the
    retried request then waits that long. AutoThrottle lowers the delay again as the site
    answers normally.
    """

    BACKOFF_STATUSES = frozenset({429, 503})

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.base = crawler.settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = crawler.settings.getfloat("RETRY_BACKOFF_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None):
        if response.status in self.BACKOFF_STATUSES and not request.meta.get("dont_retry"):
            retries = request.meta.get("retry_times", 0)
            delay = retry_after_seconds(response) or self.base * 2**retries
            self._slow_down(request, min(delay, self.cap))
        return super().process_response(request, response)

    def _slow_down(self, request: Request, delay: float) -> None:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < delay:
            log.warning("backing off %s for %.1fs after a refusal", key, delay)
            slot.delay = delay
            self.crawler.stats.inc_value("baotinh/backoff_count")


def retry_after_seconds(response: Response) -> float | None:
    """The ``Retry-After`` header in seconds (delta-seconds or HTTP-date), if any."""
    raw = response.headers.get(b"Retry-After")
    if not raw:
        return None
    value = raw.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _robots_kind(request: Request) -> str | None:
    """``robots`` for the robots.txt request of the robots middleware, else None."""
    if request.meta.get("dont_obey_robotstxt") and urlparse_cached(request).path == "/robots.txt":
        return "robots"
    return None


def _header_pairs(headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


class RobotsFirstMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with every waiter served the parsed file.

    In Scrapy 2.19 the requests that arrive while robots.txt is being fetched share one
    Deferred; the first waiter's callback returns None, so every later waiter is told "no
    robots.txt" and goes out unchecked (a ``Disallow: /`` is obeyed for half the start
    requests). Here each waiter gets its own Deferred chained to the shared one.
    """

    async def robot_parser(self, request: Request):
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            mine: Deferred = Deferred()

            def relay(result):
                mine.callback(result)
                return result

            pending.addBoth(relay)
            return await maybe_deferred_to_future(mine)
        return await super().robot_parser(request)
