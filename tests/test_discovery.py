"""Generic discovery on the four sample papers, crawled over real HTTP on loopback (no mocks).

Each paper is served by :class:`samples.server.LocalSite` and crawled by ``run_crawl`` (the
spider in a subprocess), with the registry entries of ``samples/papers.toml``, which name no
sections, feeds or sitemaps. The ground truth is each paper's ``expected.json``.

The papers are served on 127.0.0.1 (LocalSite's default), not on ``open_samples``' 127.0.0.11+
addresses: ``flows.crawl.is_loopback`` only knows 127.0.0.1, so a crawl of 127.0.0.11 would
run with the full politeness delays (about a second a request).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from flows.crawl import CrawlOutcome, run_crawl
from registry import get_site
from samples.server import SAMPLES_DIR, Canned, Hit, LocalSite
from spiders.crawl import build_settings
from spiders.warc import ArchivedPage, read_pages
from transforms.urls import normalize_url, rebase

REPO = Path(__file__).resolve().parents[1]
REGISTRY = str(REPO / "samples" / "papers.toml")
KEYS = ("mau-hagiang", "mau-tuyenquang", "mau-cantho", "mau-nghean")
DISCOVERY_KINDS = ("listing", "feed", "sitemap")
TOPIC = "topic-listing-article-shaped-url"
log = logging.getLogger("test-discovery")


@cache
def expected(key: str) -> dict:
    return json.loads((SAMPLES_DIR / key / "expected.json").read_text(encoding="utf-8"))


def article_paths(key: str) -> set[str]:
    return {a["path"] for a in expected(key)["articles"]}


def origin_url(key: str, path: str) -> str:
    return get_site(key, REGISTRY).origin + path


def identity(key: str, url: str) -> str:
    """How the spider and the warehouse name an article: normalised, on the paper's origin."""
    return normalize_url(rebase(url, get_site(key, REGISTRY).origin))


def target(url: str) -> str:
    """Path and query of a URL, as the server sees it."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Crawl:
    key: str
    base: str
    outcome: CrawlOutcome
    pages: list[ArchivedPage]  # what its WARC holds
    hits: list[Hit]  # what the server saw during this crawl

    def archived(self, *kinds: str) -> list[str]:
        return [target(p.url) for p in self.pages if p.kind in kinds]

    def requested(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def known(self) -> set[str]:
        """Its article records as the next run's ``known`` (as warehouse.runs builds it)."""
        return {identity(self.key, p.url) for p in self.pages if p.kind == "article"}

    @property
    def stats(self) -> dict[str, object]:
        return self.outcome.stats


def crawl(
    key: str,
    base_url: str,
    warc: Path,
    site: LocalSite | None = None,
    *,
    known: set[str] | None = None,
    since: date | None = None,
    registry: str = REGISTRY,
    **options,
) -> Crawl:
    first_hit = len(site.hits) if site is not None else 0
    outcome = run_crawl(
        key,
        base_url=base_url,
        warc=warc,
        known=known or set(),
        since=since,
        max_articles=None,
        log=log,
        registry=registry,
        **options,
    )
    assert outcome.returncode == 0, outcome.failure()
    assert str(outcome.stats.get("finish_reason")) == "finished"
    pages = list(read_pages(outcome.warc)) if outcome.warc else []
    hits = list(site.hits[first_hit:]) if site is not None else []
    return Crawl(key, base_url, outcome, pages, hits)


@dataclass
class Runs:
    """Two crawls of one paper by the same server and HTTP cache, the second knowing the
    articles of the first; the server is stopped afterwards (``url`` answers no more)."""

    url: str
    first: Crawl
    second: Crawl


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Runs]:
    done = {}
    for key in KEYS:
        tmp = tmp_path_factory.mktemp(key)
        with LocalSite(SAMPLES_DIR / key) as site:
            first = crawl(key, site.url, tmp / "first.warc.gz", site, state_dir=tmp / "state")
            second = crawl(
                key,
                site.url,
                tmp / "second.warc.gz",
                site,
                state_dir=tmp / "state",
                known=first.known(),
            )
        done[key] = Runs(site.url, first, second)
    return done


