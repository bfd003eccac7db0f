"""The spider, crawling the offline sample of baonghean.vn over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from parsel import Selector

from flows.crawl import CrawlOutcome, run_crawl
from registry import get_site
from samples.server import SAMPLE_SITES, Canned, LocalSite
from spiders import discovery
from spiders.news import ARTICLES_AT_A_TIME, GIVE_UP_AFTER
from spiders.warc import read_pages
from transforms.urls import normalize_url

SAMPLE = SAMPLE_SITES / "baonghean"
log = logging.getLogger("test-crawl")


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))


def _crawl(site: LocalSite, tmp_path: Path, **options) -> tuple[CrawlOutcome, list[str]]:
    warc = tmp_path / "crawl.warc.gz"
    outcome = run_crawl(
        "baonghean",
        base_url=site.url,
        warc=warc,
        known=options.pop("known", set()),
        since=options.pop("since", None),
        max_articles=options.pop("max_articles", None),
        log=log,
    )
    assert outcome.returncode == 0
    paths = (
        [urlsplit(p.url).path for p in read_pages(warc, frozenset({"article"}))]
        if outcome.warc
        else []
    )
    return outcome, paths


def test_discovers_every_article_once_and_nothing_else(tmp_path: Path, expected: dict) -> None:
    with LocalSite(SAMPLE) as site:
        outcome, paths = _crawl(site, tmp_path)
        hits = site.hits
    wanted = sorted(a["path"] for a in expected["articles"])
    assert sorted(paths) == wanted  # every article, each fetched once (tracking links folded)
    hit_paths = [h.path for h in hits]
    assert hit_paths[0] == "/robots.txt"
    for path in expected["not_articles"]:
        assert urlsplit(path).path not in {urlsplit(p).path for p in hit_paths}, path
    # no request left for another host: Scrapy's count equals what this server saw
    assert outcome.stats["downloader/request_count"] == len(hits)
    assert outcome.stats.get("baotinh/links/offsite", 0) > 0
    assert all("baotinh/" in h.user_agent and "+http" in h.user_agent for h in hits)


def test_respects_the_article_cap(tmp_path: Path) -> None:
    with LocalSite(SAMPLE) as site:
        _, paths = _crawl(site, tmp_path, max_articles=5)
    assert len(paths) == 5 and len(set(paths)) == 5


def test_known_articles_are_not_fetched_again(tmp_path: Path, expected: dict) -> None:
    articles = expected["articles"]
    known = {normalize_url(a["canonical"]) for a in articles[3:]}
    with LocalSite(SAMPLE) as site:
        outcome, paths = _crawl(site, tmp_path, known=known)
    assert sorted(paths) == sorted(a["path"] for a in articles[:3])
    assert outcome.stats["baotinh/articles/known_skipped"] >= len(known)


def test_obeys_robots_txt(tmp_path: Path, expected: dict) -> None:
    banned = expected["articles"][0]["path"]
    robots = (SAMPLE / "robots.txt").read_text(encoding="utf-8") + f"Disallow: {banned}\n"
    with LocalSite(SAMPLE) as site:
        site.overrides["/robots.txt"] = Canned(200, robots.encode(), {"Content-Type": "text/plain"})
        _, paths = _crawl(site, tmp_path)
        hit_paths = site.paths_hit()
    assert banned not in paths and banned not in hit_paths
    assert len(paths) == len(expected["articles"]) - 1


def test_backs_off_and_retries_when_refused(tmp_path: Path, expected: dict) -> None:
    target = expected["articles"][1]["path"]
    with LocalSite(SAMPLE) as site:
        site.fail(target, 429, 503, retry_after=1)
        outcome, paths = _crawl(site, tmp_path)
        times = [h for h in site.hits if h.path == target]
    assert target in paths
    assert [h.status for h in times] == [429, 503, 200]
    assert outcome.stats["retry/count"] >= 2 and outcome.stats["baotinh/backoff_count"] >= 1
    assert times[-1].at - times[0].at >= 1.5  # Retry-After: 1, twice, was honoured


def test_stops_paginating_listings_older_than_since(tmp_path: Path, expected: dict) -> None:
    with LocalSite(SAMPLE) as site:
        _crawl(site, tmp_path, since=date(2099, 1, 1))
        hit_paths = site.paths_hit()
    assert not any("page=2" in p for p in hit_paths)


def test_a_long_sitemap_waits_as_urls_not_as_requests(tmp_path: Path) -> None:
    """A sitemap listing every article of a paper: each is fetched once, and Scrapy's
    scheduler never holds more than a few dozen at a time. They waited there all at once,
    as requests of a few KB each: the crawl's memory grew with the paper."""
    root, domain = tmp_path / "site", "baomau-sitemap.test"
    root.mkdir()
    paths = [f"/tin-so-{i}-{1000000 + i}.html" for i in range(400)]
    for path in paths:
        page = f"<html><head><title>Tin {path}</title></head><body><p>{path}</p></body></html>"
        (root / path.lstrip("/")).write_text(page, encoding="utf-8")
    (root / "index.html").write_text("<html><body>Báo Mẫu</body></html>", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    urls = "".join(f"<url><loc>https://{domain}{path}</loc></url>" for path in paths)
    (root / "sitemap.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8",
    )
    registry = tmp_path / "registry.toml"
    registry.write_text(
        f'[[paper]]\nkey = "mau-sitemap"\nname = "Báo Mẫu"\ndomains = ["{domain}"]\n'
        'provinces_before_2025 = ["Nghệ An"]\nfamily = "root-id"\nverified = "pages"\n',
        encoding="utf-8",
    )
    with LocalSite(root) as site:
        outcome = run_crawl(
            "mau-sitemap", base_url=site.url, warc=tmp_path / "crawl.warc.gz", known=set(),
            since=None, max_articles=None, log=log, registry=str(registry),
        )  # fmt: skip
    assert outcome.failure() is None, outcome.failure()
    fetched = [urlsplit(p.url).path for p in read_pages(outcome.warc, frozenset({"article"}))]
    assert sorted(fetched) == sorted(paths)
    most = outcome.stats["baotinh/scheduler/max_pending"]
    assert most <= min(2 * ARTICLES_AT_A_TIME, len(paths) // 4), most


def _crawl_with_state(site: LocalSite, warc: Path, state: Path, known: set[str]) -> CrawlOutcome:
    outcome = run_crawl(
        "baonghean", base_url=site.url, warc=warc, known=known, since=None, max_articles=None,
        log=log, state_dir=state,
    )  # fmt: skip
    assert outcome.failure() is None, outcome.failure()
    return outcome


def test_a_clean_crawl_leaves_an_empty_frontier_and_no_scratch(tmp_path: Path) -> None:
    with LocalSite(SAMPLE) as site:
        _crawl_with_state(site, tmp_path / "a.warc.gz", tmp_path / "state", set())
    frontier = json.loads((tmp_path / "state" / "frontier.json").read_text(encoding="utf-8"))
    assert frontier["listings"] == {} and frontier["articles"] == []
    assert list((tmp_path / "state" / "tmp").iterdir()) == []


def test_the_frontier_of_an_unfinished_crawl_is_resumed(tmp_path: Path, expected: dict) -> None:
    """A killed crawl had scheduled the deepest listing page and one article. Every article
    on the first pages is known, so pagination stops there: without the frontier the deep
    page's articles are never fetched (the control); with it they are, and it is emptied."""
    state = tmp_path / "state"
    with LocalSite(SAMPLE) as site:
        first = _crawl_with_state(site, tmp_path / "all.warc.gz", state, set())
    pages = list(read_pages(first.warc, frozenset({"listing"})))
    deepest = max(pages, key=lambda p: int(parse_qs(urlsplit(p.url).query).get("page", ["1"])[0]))
    target = target_of(deepest.url)
    shallow = {a for p in pages if "page=" not in p.url for a in discovered_on(pages, p.url)}
    deep_only = set(discovered_on(pages, deepest.url)) - shallow
    assert "page=3" in target and deep_only, "the sample has articles only on a deep page"
    known = {normalize_url(a["canonical"]) for a in expected["articles"]} - deep_only
    with LocalSite(SAMPLE) as site:  # the control: without the frontier, they stay missing
        control = _crawl_with_state(site, tmp_path / "none.warc.gz", tmp_path / "bare", known)
    assert not _identities(control) & deep_only

    left_over = sorted(deep_only)[0]
    frontier = {
        "version": 1,
        "listings": {f"https://baonghean.vn{target}": {"page": 3, "home": False}},
        "articles": [left_over],
    }
    (state / "frontier.json").write_text(json.dumps(frontier), encoding="utf-8")
    with LocalSite(SAMPLE) as site:
        outcome = _crawl_with_state(site, tmp_path / "rest.warc.gz", state, known)
        hits = site.paths_hit()
    assert _identities(outcome) == deep_only
    assert target in hits and hits.count(target) == 1
    assert outcome.stats["baotinh/frontier/resumed_listings"] == 1
    assert outcome.stats["baotinh/frontier/resumed_articles"] == 1
    cleared = json.loads((state / "frontier.json").read_text(encoding="utf-8"))
    assert cleared["listings"] == {} and cleared["articles"] == []


def test_an_article_the_network_failed_is_kept_for_the_next_run(
    tmp_path: Path, expected: dict
) -> None:
    """A page that never answered (connection closed, every retry) does not stop a clean
    finish, and stays in the frontier: the next run fetches it, although it is on no listing
    page that run walks (every other article is known, so pagination stops at once)."""
    from spiders import settings

    state = tmp_path / "state"
    lost = _deep_only(expected)[0]["path"]
    with LocalSite(SAMPLE) as site:
        site.cut(lost, 100)  # every attempt (the HTTP client may itself try twice)
        first = _crawl_with_state(site, tmp_path / "a.warc.gz", state, set())
        assert site.paths_hit().count(lost) > settings.RETRY_TIMES
    assert lost not in {urlsplit(p.url).path for p in read_pages(first.warc)}
    frontier = json.loads((state / "frontier.json").read_text(encoding="utf-8"))
    assert [urlsplit(a).path for a in frontier["articles"]] == [lost]
    assert first.stats["baotinh/frontier/left_articles"] == 1
    known = {normalize_url(a["canonical"]) for a in expected["articles"]}
    known -= {normalize_url("https://baonghean.vn" + lost)}
    with LocalSite(SAMPLE) as site:
        second = _crawl_with_state(site, tmp_path / "b.warc.gz", state, known)
    assert [urlsplit(p.url).path for p in read_pages(second.warc, frozenset({"article"}))] == [lost]
    cleared = json.loads((state / "frontier.json").read_text(encoding="utf-8"))
    assert cleared["listings"] == {} and cleared["articles"] == []


def test_resumed_articles_over_the_cap_wait_for_a_later_run(tmp_path: Path, expected: dict) -> None:
    """Three articles left in the frontier, a run capped at one: it fetches one and keeps
    the other two; an uncapped run then fetches those two and empties the frontier."""
    state = tmp_path / "state"
    state.mkdir()
    canonical = sorted(normalize_url(a["canonical"]) for a in expected["articles"])
    left = canonical[:3]
    frontier = {"version": 1, "listings": {}, "articles": left}
    (state / "frontier.json").write_text(json.dumps(frontier), encoding="utf-8")
    known = set(canonical) - set(left)

    def crawl(name: str, cap: int | None) -> set[str]:
        with LocalSite(SAMPLE) as site:
            outcome = run_crawl(
                "baonghean", base_url=site.url, warc=tmp_path / name, known=known, since=None,
                max_articles=cap, log=log, state_dir=state,
            )  # fmt: skip
        assert outcome.failure() is None, outcome.failure()
        return _identities(outcome)

    first = crawl("a.warc.gz", 1)
    assert len(first) == 1 and first < set(left)
    kept = json.loads((state / "frontier.json").read_text(encoding="utf-8"))["articles"]
    assert sorted(kept) == sorted(set(left) - first)
    known |= first
    assert crawl("b.warc.gz", None) == set(kept)
    assert json.loads((state / "frontier.json").read_text(encoding="utf-8"))["articles"] == []


def _frontier(state: Path) -> dict:
    return json.loads((state / "frontier.json").read_text(encoding="utf-8"))


def _deep_only(expected: dict) -> list[dict]:
    """Sample articles linked from no first page (the home page, a section's first page, the
    feed): a crawl that knows every other article stops paginating before reaching them, so
    only the frontier brings them back."""
    first = [SAMPLE / "index.html", *SAMPLE.glob("*/index.html"), *SAMPLE.glob("rss/*")]
    text = "".join(page.read_text(encoding="utf-8") for page in first)
    deep = [a for a in expected["articles"] if a["path"] not in text]
    assert len(deep) >= 2, "the sample has articles only on deep pages"
    return sorted(deep, key=lambda a: a["path"])


def _all_known_but(expected: dict, *left: dict) -> set[str]:
    return {normalize_url(a["canonical"]) for a in expected["articles"] if a not in left}


def _seed(state: Path, articles: list[str], unanswered: dict[str, int] | None = None) -> None:
    """A frontier as an earlier run wrote it; without ``unanswered``, in the old format
    (version 1, no counts)."""
    state.mkdir(parents=True, exist_ok=True)
    frontier: dict = {"version": 1, "listings": {}, "articles": articles}
    if unanswered is not None:
        frontier |= {"version": 2, "unanswered": unanswered}
    (state / "frontier.json").write_text(json.dumps(frontier), encoding="utf-8")


def test_an_article_that_never_answers_is_given_up_after_some_runs(
    tmp_path: Path, expected: dict, caplog: pytest.LogCaptureFixture
) -> None:
    """An article whose connection is cut in every run, left in a frontier of the old format
    (no count): each run asks it (with Scrapy's retries) and counts one more run without an
    answer; the GIVE_UP_AFTER-th run drops it with a warning naming it, a stat and a word in
    the relayed stats line, and the next run does not ask it (before, every run did)."""
    state = tmp_path / "state"
    lost = _deep_only(expected)[0]
    identity = normalize_url(lost["canonical"])
    _seed(state, [identity])
    known = _all_known_but(expected, lost)
    asked: list[bool] = []
    for run in range(1, GIVE_UP_AFTER + 2):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger=log.name), LocalSite(SAMPLE) as site:
            site.cut(lost["path"], 100)  # every attempt of every run
            outcome = _crawl_with_state(site, tmp_path / f"{run}.warc.gz", state, known)
            asked.append(lost["path"] in site.paths_hit())
        frontier = _frontier(state)
        lines = [(r.levelno, r.getMessage()) for r in caplog.records]
        given_up = [(level, text) for level, text in lines if "gave up on" in text]
        if run < GIVE_UP_AFTER:
            assert frontier["articles"] == [identity], run
            assert frontier["unanswered"] == {identity: run}
            assert "baotinh/frontier/given_up" not in outcome.stats and not given_up
        elif run == GIVE_UP_AFTER:
            assert frontier["articles"] == [] and frontier["unanswered"] == {}
            assert outcome.stats["baotinh/frontier/given_up"] == 1
            (level, warning), (_, stats_line) = given_up  # relayed from the crawl's log
            assert level == logging.WARNING and identity in warning
            assert f"no answer in {GIVE_UP_AFTER} runs in a row" in warning
            assert "crawl stats:" in stats_line and "gave up on 1 pages" in stats_line
    assert asked == [True] * GIVE_UP_AFTER + [False]


def test_a_listing_page_that_never_answers_is_given_up_too(tmp_path: Path, expected: dict) -> None:
    """A deep listing page left in the frontier, its connection cut in every run, counts
    its runs without an answer as an article does and leaves at GIVE_UP_AFTER (before, a
    listing page was asked again every run, for ever)."""
    with LocalSite(SAMPLE) as site:
        first = _crawl_with_state(site, tmp_path / "all.warc.gz", tmp_path / "first", set())
    pages = list(read_pages(first.warc, frozenset({"listing"})))
    number = {p.url: int(parse_qs(urlsplit(p.url).query).get("page", ["1"])[0]) for p in pages}
    deepest = max(pages, key=lambda p: number[p.url])
    target = target_of(deepest.url)
    key = f"https://baonghean.vn{target}"
    entry = {"page": number[deepest.url], "home": False}
    state = tmp_path / "state"
    state.mkdir()
    seeded = {"listings": {key: entry}, "articles": [], "unanswered": {key: GIVE_UP_AFTER - 2}}
    (state / "frontier.json").write_text(json.dumps({"version": 2, **seeded}), encoding="utf-8")
    known = {normalize_url(a["canonical"]) for a in expected["articles"]}
    for run in (1, 2):
        with LocalSite(SAMPLE) as site:
            site.cut(target, 100)  # every attempt of every run
            outcome = _crawl_with_state(site, tmp_path / f"{run}.warc.gz", state, known)
            assert target in site.paths_hit(), run
        frontier = _frontier(state)
        if run == 1:
            assert frontier["listings"] == {key: entry}
            assert frontier["unanswered"] == {key: GIVE_UP_AFTER - 1}
        else:
            assert frontier["listings"] == {} and frontier["unanswered"] == {}
            assert outcome.stats["baotinh/frontier/given_up"] == 1


def test_an_unanswered_article_that_answers_later_leaves_the_frontier(
    tmp_path: Path, expected: dict
) -> None:
    """Two articles of an old-format frontier get no answer in one run (count 1 each); in
    the next one, one answers and the other answers 404: both leave, counts and all, as any
    answered or refused page does, and nothing is given up."""
    state = tmp_path / "state"
    fine, gone = _deep_only(expected)[:2]
    identities = sorted(normalize_url(a["canonical"]) for a in (fine, gone))
    _seed(state, identities)
    known = _all_known_but(expected, fine, gone)
    with LocalSite(SAMPLE) as site:
        site.cut(fine["path"], 100)
        site.cut(gone["path"], 100)
        _crawl_with_state(site, tmp_path / "a.warc.gz", state, known)
    assert _frontier(state)["unanswered"] == {identity: 1 for identity in identities}
    with LocalSite(SAMPLE) as site:
        site.fail(gone["path"], 404)
        second = _crawl_with_state(site, tmp_path / "b.warc.gz", state, known)
        hits = [(h.path, h.status) for h in site.hits]
    assert (gone["path"], 404) in hits
    assert _identities(second) == {normalize_url(fine["canonical"])}
    assert _frontier(state) | {"saved_at": None} == {
        "version": 2, "saved_at": None, "listings": {}, "articles": [], "unanswered": {},
    }  # fmt: skip
    assert "baotinh/frontier/given_up" not in second.stats


def test_articles_over_the_cap_do_not_count_as_unanswered(tmp_path: Path, expected: dict) -> None:
    """Two articles one run short of being given up, both cut, a run capped at one: the one
    it asks is given up; the one the cap carries over was not asked, and keeps its count."""
    state = tmp_path / "state"
    pair = _deep_only(expected)[:2]
    identities = sorted(normalize_url(a["canonical"]) for a in pair)
    _seed(state, identities, {identity: GIVE_UP_AFTER - 1 for identity in identities})
    with LocalSite(SAMPLE) as site:
        for article in pair:
            site.cut(article["path"], 100)
        outcome = run_crawl(
            "baonghean", base_url=site.url, warc=tmp_path / "a.warc.gz",
            known=_all_known_but(expected, *pair), since=None, max_articles=1, log=log,
            state_dir=state,
        )  # fmt: skip
        hits = site.paths_hit()
    assert outcome.failure() is None, outcome.failure()
    asked = [a for a in pair if a["path"] in hits]
    assert len(asked) == 1
    carried = normalize_url(next(a for a in pair if a not in asked)["canonical"])
    assert outcome.stats["baotinh/frontier/given_up"] == 1
    frontier = _frontier(state)
    assert frontier["articles"] == [carried]
    assert frontier["unanswered"] == {carried: GIVE_UP_AFTER - 1}


def test_a_run_the_site_never_answers_counts_against_no_article(
    tmp_path: Path, expected: dict
) -> None:
    """An outage is no page's own fault. A first run (the article cut) counts one run and
    fills the paper's HTTP cache; in the second nothing listens on the site's port, and the
    cache answers the discovery pages with their stale copies on the errors (Scrapy's error
    recovery): the article is asked in vain, and its count does not move."""
    state = tmp_path / "state"
    article = _deep_only(expected)[0]
    identity = normalize_url(article["canonical"])
    _seed(state, [identity])
    known = _all_known_but(expected, article)
    with LocalSite(SAMPLE) as site:
        site.cut(article["path"], 100)
        _crawl_with_state(site, tmp_path / "a.warc.gz", state, known)
        port = site.port
    assert _frontier(state)["unanswered"] == {identity: 1}
    with socket.socket() as down:  # the same port, bound but not listening: refused
        down.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        down.bind(("127.0.0.1", port))
        outcome = run_crawl(
            "baonghean", base_url=f"http://127.0.0.1:{port}", warc=tmp_path / "b.warc.gz",
            known=known, since=None, max_articles=None, log=log, state_dir=state,
        )  # fmt: skip
    assert outcome.stats.get("httpcache/errorrecovery")  # the cache "answered"
    failure = outcome.failure()  # but the site did not: the run fails and says so
    assert failure and failure.startswith("no answer from the site") and "stale" in failure
    assert outcome.stats["baotinh/articles/requested"] == 1  # the article was asked, in vain
    assert "baotinh/frontier/given_up" not in outcome.stats
    frontier = _frontier(state)
    assert frontier["articles"] == [identity] and frontier["unanswered"] == {identity: 1}


def test_an_overlong_article_link_is_not_requested(tmp_path: Path, expected: dict) -> None:
    """Found articles reach Scrapy's engine without its spider middlewares: the URL length
    limit they would apply is applied by the spider."""
    overlong = "/" + "tin-" * 600 + "10299999.html"
    with LocalSite(SAMPLE) as site:
        home = site.respond("/")
        body = home.body.replace(b"</body>", f'<a href="{overlong}">x</a></body>'.encode())
        site.overrides["/"] = Canned(200, body, {"Content-Type": "text/html; charset=utf-8"})
        outcome, paths = _crawl(site, tmp_path)
        hits = site.paths_hit()
    assert overlong not in hits
    assert outcome.stats["baotinh/links/too_long"] == 1
    assert sorted(paths) == sorted(a["path"] for a in expected["articles"])


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def discovered_on(pages: list, target: str) -> list[str]:
    """The article identities a listing page of the archive links to."""
    paper = get_site("baonghean")
    page = next(p for p in pages if p.kind == "listing" and p.url.endswith(target_of(target)))
    links = discovery.links(Selector(text=page.text), page.url)
    paths = {urlsplit(u).path for u in links if paper.is_article_path(urlsplit(u).path)}
    return [normalize_url(paper.origin + path) for path in paths]


def _identities(outcome: CrawlOutcome) -> set[str]:
    if outcome.warc is None:
        return set()
    pages = read_pages(outcome.warc, frozenset({"article"}))
    return {normalize_url("https://baonghean.vn" + urlsplit(p.url).path) for p in pages}


def test_no_callback_is_a_generator_returning_a_value() -> None:
    """Scrapy's own check of this runs per response, and is switched off (its cost: see
    ``WARN_ON_GENERATOR_RETURN_VALUE`` in spiders/settings.py): a value returned by a
    generator callback would be silently lost, so every callback is checked here instead."""
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value

    from spiders.news import NewsSpider

    callbacks = [
        member
        for name, member in inspect.getmembers(NewsSpider, inspect.isfunction)
        if name.startswith("parse")
    ]
    assert len(callbacks) >= 4  # listings, feeds, sitemaps, articles
    assert [c.__name__ for c in callbacks if is_generator_with_return_value(c)] == []
