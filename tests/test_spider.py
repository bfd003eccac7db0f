"""The spider, crawling the offline sample of baonghean.vn over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from flows.crawl import CrawlOutcome, run_crawl
from samples.server import SAMPLE_SITES, Canned, LocalSite
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