@pytest.fixture
def cantho() -> Iterator[LocalSite]:
    with LocalSite(SAMPLES_DIR / "mau-cantho") as site:
        yield site


# --- 1. every discovery style finds every article and nothing else -----------------------------


@pytest.mark.parametrize("key", KEYS)
def test_finds_every_article_and_nothing_else(runs: dict[str, Runs], key: str) -> None:
    paper = get_site(key, REGISTRY)
    assert paper.sections == paper.feeds == paper.sitemaps == ()  # found, not told
    first = runs[key].first
    archived = first.archived("article")
    assert len(archived) == len(set(archived))  # each fetched once
    # Every article; besides them only topic pages whose URL has the article shape (the page
    # itself tells them apart downstream, transforms.pagekind), nothing else.
    topics = {n["path"] for n in expected(key)["not_articles"] if n["kind"] == TOPIC}
    assert article_paths(key) <= set(archived)
    assert set(archived) - article_paths(key) <= topics
    requested = first.requested()
    for page in expected(key)["not_articles"]:
        assert page["kind"] == TOPIC or page["path"] not in archived, page
        if page["kind"] in ("tag", "video", "english-edition"):
            assert page["path"] not in requested, page
    # nothing under the paper's skip paths is requested, not even the menu's "/video"
    for prefix in paper.skip_paths:
        assert not [p for p in requested if p.startswith(prefix) or f"{p}/" == prefix], prefix
    assert first.stats.get("downloader/response_status_count/200")
    assert not first.stats.get("downloader/exception_count")


def test_sitemaps_named_by_robots_txt(runs: dict[str, Runs]) -> None:
    """mau-hagiang: robots.txt ``Sitemap:`` → index → monthly sitemaps and the news sitemap;
    its home page is a JavaScript shell."""
    entry = expected("mau-hagiang")["entry_points"]
    first = runs["mau-hagiang"].first
    wanted = {entry["sitemap_index"], *entry["sitemaps"], entry["news_sitemap"]}
    assert set(first.archived("sitemap")) == wanted
    assert first.archived("listing", "feed") == ["/"]  # the shell, no feed anywhere
    assert "/sitemap.xml" not in first.requested()  # robots.txt named one: no guessing


def test_feed_advertised_by_the_home_page(runs: dict[str, Runs]) -> None:
    """mau-tuyenquang: lists are loaded by JavaScript; the feed comes from ``<link
    rel=alternate>``, so the usual feed paths are not probed."""
    entry = expected("mau-tuyenquang")["entry_points"]
    first = runs["mau-tuyenquang"].first
    assert first.archived("feed") == [entry["rss"]]
    assert not {"/rss", "/feed", "/rss.xml", "/feed.xml"} & set(first.requested())
    assert set(first.archived("listing")) == set(expected("mau-tuyenquang")["listing_pages"])


@pytest.mark.parametrize("key", ["mau-cantho", "mau-nghean"])
def test_listings_menus_sections_and_pagination(runs: dict[str, Runs], key: str) -> None:
    """mau-cantho: /<section>/trang-N.html; mau-nghean: ?page=N (two markup eras), plus the
    /sitemap.xml found at the usual path."""
    first = runs[key].first
    assert sorted(first.archived("listing")) == sorted(expected(key)["listing_pages"])
    sitemap = expected(key)["entry_points"].get("sitemap")
    assert first.archived("sitemap") == ([sitemap] if sitemap else [])
    assert first.archived("feed") == []


# --- 2. --since through sitemaps and feeds ----------------------------------------------------


