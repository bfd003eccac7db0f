"""The one spider: finds a registered paper's articles and fetches them.

It is thin on purpose and knows no site. Discovery is generic: robots.txt ``Sitemap:`` lines
(else the usual sitemap paths), sitemap indexes and news sitemaps, feeds advertised by the
home page (else the usual feed paths), and listing pages: the home page, the paper's known
sections or the sections found in its menus, each followed through its pagination. A link
is an article when its path has one of the URL shapes of Vietnamese papers
(:mod:`registry.families`); the page itself confirms it downstream. Archiving, retries,
robots.txt, conditional requests and throttling are middlewares and settings.

Modes: discovery (default), ``urls`` (only the given article URLs) and replay (the same
crawl, every response served from a WARC file by :mod:`spiders.replay`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request, Spider, signals
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip

from registry import Site, get_site
from spiders import discovery
from transforms.urls import normalize_url, rebase

# Requests of discovery documents are revalidated (ETag / Last-Modified) on every run.
REVALIDATE = {"Cache-Control": "max-age=0"}


class NewsSpider(Spider):
    """Crawl one paper. Arguments arrive as strings from the command line.

    - ``site``: registry key; ``registry``: an extra registry file holding it.
    - ``base_url``: where to fetch from, when not the paper's own origin (a local mirror or a
      replay); links to the paper's domains are rewritten onto it.
    - ``known``: a file of article URLs (normalised, one per line) not to fetch again.
    - ``urls``: a file of article URLs: fetch only these (no discovery).
    - ``max_articles``, ``max_listing_pages``: caps; ``since``: ``YYYY-MM-DD``, entries of
      sitemaps and feeds and listing pages older than this are not followed.
    """

    name = "news"

    def __init__(
        self,
        site: str,
        registry: str | None = None,
        base_url: str | None = None,
        known: str | None = None,
        urls: str | None = None,
        max_articles: str | int | None = None,
        max_listing_pages: str | int = 20,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.paper: Site = get_site(site, registry)
        self.base = (base_url or self.paper.origin).rstrip("/")
        self.mirror = self.base != self.paper.origin
        hosts = [*self.paper.domains, *self.paper.hosts]
        self.allowed_domains = [urlsplit(self.base).hostname] if self.mirror else hosts
        self.known = _read_lines(Path(known)) if known else frozenset()
        self.direct_urls = sorted(_read_lines(Path(urls))) if urls else None
        self.max_articles = int(max_articles) if max_articles else None
        self.max_listing_pages = int(max_listing_pages)
        self.since = date.fromisoformat(since) if since else None
        self.requested: set[str] = set()
        self.sitemaps_scheduled = False

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    # --- starting points ----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.direct_urls is not None:
            for url in self.direct_urls:
                request = self._article(url)
                if request is not None:
                    yield request
            return
        yield self._listing(self.base + "/", page=1, home=True)
        for section in self.paper.sections:
            yield self._listing(self._at_base(section), page=1)
        for feed in self.paper.feeds:
            yield self._feed(self._at_base(feed))
        for sitemap in self.paper.sitemaps:
            yield self._sitemap(self._at_base(sitemap))

    def robots_parsed(self, robotparser, request: Request) -> None:
        """Robots.txt is read before any other request: schedule the sitemaps it names."""
        if self.direct_urls is not None or self.sitemaps_scheduled:
            return
        self.sitemaps_scheduled = True
        named = list(getattr(getattr(robotparser, "rp", None), "sitemaps", ()) or ())
        for url in named or [self.base + path for path in discovery.USUAL_SITEMAPS]:
            self.crawler.engine.crawl(self._sitemap(self._onto_base(url), probe=not named))

    # --- callbacks ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        html = Selector(text=response.text)
        self.crawler.stats.inc_value("baotinh/listing_pages")
        new = 0  # article links not known from earlier runs (requested now or already)
        for url in discovery.links(html, response.url):
            if self._is_ours(url) and self._is_article_url(url):
                new += self._identity(url) not in self.known
            request = self._article(url)
            if request is not None:
                yield request
        if response.meta.get("home"):
            yield from self._from_home(html, response)
        next_request = self._next_listing(html, response, new)
        if next_request is not None:
            yield next_request

    def parse_feed(self, response: Response) -> Iterator[Request]:
        body = _xml_body(response)
        if not discovery.looks_like_feed(body):
            return  # a probed path answered with something else
        self.crawler.stats.inc_value("baotinh/feeds")
        yield from self._entries(discovery.read_feed(body))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = _xml_body(response)
        if not discovery.looks_like_sitemap(body):
            return
        self.crawler.stats.inc_value("baotinh/sitemaps")
        children, pages = discovery.read_sitemap(body)
        for entry in children:
            if not self._too_old(entry.day):
                yield self._sitemap(self._onto_base(entry.url))
        yield from self._entries(pages)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "status": response.status}

    # --- helpers ------------------------------------------------------------------------------

    def _entries(self, entries: list[discovery.Entry]) -> Iterator[Request]:
        """Requests for the articles a feed or sitemap lists, unless older than ``since``."""
        for entry in entries:
            if self._too_old(entry.day):
                self.crawler.stats.inc_value("baotinh/entries/before_since")
                continue
            request = self._article(self._onto_base(entry.url))
            if request is not None:
                yield request

    def _from_home(self, html: Selector, response: Response) -> Iterator[Request]:
        """Feeds the home page advertises (else the usual paths) and the sections of its
        menus, besides those the registry names."""
        feeds = [self._onto_base(u) for u in discovery.advertised_feeds(html, response.url)]
        if not feeds and not self.paper.feeds:
            feeds = [self.base + path for path in discovery.USUAL_FEEDS]
            probe = True
        else:
            probe = False
        for url in feeds:
            if self.paper.owns(url) or _same_origin(url, self.base):
                yield self._feed(url, probe=probe)
        named = {self._at_base(section) for section in self.paper.sections}
        sections = discovery.section_links(
            html, response.url, is_article=self._is_article_url, owns=self._is_ours
        )
        for url in sections:
            url = self._onto_base(url)
            if url not in named and not self._skipped(url):
                yield self._listing(url, page=1)

    def _next_listing(self, html: Selector, response: Response, new: int) -> Request | None:
        """Page n+1, unless this page listed nothing new to earlier runs, is too deep or too
        old."""
        page = response.meta.get("page", 1)
        if response.meta.get("home") or new == 0 or page >= self.max_listing_pages:
            return None
        if self._capped():
            return None
        if self.since is not None:
            newest = discovery.newest_printed_date(" ".join(html.xpath("//body//text()").getall()))
            if newest is not None and newest < self.since:
                return None
        url = discovery.next_page(html, response.url, page)
        if url is None or not self._is_ours(url):
            return None
        return self._listing(self._onto_base(url), page=page + 1)

    def _article(self, url: str) -> Request | None:
        """A request for ``url`` if it is a new article of this paper, else None."""
        if not self._is_ours(url):
            self.crawler.stats.inc_value("baotinh/links/offsite")
            return None
        if not self._is_article_url(url):
            return None
        identity = self._identity(url)
        if identity in self.requested:
            return None
        if identity in self.known:
            self.crawler.stats.inc_value("baotinh/articles/known_skipped")
            return None
        if self._capped():
            self.crawler.stats.inc_value("baotinh/articles/over_cap")
            return None
        self.requested.add(identity)
        self.crawler.stats.inc_value("baotinh/articles/requested")
        return Request(
            self._onto_base(identity),
            callback=self.parse_article,
            meta={"kind": "article", "dont_cache": True},
        )

    def _identity(self, url: str) -> str:
        return normalize_url(rebase(url, self.paper.origin))

    def _is_ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (
            self.paper.owns(url) or _same_origin(url, self.base)
        )

    def _is_article_url(self, url: str) -> bool:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.paper.is_article_path(path)

    def _skipped(self, url: str) -> bool:
        """Under a skip path; a menu's ``/video`` is the ``/video/`` section too."""
        path = urlsplit(url).path
        return any(
            path.startswith(prefix) or f"{path}/" == prefix for prefix in self.paper.skip_paths
        )

    def _capped(self) -> bool:
        return self.max_articles is not None and len(self.requested) >= self.max_articles

    def _too_old(self, day: date | None) -> bool:
        return self.since is not None and day is not None and day < self.since

    def _at_base(self, path_or_url: str) -> str:
        return self._onto_base(path_or_url if "://" in path_or_url else self.base + path_or_url)

    def _onto_base(self, url: str) -> str:
        """A URL of the paper's own domains, moved onto the mirror being crawled (a live
        crawl keeps the paper's other hosts, such as archive subdomains, as they are)."""
        if not self.paper.owns(url):
            return url
        if self.mirror or urlsplit(url).hostname in (None, self.paper.domain):
            return rebase(url, self.base)
        return url

    def _listing(self, url: str, *, page: int, home: bool = False) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            headers=REVALIDATE,
            meta={"kind": "listing", "page": page, "home": home},
        )

    def _feed(self, url: str, *, probe: bool = False) -> Request:
        return Request(
            url,
            callback=self.parse_feed,
            headers=REVALIDATE,
            meta={"kind": "feed", "probe": probe, "handle_httpstatus_list": [404]},
        )

    def _sitemap(self, url: str, *, probe: bool = False) -> Request:
        return Request(
            url,
            callback=self.parse_sitemap,
            headers=REVALIDATE,
            meta={"kind": "sitemap", "probe": probe, "handle_httpstatus_list": [404]},
        )


def _same_origin(url: str, base: str) -> bool:
    return urlsplit(url).netloc == urlsplit(base).netloc


def _xml_body(response: Response) -> bytes:
    """The body of a feed or sitemap, gunzipped when it is a ``.gz`` file."""
    if response.status != 200:
        return b""
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip(body, max_size=50 * 1024 * 1024)
        except OSError:
            return b""
    return body


def _read_lines(path: Path) -> frozenset[str]:
    with path.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())
