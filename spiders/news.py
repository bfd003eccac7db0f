"""The one spider: finds a registered paper's articles and fetches them.

It is thin on purpose and knows no site. Discovery is generic: robots.txt ``Sitemap:`` lines
(else the usual sitemap paths), sitemap indexes and news sitemaps, feeds advertised by the
home page (else the usual feed paths), and listing pages: the home page, the paper's known
sections or the sections found in its menus, each followed through its pagination. A link
is an article when its path has one of the URL shapes of Vietnamese papers
(:mod:`registry.families`); the page itself confirms it downstream. Archiving, retries,
robots.txt, conditional requests and throttling are middlewares and settings. Articles found
wait as URLs and go to Scrapy's scheduler as it has room (:data:`ARTICLES_AT_A_TIME`), so the
crawl's memory does not grow with a sitemap that lists every article of the paper.

Modes: discovery (default), ``urls`` (only the given article URLs) and replay (the same
crawl, every response served from a WARC file by :mod:`spiders.replay`).

Interrupted work is finished, not forgotten: a discovery crawl keeps its frontier (listing
pages scheduled but not walked, article URLs requested but not fetched) in a JSON file
(:class:`Frontier`), and the next crawl of the paper starts from it as well as from its usual
starting points. Pagination stops at a page with nothing new to earlier runs; without the
frontier, the deeper pages a killed crawl never reached would never be walked again. A page
that never answered (network errors, after the retries) stays in it even when the crawl
finishes, and so do resumed articles a ``max_articles`` cap left out; a page refused for good
(robots.txt, an HTTP error) does not. A page is not asked for ever, though: after
:data:`GIVE_UP_AFTER` clean runs in a row that reached the site but got no answer for it, it
leaves the frontier with a warning naming it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from registry import Site, get_site
from spiders import discovery
from transforms.urls import normalize_url, rebase

log = logging.getLogger(__name__)

# Requests of discovery documents are revalidated (ETag / Last-Modified) on every run.
REVALIDATE = {"Cache-Control": "max-age=0"}
# The frontier is also saved after this many articles fetched (besides write-ahead).
FRONTIER_EVERY = 25
# The crawl's finish reason when the frontier could not be saved.
FRONTIER_FAILED = "frontier_failed"
# Articles are handed to Scrapy while its scheduler holds fewer requests than this. A sitemap
# can list every article of a paper: as requests (a few KB each) they all waited in the
# scheduler's memory at once, and the crawl's memory grew with the paper. The others wait
# as the URLs the spider keeps anyway (``requested``).
ARTICLES_AT_A_TIME = 32
# A page (article or listing) of the frontier that got no answer in this many clean runs in
# a row (runs that reached the site) leaves it; the Scrapy setting BAOTINH_GIVE_UP_AFTER
# overrides it (0: never).
# Each run already tried it 1 + RETRY_TIMES times with backoff; at the default schedule (every
# 6 hours) five runs span more than a day, and a site that is down does not count.
GIVE_UP_AFTER = 5
# The stat of responses that came from the site over the network (not from the HTTP cache).
SITE_ANSWERS = "baotinh/responses/from_site"


class Unfinished(NamedTuple):
    """What a frontier file holds: listing pages, article identities, and for those that
    got no answer the number of runs in a row that asked them in vain."""

    listings: dict[str, dict[str, Any]]
    articles: list[str]
    unanswered: dict[str, int]


class Frontier:
    """A crawl's unfinished work, kept in a JSON file replaced atomically (temp + rename).

    ``listings`` maps a listing page's URL to ``{"page": n, "home": bool}``: scheduled, not
    yet walked. ``articles`` is the set of article identities requested, not yet fetched;
    ``unanswered`` maps those of both that got no answer (network errors after the retries) to
    the number of runs in a row that asked them in vain (version 2; a version 1 file has no
    counts: they start at 0). URLs are stored on the paper's origin, so a frontier recorded
    from a mirror resumes on another. A file that cannot be read is reported and ignored (the
    crawl then starts from its usual starting points, as before frontiers existed).
    """

    VERSION = 2

    def __init__(self, path: Path) -> None:
        self.path = path
        self.listings: dict[str, dict[str, Any]] = {}
        self.articles: set[str] = set()
        self.unanswered: dict[str, int] = {}

    def load(self) -> Unfinished:
        """What the last crawl left unfinished."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            listings = {
                str(url): {"page": int(entry.get("page", 1)), "home": bool(entry.get("home"))}
                for url, entry in dict(data.get("listings", {})).items()
            }
            articles = [str(url) for url in data.get("articles", [])]
            unanswered = {str(url): int(n) for url, n in dict(data.get("unanswered", {})).items()}
        except FileNotFoundError:
            return Unfinished({}, [], {})
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("ignoring the unreadable frontier %s (%s)", self.path, exc)
            return Unfinished({}, [], {})
        return Unfinished(listings, articles, unanswered)

    def save(self) -> None:
        """Write the frontier; raises OSError on failure."""
        data = {
            "version": self.VERSION,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "listings": dict(sorted(self.listings.items())),
            "articles": sorted(self.articles),
            "unanswered": {
                url: runs
                for url, runs in sorted(self.unanswered.items())
                if url in self.articles or url in self.listings
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with temp.open("w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
            temp.replace(self.path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise


class NewsSpider(Spider):
    """Crawl one paper. Arguments arrive as strings from the command line.

    - ``site``: registry key; ``registry``: an extra registry file holding it.
    - ``base_url``: where to fetch from, when not the paper's own origin (a local mirror or a
      replay); links to the paper's domains are rewritten onto it.
    - ``known``: a file of article URLs (normalised, one per line) not to fetch again.
    - ``urls``: a file of article URLs: fetch only these (no discovery).
    - ``max_articles``, ``max_listing_pages``: caps; ``since``: ``YYYY-MM-DD``, entries of
      sitemaps and feeds and listing pages older than this are not followed.
    - ``frontier``: the paper's frontier file (discovery mode only): resumed at the start,
      saved before any listing's next page is requested (write-ahead), every
      :data:`FRONTIER_EVERY` articles and on close; emptied by a clean finish, but for what
      never answered (until :data:`GIVE_UP_AFTER` runs) and what a cap left out.
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
        frontier: str | None = None,
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
        # Articles requested but not handed to Scrapy yet: (identity, the page listing it).
        self.waiting: deque[tuple[str, str | None]] = deque()
        self.sitemaps_scheduled = False
        # A urls-mode crawl neither resumes nor overwrites the discovery frontier.
        use_frontier = frontier and self.direct_urls is None
        self.frontier = Frontier(Path(frontier)) if use_frontier else None
        self.frontier_failure: str | None = None
        # frontier keys of requests that failed for want of an answer (after retries): kept
        # in the frontier even by a clean finish, for the next run
        self._network_failed: set[str] = set()
        # resumed articles this run's --max-articles left out: kept for the next run
        self._carried: set[str] = set()
        self._since_save = 0
        # What the last crawl left unfinished stays pending from the start, so no save of
        # this crawl can drop it before it is requested.
        self._unfinished = self.frontier.load() if self.frontier else Unfinished({}, [], {})
        if self.frontier is not None:
            self.frontier.listings.update(self._unfinished.listings)
            self.frontier.articles.update(self._unfinished.articles)
            self.frontier.unanswered.update(self._unfinished.unanswered)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.hand_over, signal=signals.scheduler_empty)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.answered, signal=signals.response_downloaded)
        return spider

    # --- starting points ----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.direct_urls is not None:
            for url in self.direct_urls:
                if not self._article(url) and (why := self._not_an_article(url)):
                    # known or listed twice: no warning
                    self.crawler.stats.inc_value("baotinh/urls/not_fetched")
                    self.logger.warning("not fetched: %s %s", url, why)
            return
        yield self._listing(self.base + "/", page=1, home=True)
        for section in self.paper.sections:
            yield self._listing(self._at_base(section), page=1)
        for feed in self.paper.feeds:
            yield self._feed(self._at_base(feed))
        for sitemap in self.paper.sitemaps:
            yield self._sitemap(self._at_base(sitemap))
        if self.frontier is not None:
            for request in self._resumed():
                yield request

    def _resumed(self) -> list[Request]:
        """Requests for what the previous crawl left unfinished (a killed or failed run);
        its articles wait their turn (:meth:`hand_over`)."""
        assert self.frontier is not None
        listings, articles, _ = self._unfinished
        requests = [
            self._listing(self._onto_base(url), page=entry["page"], home=entry["home"])
            for url, entry in listings.items()
        ]
        settled = 0
        for identity in articles:
            if self._article(identity) or identity in self.requested:
                continue
            if self._over_cap(identity):
                self._carried.add(identity)  # not this run's: kept for a later one
                continue
            # not requested now: loaded since (known), or not ours any more
            self.frontier.articles.discard(identity)
            settled += 1
        if listings or articles:
            log.info(
                "resuming the frontier of an unfinished crawl: %d listing pages, %d articles"
                " (%d of them archived meanwhile, %d over --max-articles kept for a later run)",
                len(listings), len(articles), settled, len(self._carried),
            )  # fmt: skip
            self.crawler.stats.set_value("baotinh/frontier/resumed_listings", len(listings))
            self.crawler.stats.set_value("baotinh/frontier/resumed_articles", len(articles))
        return requests

    def closed(self, reason: str) -> None:
        """Save what is left (nothing after a clean finish)."""
        if self.frontier is None or self.frontier_failure is not None:
            return
        clean = reason == "finished"
        if clean:  # what is left was dropped for good, but for these two kinds
            self._count_unanswered()
            self.frontier.listings = {
                key: entry
                for key, entry in self.frontier.listings.items()
                if key in self._network_failed
            }
            self.frontier.articles &= self._network_failed | self._carried
        try:
            self.frontier.save()
        except OSError as exc:
            self._frontier_failed(exc)
            return
        left = (len(self.frontier.listings), len(self.frontier.articles))
        self.crawler.stats.set_value("baotinh/frontier/left_listings", left[0])
        self.crawler.stats.set_value("baotinh/frontier/left_articles", left[1])
        if any(left):
            log.warning(
                "crawl ended (%s) with %d listing pages and %d articles left%s: saved in %s"
                " for the next run", reason, *left,
                " (never answered, or over --max-articles)" if clean else "", self.frontier.path,
            )  # fmt: skip

    def _count_unanswered(self) -> None:
        """After a clean run that reached the site, each article or listing page it asked in
        vain has one more run in a row without an answer; at :data:`GIVE_UP_AFTER` it leaves
        the frontier. Pages not asked this run (over the cap, or not reached) keep their
        count."""
        assert self.frontier is not None
        if not self.crawler.stats.get_value(SITE_ANSWERS):
            return  # the site was down or unreachable: no page's own fault
        limit = self.crawler.settings.getint("BAOTINH_GIVE_UP_AFTER", GIVE_UP_AFTER)
        kept = self.frontier.articles | self.frontier.listings.keys()
        for identity in sorted(kept & self._network_failed):
            runs = self.frontier.unanswered.get(identity, 0) + 1
            if limit <= 0 or runs < limit:
                self.frontier.unanswered[identity] = runs
                continue
            self.frontier.articles.discard(identity)
            self.frontier.listings.pop(identity, None)
            self.frontier.unanswered.pop(identity, None)
            self.crawler.stats.inc_value("baotinh/frontier/given_up")
            log.warning(
                "gave up on %s: no answer in %d runs in a row (BAOTINH_GIVE_UP_AFTER=%d);"
                " removed from the frontier", identity, runs, limit,
            )  # fmt: skip

    def robots_parsed(self, robotparser, request: Request) -> None:
        """Robots.txt is read before any other request: schedule the sitemaps it names."""
        if self.direct_urls is not None or self.sitemaps_scheduled:
            return
        self.sitemaps_scheduled = True
        named = list(getattr(getattr(robotparser, "rp", None), "sitemaps", ()) or ())
        for url in named or [self.base + path for path in discovery.USUAL_SITEMAPS]:
            self.crawler.engine.crawl(self._sitemap(self._onto_base(url), probe=not named))

    def hand_over(self) -> None:
        """Give the scheduler waiting articles until it holds :data:`ARTICLES_AT_A_TIME`
        requests (the referring page set as Scrapy's Referer middleware would): after each
        page, and whenever the scheduler runs empty."""
        if self.frontier_failure is not None:
            return
        engine = self.crawler.engine
        for _ in range(min(ARTICLES_AT_A_TIME - self._pending(), len(self.waiting))):
            identity, referer = self.waiting.popleft()
            engine.crawl(self._article_request(identity, referer))

    def _pending(self) -> int:
        """Requests in Scrapy's scheduler (its own statistics)."""
        stats = self.crawler.stats
        return stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)

    def idle(self) -> None:
        """Never close with articles still waiting (a Scrapy without ``scheduler_empty``)."""
        if self.waiting and self.frontier_failure is None:
            self.hand_over()
            raise DontCloseSpider

    def answered(self) -> None:
        """Count a response that came from the network (``response_downloaded``: neither
        the HTTP cache nor its stale copy on an error): only in a run the site answered does
        a request without an answer count against its page, and a crawl of a site that
        answered nothing fails (:meth:`flows.crawl.CrawlOutcome.failure`)."""
        self.crawler.stats.inc_value(SITE_ANSWERS)

    def scheduled(self, request: Request) -> None:
        """Keep the most requests the scheduler held at once (the stat
        ``baotinh/scheduler/max_pending``): what the crawl's memory grows with."""
        self.crawler.stats.max_value("baotinh/scheduler/max_pending", self._pending() + 1)

    # --- callbacks ----------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """Its articles, its next page (and, for the home page, feeds and sections).

        Everything is collected first; the frontier, with this page walked and its next
        page pending, is saved before any of it is requested (write-ahead).
        """
        if not isinstance(response, TextResponse):
            self._walked(response.request)
            return
        html = Selector(text=response.text)
        self.crawler.stats.inc_value("baotinh/listing_pages")
        new = 0  # article links not known from earlier runs (requested now or already)
        requests: list[Request] = []
        for url in discovery.links(html, response.url):
            if self._is_ours(url) and self._is_article_url(url):
                new += self._identity(url) not in self.known
            self._article(url, response.url)
        if response.meta.get("home"):
            requests += self._from_home(html, response)
        next_request = self._next_listing(html, response, new)
        if next_request is not None:
            requests.append(next_request)
        self._walked(response.request)
        if next_request is not None and not self._save_frontier():
            return
        self.hand_over()  # after the write-ahead save
        yield from requests

    def parse_feed(self, response: Response) -> None:
        body = _xml_body(response)
        if not discovery.looks_like_feed(body):
            return  # a probed path answered with something else
        self.crawler.stats.inc_value("baotinh/feeds")
        self._entries(discovery.read_feed(body), response.url)
        self.hand_over()

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = _xml_body(response)
        if not discovery.looks_like_sitemap(body):
            return
        self.crawler.stats.inc_value("baotinh/sitemaps")
        children, pages = discovery.read_sitemap(body)
        for entry in children:
            if not self._too_old(entry.day):
                yield self._sitemap(self._onto_base(entry.url))
        self._entries(pages, response.url)
        self.hand_over()

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        self._fetched(response.request)
        self.hand_over()
        yield {"url": response.url, "status": response.status}

    def dropped(self, failure: Failure) -> None:
        """A request refused for good (robots.txt, offsite, an HTTP error): not unfinished.
        Other failures (network errors after retries, an archive that cannot be written)
        stay in the frontier for the next run."""
        request = getattr(failure, "request", None)
        if failure.check(IgnoreRequest):
            if request.meta.get("kind") == "listing":
                self._walked(request)
            else:
                self._fetched(request)
        elif request is not None:
            self._network_failed.add(request.meta.get("frontier_key", ""))
        self.hand_over()

    # --- frontier -----------------------------------------------------------------------------

    def _walked(self, request: Request | None) -> None:
        if self.frontier is not None and request is not None:
            self.frontier.listings.pop(request.meta.get("frontier_key", ""), None)

    def _fetched(self, request: Request | None) -> None:
        if self.frontier is None or request is None:
            return
        self.frontier.articles.discard(request.meta.get("frontier_key", ""))
        self._since_save += 1
        if self._since_save >= FRONTIER_EVERY:
            self._save_frontier()

    def _save_frontier(self) -> bool:
        """Save the frontier now; False (and the crawl stops) when it cannot be written."""
        if self.frontier is None:
            return True
        if self.frontier_failure is not None:
            return False
        try:
            self.frontier.save()
        except OSError as exc:
            self._frontier_failed(exc)
            return False
        self._since_save = 0
        return True

    def _frontier_failed(self, exc: OSError) -> None:
        """Writes fail loudly: without its frontier a crawl could lose work for good."""
        self.frontier_failure = f"frontier write failed: {exc}"
        if not self.crawler.stats.get_value("baotinh/failure"):  # the first cause wins
            self.crawler.stats.set_value("baotinh/failure", self.frontier_failure)
        log.error("%s; stopping the crawl", self.frontier_failure)
        if self.crawler.engine is not None and self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=FRONTIER_FAILED))

    # --- helpers ------------------------------------------------------------------------------

    def _entries(self, entries: list[discovery.Entry], listed_on: str) -> None:
        """Request the articles a feed or sitemap lists, unless older than ``since``."""
        for entry in entries:
            if self._too_old(entry.day):
                self.crawler.stats.inc_value("baotinh/entries/before_since")
                continue
            self._article(self._onto_base(entry.url), listed_on)

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

    def _article(self, url: str, listed_on: str | None = None) -> bool:
        """Request ``url`` if it is a new article of this paper (True): it waits its turn
        (:meth:`hand_over`), as an unfinished one of the frontier."""
        if not self._is_ours(url):
            self.crawler.stats.inc_value("baotinh/links/offsite")
            return False
        if not self._is_article_url(url):
            return False
        if len(url) > self.crawler.settings.getint("URLLENGTH_LIMIT"):
            # what Scrapy's UrlLengthMiddleware refuses in a spider's output: articles go to
            # the engine by the pump (hand_over), not through the spider middlewares
            self.crawler.stats.inc_value("baotinh/links/too_long")
            return False
        identity = self._identity(url)
        if identity in self.requested:
            return False
        if identity in self.known:
            self.crawler.stats.inc_value("baotinh/articles/known_skipped")
            return False
        if self._capped():
            self.crawler.stats.inc_value("baotinh/articles/over_cap")
            return False
        self.requested.add(identity)
        self.crawler.stats.inc_value("baotinh/articles/requested")
        if self.frontier is not None:
            self.frontier.articles.add(identity)
        self.waiting.append((identity, listed_on))
        return True

    def _article_request(self, identity: str, referer: str | None) -> Request:
        return Request(
            self._onto_base(identity),
            callback=self.parse_article,
            errback=self.dropped,
            headers={"Referer": referer} if referer else None,
            meta={"kind": "article", "dont_cache": True, "frontier_key": identity},
        )

    def _not_an_article(self, url: str) -> str | None:
        """Why a given URL is not one of this paper's articles, or None when it is."""
        if not self._is_ours(url):
            return f"is not on {self.paper.key}'s domains ({self.paper.domain})"
        if not self._is_article_url(url):
            return f"does not look like an article URL of {self.paper.key} (see its registry entry)"
        return None

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

    def _over_cap(self, identity: str) -> bool:
        """A new article of this paper that only the cap keeps from being requested."""
        return (
            self._capped()
            and self._is_ours(identity)
            and self._is_article_url(identity)
            and identity not in self.known
        )

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
        key = rebase(url, self.paper.origin) if self.mirror else url
        if self.frontier is not None:
            self.frontier.listings.setdefault(key, {"page": page, "home": home})
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.dropped,
            headers=REVALIDATE,
            meta={"kind": "listing", "page": page, "home": home, "frontier_key": key},
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