def test_since_skips_old_sitemaps_and_old_sitemap_entries(tmp_path: Path) -> None:
    since = date(2025, 1, 5)
    with LocalSite(SAMPLES_DIR / "mau-hagiang") as site:
        run = crawl("mau-hagiang", site.url, tmp_path / "since.warc.gz", site, since=since)
    entry = expected("mau-hagiang")["entry_points"]
    # the index's lastmod dates: only the months from 2025 on are read
    assert set(run.archived("sitemap")) == {
        entry["sitemap_index"],
        "/sitemaps/sitemap-2025-01.xml",
        "/sitemaps/sitemap-2025-06.xml",
        entry["news_sitemap"],
    }
    older_months = [path for path in entry["sitemaps"] if path < "/sitemaps/sitemap-2025"]
    assert older_months and not set(older_months) & set(run.requested())
    newer = {
        a["path"]
        for a in expected("mau-hagiang")["articles"]
        if a["published"][:10] >= "2025-01-05"
    }
    assert len(newer) == 2
    assert set(run.archived("article")) == newer
    # the topic page of 2025-01 (lastmod 2025-01-03) is older than since: not even requested
    topic = next(n["path"] for n in expected("mau-hagiang")["not_articles"] if n["kind"] == TOPIC)
    assert topic not in run.requested()
    assert run.stats["baotinh/entries/before_since"] >= 1


def test_since_skips_old_feed_items(tmp_path: Path) -> None:
    since = date(2025, 1, 1)
    with LocalSite(SAMPLES_DIR / "mau-tuyenquang") as site:
        run = crawl("mau-tuyenquang", site.url, tmp_path / "since.warc.gz", site, since=since)
    articles = expected("mau-tuyenquang")["articles"]
    newer = {a["path"] for a in articles if a["published"][:10] >= since.isoformat()}
    older = {a["path"] for a in articles} - newer
    assert newer and older
    assert set(run.archived("article")) & article_paths("mau-tuyenquang") == newer
    assert not older & set(run.requested())
    assert run.stats["baotinh/entries/before_since"] == len(older)


# --- 3. conditional requests on a second run --------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_second_run_revalidates_discovery_pages_and_fetches_nothing(
    runs: dict[str, Runs], key: str
) -> None:
    first, second = runs[key].first, runs[key].second
    discovery = set(first.archived(*DISCOVERY_KINDS))
    # robots.txt comes from the HTTP cache too, fresh (no request) or revalidated (a 304)
    hits = [h for h in second.hits if h.path != "/robots.txt"]
    revalidated = [h.path for h in hits if h.status == 304]
    # The server saw If-None-Match / If-Modified-Since for the unchanged discovery pages ...
    assert "/" in revalidated and set(revalidated) <= discovery
    not_modified = [h for h in second.hits if h.status == 304]
    assert second.stats.get("httpcache/revalidate") == len(not_modified)
    # ... and answered nothing else but the 404s of the paths probed for feeds and sitemaps.
    assert all(h.status == 404 for h in hits if h.status != 304), hits
    assert not article_paths(key) & set(second.requested())
    assert second.stats.get("baotinh/articles/known_skipped")
    assert not second.stats.get("baotinh/articles/requested")
    # Nothing archived again: no discovery record, no article, not even robots.txt.
    assert second.outcome.warc is None and second.pages == []


# --- 4. robots.txt ----------------------------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_robots_txt_is_the_first_request(runs: dict[str, Runs], key: str) -> None:
    requested = runs[key].first.requested()
    assert requested[0] == "/robots.txt" and requested.count("/robots.txt") == 1


def test_disallow_all_means_no_other_request(tmp_path: Path, cantho: LocalSite) -> None:
    """Every start request (home, sections, feed, sitemap) waits for robots.txt and is
    refused; in Scrapy 2.19 all waiters but the first went out unchecked."""
    registry = tmp_path / "papers.toml"
    registry.write_text(
        "[[paper]]\n"
        'key = "mau-cantho-known"\n'
        'name = "Báo Mẫu Cần Thơ, sections known"\n'
        'domains = ["baomau-cantho.test"]\n'
        'provinces_before_2025 = ["Cần Thơ"]\n'
        'family = "post-id"\n'
        'sections = ["/kinh-te/", "/xa-hoi/", "/nong-nghiep/"]\n'
        'feeds = ["/rss/home.rss"]\n'
        'sitemaps = ["/sitemaps/index.xml"]\n',
        encoding="utf-8",
    )
    robots = b"User-agent: *\nDisallow: /\n"
    cantho.overrides["/robots.txt"] = Canned(200, robots, {"Content-Type": "text/plain"})
    run = crawl(
        "mau-cantho-known", cantho.url, tmp_path / "c.warc.gz", cantho, registry=str(registry)
    )
    assert run.requested() == ["/robots.txt"]
    # six start requests, and the three usual sitemap paths robots.txt made it try
    assert run.stats["robotstxt/forbidden"] == 9
    assert {p.kind for p in run.pages} <= {"robots"}


