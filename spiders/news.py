"""The one spider: discovers a registered paper's articles and fetches them.

It is thin on purpose. What a paper looks like is data in :mod:`baotinh.sites`; archiving,
retries, robots.txt and throttling are middlewares and settings; cleaning happens downstream,
outside Scrapy. The spider only walks the home page, section listings (with pagination) and
feeds, and requests the article URLs it finds there.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response

from baotinh.sites import Site, get_site
from transforms.urls import normalize_url, rebase

# A listing item's date as papers print it: 18/12/2021 or 18-12-2021.
_LISTED_DATE = re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b")


class NewsSpider(Spider):
    """Crawl one paper. Arguments arrive as strings from the command line.

    - ``site``: registry key (``baonghean``).
    - ``base_url``: where to fetch from, when not the paper's own origin (a local mirror);
      links to the paper's domain are rewritten onto it.
    - ``known``: a file of article URLs (normalised, one per line) already archived; they are
      not fetched again (incremental crawl).
    - ``max_articles``: stop requesting articles after this many.
    - ``max_listing_pages``: how deep to paginate each section.
    - ``since``: ``YYYY-MM-DD``; feed items and listing pages older than this are not followed.
    """

    name = "news"

    def __init__(
        self,
        site: str,
        base_url: str | None = None,
        known: str | None = None,
        max_articles: str | int | None = None,
        max_listing_pages: str | int = 20,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.paper: Site = get_site(site)
        self.base = (base_url or self.paper.origin).rstrip("/")
        self.allowed_domains = [urlsplit(self.base).hostname or self.paper.domain]
        self.known = _read_known(Path(known)) if known else frozenset()
        self.max_articles = int(max_articles) if max_articles else None
        self.max_listing_pages = int(max_listing_pages)
        self.since = date.fromisoformat(since) if since else None
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        yield self._listing(self.base + "/", section=None, page=1)
        for section in self.paper.sections:
            yield self._listing(self.base + section, section=section, page=1)
        for feed in self.paper.feeds:
            yield Request(self.base + feed, callback=self.parse_feed, meta={"kind": "feed"})

    def parse_listing(self, response: Response) -> Iterator[Request]:
        hrefs = response.css(self.paper.listing_links).xpath("@href").getall()
        if not hrefs and response.css("a[href]"):
            self.logger.warning(
                "no links match %r on %s: layout drift? falling back to every link",
                self.paper.listing_links,
                response.url,
            )
            hrefs = response.css("a[href]").xpath("@href").getall()
        new = 0
        for href in hrefs:
            request = self._article(response.urljoin(href))
            if request is not None:
                new += 1
                yield request
        self.crawler.stats.inc_value("baotinh/listing_pages")
        next_page = self._next_page(response, new)
        if next_page is not None:
            yield next_page

    def parse_feed(self, response: Response) -> Iterator[Request]:
        response.selector.remove_namespaces()
        for item in response.xpath("//item | //entry"):
            link = item.xpath("link/text() | link/@href").get(default="").strip()
            published = _feed_date(item.xpath("pubDate/text() | published/text()").get())
            if self.since and published and published < self.since:
                continue
            request = self._article(link) if link else None
            if request is not None:
                yield request

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "status": response.status}

    def _listing(self, url: str, *, section: str | None, page: int) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            meta={"kind": "listing", "section": section, "page": page},
        )

    def _next_page(self, response: Response, new_articles: int) -> Request | None:
        """Page n+1 of a section, unless this page brought nothing new or is too old."""
        section, page = response.meta.get("section"), response.meta.get("page", 1)
        if section is None or new_articles == 0 or page >= self.max_listing_pages:
            return None
        if self._capped() or self._listing_older_than_since(response):
            return None
        suffix = self.paper.pagination.format(n=page + 1)
        return self._listing(self.base + section + suffix, section=section, page=page + 1)

    def _listing_older_than_since(self, response: Response) -> bool:
        if self.since is None:
            return False
        listed = [_valid_date(y, m, d) for d, m, y in _LISTED_DATE.findall(_page_text(response))]
        listed = [d for d in listed if d is not None]
        return bool(listed) and max(listed) < self.since

    def _article(self, url: str) -> Request | None:
        """A request for ``url`` if it is a new article of this paper, else None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        if self.paper.owns(url):
            url = rebase(url, self.base)
        elif parts.netloc != urlsplit(self.base).netloc:
            self.crawler.stats.inc_value("baotinh/links/offsite")
            return None
        if not self.paper.is_article_path(urlsplit(url).path):
            return None
        identity = normalize_url(rebase(url, self.paper.origin))
        if identity in self.requested:
            return None
        if identity in self.known:
            self.crawler.stats.inc_value("baotinh/articles/known_skipped")
            return None
        if self._capped():
            self.crawler.stats.inc_value("baotinh/articles/over_cap")
            return None
        self.requested.add(identity)
        fetch_url = rebase(identity, self.base)
        return Request(fetch_url, callback=self.parse_article, meta={"kind": "article"})

    def _capped(self) -> bool:
        return self.max_articles is not None and len(self.requested) >= self.max_articles


def _read_known(path: Path) -> frozenset[str]:
    with path.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def _feed_date(raw: str | None) -> date | None:
    if not raw:
        return None
    raw = raw.strip()
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        return None


def _valid_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _page_text(response: Response) -> str:
    return " ".join(response.xpath("//body//text()").getall())