def test_a_missing_robots_txt_allows_everything(tmp_path: Path) -> None:
    with LocalSite(SAMPLES_DIR / "mau-nghean") as site:
        site.overrides["/robots.txt"] = Canned(404, b"<html><body>404</body></html>")
        run = crawl("mau-nghean", site.url, tmp_path / "n.warc.gz", site)
    assert run.hits[0].path == "/robots.txt" and run.hits[0].status == 404
    assert article_paths("mau-nghean") <= set(run.archived("article"))
    assert "/sitemap.xml" in run.archived("sitemap")  # the usual sitemap paths were tried


# --- 5. urls mode -----------------------------------------------------------------------------


def test_urls_mode_fetches_only_the_given_new_articles(tmp_path: Path, cantho: LocalSite) -> None:
    paths = sorted(article_paths("mau-cantho"))[:4]
    urls = [origin_url("mau-cantho", p) for p in paths]
    run = crawl(
        "mau-cantho",
        cantho.url,
        tmp_path / "u.warc.gz",
        cantho,
        urls=urls,
        known={identity("mau-cantho", urls[0])},
    )
    requested = run.requested()
    assert requested[0] == "/robots.txt"
    assert sorted(requested[1:]) == paths[1:]
    assert sorted(run.archived("article")) == paths[1:] and run.archived(*DISCOVERY_KINDS) == []
    assert run.stats["baotinh/articles/known_skipped"] == 1
    assert run.outcome.direct
    assert "baotinh/urls/not_fetched" not in run.stats


def test_urls_mode_counts_the_urls_it_cannot_fetch(tmp_path: Path, cantho: LocalSite) -> None:
    path = sorted(article_paths("mau-cantho"))[0]
    urls = [
        origin_url("mau-cantho", path),
        origin_url("mau-cantho", "/lien-he.html"),  # the paper's, not an article
        "https://baomau-khac.test/bai-viet-123.html",  # another paper's
    ]
    run = crawl("mau-cantho", cantho.url, tmp_path / "u.warc.gz", cantho, urls=urls)
    assert run.requested()[1:] == [path]
    assert run.stats["baotinh/urls/not_fetched"] == 2


# --- 6. replay --------------------------------------------------------------------------------


def _refused(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        return True
    return False


@pytest.mark.parametrize(
    ("key", "where"),
    [("mau-cantho", "origin"), ("mau-cantho", "old base"), ("mau-hagiang", "origin")],
)
def test_replay_gives_the_same_articles_without_network(
    runs: dict[str, Runs], tmp_path: Path, key: str, where: str
) -> None:
    """mau-hagiang needs the recorded robots.txt: its Sitemap line starts discovery."""
    recorded = runs[key]
    assert _refused(recorded.url)  # its server is gone: nothing can come from the network
    base = get_site(key, REGISTRY).origin if where == "origin" else recorded.url
    run = crawl(key, base, tmp_path / "replay.warc.gz", replay=[recorded.first.outcome.warc])
    assert sorted(run.archived("article")) == sorted(recorded.first.archived("article"))
    stats = run.stats
    served, missing = stats["baotinh/replay/served"], stats.get("baotinh/replay/missing", 0)
    assert stats["downloader/response_count"] == served + missing
    assert served == len(recorded.first.pages)  # robots.txt included
    assert not stats.get("downloader/exception_count")
    assert all(p.url.startswith(base) for p in run.pages)


def test_replay_answers_404_for_what_was_not_recorded(
    runs: dict[str, Runs], tmp_path: Path
) -> None:
    recorded = runs["mau-cantho"].first
    present = origin_url("mau-cantho", sorted(article_paths("mau-cantho"))[0])
    absent = origin_url("mau-cantho", "/khong-co-trong-kho-post999999.html")
    run = crawl(
        "mau-cantho",
        get_site("mau-cantho", REGISTRY).origin,
        tmp_path / "replay.warc.gz",
        urls=[present, absent],
        replay=[recorded.outcome.warc],
    )
    assert [target(p.url) for p in run.pages if p.kind == "article"] == [target(present)]
    assert run.stats["baotinh/replay/missing"] == 1
    assert run.stats["downloader/response_status_count/404"] == 1


def test_replay_reads_files_whose_paths_hold_the_path_separator(
    runs: dict[str, Runs], tmp_path: Path
) -> None:
    """The paths reach the crawl process whole, whatever they hold (``:``, ``,``)."""
    recorded = runs["mau-cantho"].first
    folder = tmp_path / "kho:cu,moi"
    folder.mkdir()
    copy = folder / "rep:colon.warc.gz"
    copy.write_bytes(recorded.outcome.warc.read_bytes())
    empty = folder / "empty:1.warc.gz"
    empty.write_bytes(b"")
    run = crawl(
        "mau-cantho",
        get_site("mau-cantho", REGISTRY).origin,
        tmp_path / "replay.warc.gz",
        replay=[copy, empty],
    )
    assert sorted(run.archived("article")) == sorted(recorded.archived("article"))
    assert run.stats["baotinh/replay/served"] == len(recorded.pages)


def test_replay_runs_without_politeness_delays_or_cache(tmp_path: Path) -> None:
    """What a replayed crawl runs with, whatever the base URL (no timing asserted)."""
    settings = build_settings(
        warc=tmp_path / "r.warc.gz",
        site="mau-cantho",
        local=False,
        state_dir=tmp_path / "state",
        replay=[tmp_path / "recorded.warc.gz"],
    )
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") <= 0.01
    assert not settings.getbool("HTTPCACHE_ENABLED")
    assert "spiders.replay.ReplayMiddleware" in settings.getdict("DOWNLOADER_MIDDLEWARES")


# --- 7. pagination stops on listings with nothing new to earlier runs -------------------------


def _linked_articles(key: str, page: str) -> set[str]:
    paper = get_site(key, REGISTRY)
    html = Selector(text=(SAMPLES_DIR / key / page).read_text(encoding="utf-8"))
    hrefs = {target(href) for href in html.xpath("//a/@href").getall()}
    return {h for h in hrefs if paper.is_article_path(h)}


def test_pagination_continues_while_articles_are_new_to_earlier_runs(
    runs: dict[str, Runs],
) -> None:
    home = _linked_articles("mau-cantho", "index.html")
    assert _linked_articles("mau-cantho", "kinh-te/index.html") <= home  # all seen on home
    assert "/kinh-te/trang-2.html" in runs["mau-cantho"].first.requested()


def test_pagination_stops_after_a_page_of_known_articles(tmp_path: Path, cantho: LocalSite) -> None:
    home = _linked_articles("mau-cantho", "index.html")
    pages = {s: _linked_articles("mau-cantho", f"{s}/index.html") for s in ("kinh-te", "xa-hoi")}
    assert pages["kinh-te"] <= home and not pages["xa-hoi"] <= home
    known = {identity("mau-cantho", origin_url("mau-cantho", p)) for p in home}
    run = crawl("mau-cantho", cantho.url, tmp_path / "k.warc.gz", cantho, known=known)
    listings = set(run.requested()) & set(expected("mau-cantho")["listing_pages"])
    # kinh-te and nong-nghiep list on page 1 only articles known already: they stop there;
    # xa-hoi's page 1 has one that is not: it goes on.
    assert {"/kinh-te/", "/nong-nghiep/", "/xa-hoi/", "/xa-hoi/trang-2.html"} <= listings
    assert not {"/kinh-te/trang-2.html", "/nong-nghiep/trang-2.html"} & listings
