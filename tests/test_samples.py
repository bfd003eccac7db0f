"""The sample papers under samples/sites agree with their ground truth (expected.json)."""

from __future__ import annotations

import html
import json
import re
import tomllib
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from samples.server import SAMPLES_DIR, sample_keys, serve_samples

KEYS = ["mau-cantho", "mau-hagiang", "mau-nghean", "mau-tuyenquang"]
PAPERS_TOML = SAMPLES_DIR.parent / "papers.toml"
FAMILIES = {"date-in-path", "post-id", "a-id", "htm-id", "root-id"}
FAMILY_PATTERNS = {
    "date-in-path": r"/[a-z-]+/\d{6}/[a-z0-9-]+-[0-9a-f]{7}/",
    "post-id": r"/[a-z0-9-]+-post\d+\.html",
    "a-id": r"/[a-z0-9-]+-a\d+\.html",
    "htm-id": r"/(?:[a-z-]+/[a-z0-9-]+/\d+|[a-z0-9-]+-\d+)\.htm",
}
SPANS = {
    "mau-hagiang": (2019, 2025),
    "mau-tuyenquang": (2020, 2026),
    "mau-cantho": (2019, 2026),
    "mau-nghean": (2019, 2026),
}


def _expected(key: str) -> dict[str, Any]:
    return json.loads((SAMPLES_DIR / key / "expected.json").read_text("utf-8"))


def _papers() -> dict[str, dict[str, Any]]:
    data = tomllib.loads(PAPERS_TOML.read_text("utf-8"))
    return {paper["key"]: paper for paper in data["paper"]}


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def _text(page: str) -> str:
    """The page's text with tags removed and entities decoded, spaces collapsed."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _vnd(text: str) -> int:
    match = re.fullmatch(r"([\d.]+(?:,\d+)?) (tỷ|triệu) đồng", text)
    assert match, text
    number = float(match.group(1).replace(".", "").replace(",", "."))
    return round(number * (10**9 if match.group(2) == "tỷ" else 10**6))


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    with serve_samples() as served:
        yield served


def test_every_sample_is_registered_and_served() -> None:
    assert sample_keys() == KEYS
    papers = _papers()
    assert sorted(papers) == KEYS
    for key, paper in papers.items():
        expected = _expected(key)
        assert expected["site"] == key
        assert paper["name"] == expected["name"]
        assert paper["domains"][0] == expected["domain"]
        assert paper["domains"][0].endswith(".test")
        assert paper["family"] in FAMILIES and paper["family"] == expected["family"]
        assert paper["verified"] == "pages"
        assert paper["discovery"] == expected["discovery"]
        assert paper["provinces_before_2025"] == expected["provinces_before_2025"]
        assert set(paper) <= {
            "key",
            "name",
            "domains",
            "provinces_before_2025",
            "family",
            "verified",
            "discovery",
            "skip_paths",
        }, "sections, feeds and sitemaps must be left for the crawler to find"


def test_samples_are_data_only_and_nfc() -> None:
    for file in SAMPLES_DIR.rglob("*"):
        if file.is_dir():
            continue
        assert file.suffix not in {".py", ".pyc"}, file
        text = file.read_text("utf-8")
        assert unicodedata.is_normalized("NFC", text), file


@pytest.mark.parametrize("key", KEYS)
def test_articles_match_their_pages(key: str, urls: dict[str, str]) -> None:
    expected = _expected(key)
    domain = expected["domain"]
    low, high = SPANS[key]
    articles = expected["articles"]
    assert 8 <= len(articles) <= 12
    assert len({a["path"] for a in articles}) == len(articles)
    for article in articles:
        path = article["path"]
        assert re.fullmatch(FAMILY_PATTERNS[expected["family"]], path), path
        status, page = _get(urls[key] + path)
        assert status == 200, path
        text = _text(page)
        assert article["title"] in text, path
        assert f"<title>{html.escape(article['title'])}" in page, path
        canonical = urlsplit(article["canonical"])
        assert (canonical.scheme, canonical.netloc, canonical.path) == ("https", domain, path)
        for tag in re.findall(r'<link rel="canonical" href="([^"]+)"', page):
            assert tag == article["canonical"]
        published = datetime.fromisoformat(article["published"])
        assert published.utcoffset() == timedelta(hours=7), path
        assert low <= published.year <= high, path
        if key == "mau-hagiang":
            assert published < datetime.fromisoformat("2025-07-01T00:00:00+07:00")
            assert f"/{published:%Y%m}/" in path
        if article["author"]:
            assert article["author"] in text, path
        assert article["lead"] in text, path
        for snippet in article["body_contains"]:
            assert snippet in text, (path, snippet)
        for snippet in article["body_excludes"]:
            assert snippet in text, (path, snippet)  # on the page, but not in the body
        assert 300 <= article["body_words"] <= 900, path
        for figure in article["budget_revenue"]:
            assert figure["text"] in text, (path, figure)
            assert _vnd(figure["text"]) == figure["value_vnd"], (path, figure)
            assert low <= figure["year"] <= high


@pytest.mark.parametrize("key", KEYS)
def test_budget_revenue_every_year(key: str) -> None:
    expected = _expected(key)
    low, high = SPANS[key]
    (series,) = (s for s in expected["series"] if s["unit"] == "VND")
    years = {int(year) for year in series["values"]} | {
        p["year"] for p in series["partial_periods"]
    }
    assert years == set(range(low, high + 1))
    paths = {a["path"] for a in expected["articles"]}
    assert set(series["sources"].values()) <= paths
    for year, value in series["values"].items():
        source = next(a for a in expected["articles"] if a["path"] == series["sources"][year])
        assert {"year": int(year), "period": "year", "value_vnd": value}.items() <= {
            k: v for f in source["budget_revenue"] if f["year"] == int(year) for k, v in f.items()
        }.items()


@pytest.mark.parametrize("key", KEYS)
def test_non_articles_and_listings_are_served(key: str, urls: dict[str, str]) -> None:
    expected = _expected(key)
    kinds = {item["kind"] for item in expected["not_articles"]}
    assert {"video", "tag", "english-edition", "topic-listing-article-shaped-url"} <= kinds
    for item in expected["not_articles"]:
        assert _get(urls[key] + item["path"])[0] == 200, item
    for path in expected["listing_pages"]:
        assert _get(urls[key] + path)[0] == 200, path
    assert _get(urls[key] + "/robots.txt")[0] == 200
    skip = _papers()[key]["skip_paths"]
    for item in expected["not_articles"]:
        if item["kind"] in {"video", "english-edition"}:
            assert any(item["path"].startswith(prefix) for prefix in skip), item


def _locs(xml: str) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_hagiang_is_reachable_only_through_sitemaps(urls: dict[str, str]) -> None:
    base, expected = urls["mau-hagiang"], _expected("mau-hagiang")
    robots = _get(base + "/robots.txt")[1]
    (index_url,) = re.findall(r"(?m)^Sitemap: (\S+)$", robots)
    index_path = urlsplit(index_url).path
    assert index_path == expected["entry_points"]["sitemap_index"]
    index = _get(base + index_path)[1]
    assert "<sitemapindex" in index
    assert index.count("<lastmod>") == index.count("<loc>")
    listed: set[str] = set()
    for loc in _locs(index):
        status, sitemap = _get(base + urlsplit(loc).path)
        assert status == 200 and "<urlset" in sitemap
        assert sitemap.count("<lastmod>") == sitemap.count("<loc>")
        listed |= {urlsplit(u).path for u in _locs(sitemap)}
    news = _get(base + expected["entry_points"]["news_sitemap"])[1]
    assert "<news:news>" in news and "<news:publication_date>" in news
    for article in expected["articles"]:
        assert article["path"] in listed
        if "news-sitemap" in article["discoverable"]:
            assert article["canonical"] in news
    home = _get(base + "/")[1]
    assert not re.search(r'href="[^"]*/\d{6}/', home), "the home page is a JavaScript shell"
    assert "rss" not in home.lower()


def test_tuyenquang_is_reachable_only_through_feeds(urls: dict[str, str]) -> None:
    base, expected = urls["mau-tuyenquang"], _expected("mau-tuyenquang")
    home = _get(base + "/")[1]
    (rss_url,) = re.findall(
        r'<link rel="alternate" type="application/rss\+xml"[^>]*href="([^"]+)"', home
    )
    rss = _get(base + urlsplit(rss_url).path)[1]
    assert '<rss version="2.0">' in rss
    atom = _get(base + expected["entry_points"]["atom"])[1]
    assert 'xmlns="http://www.w3.org/2005/Atom"' in atom
    family = re.compile(FAMILY_PATTERNS["a-id"])
    for listing in expected["listing_pages"]:
        page = _get(base + listing)[1]
        linked = re.findall(r'href="([^"]+)"', page)
        articles = {a["path"] for a in expected["articles"]}
        assert not articles & set(linked), listing
    for article in expected["articles"]:
        assert f"<link>{article['canonical']}</link>" in rss
        assert ("atom" in article["discoverable"]) == (article["canonical"] in atom)
        page = _get(base + article["path"])[1]
        first_h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page)
        assert first_h1 and article["title"] not in first_h1.group(1)
        meta = re.search(r'property="article:published_time" content="([^"]+)"', page)
        assert meta and meta.group(1) == article["article_published_time_meta"]
        assert f'"datePublished": "{article["published"]}"' in page
        assert family.fullmatch(article["path"])
    trap = next(a for a in expected["articles"] if a["published"].startswith("2021-09-11"))
    assert trap["article_published_time_meta"] == "9/11/2021 3:29:47 PM"
    closing = [a for a in expected["articles"] if "closing-byline-p-align-right" in a["traps"]]
    assert closing
    for article in closing:
        page = _get(base + article["path"])[1]
        assert f'<p align="right"><strong>{article["author"]}</strong></p>' in page
    assert any("right-aligned-p-caption" in a["traps"] for a in expected["articles"])


def test_cantho_is_reachable_through_paginated_listings(urls: dict[str, str]) -> None:
    base, expected = urls["mau-cantho"], _expected("mau-cantho")
    linked: set[str] = set()
    for section in expected["entry_points"]["sections"]:
        path: str | None = section
        pages = 0
        while path:
            status, page = _get(base + path)
            assert status == 200, path
            pages += 1
            linked |= set(re.findall(r'href="(/[^"]+-post\d+\.html)"', page))
            assert re.search(r'<span class="story__time">\d{2}/\d{2}/\d{4}</span>', page)
            nxt = re.search(r'<a rel="next" href="([^"]+)"', page)
            path = nxt.group(1) if nxt else None
        assert pages == 3, section
        assert re.search(rf'href="{section}trang-3\.html"', _get(base + section)[1])
    linked |= set(re.findall(r'href="(/[^"]+-post\d+\.html)"', _get(base + "/")[1]))
    assert {a["path"] for a in expected["articles"]} <= linked
    for name in ("sitemap.xml", "rss", "feed", "feed.atom"):
        assert _get(f"{base}/{name}")[0] == 404
    stray = [a for a in expected["articles"] if "stray-closing-html-after-open" in a["traps"]]
    assert len(stray) == 1
    assert _get(base + stray[0]["path"])[1].startswith('<!DOCTYPE html>\n<html lang="vi"></html>')


def test_nghean_changes_layout_and_has_listings_and_sitemap(urls: dict[str, str]) -> None:
    base, expected = urls["mau-nghean"], _expected("mau-nghean")
    switch = datetime.fromisoformat(expected["layout_change"] + "T00:00:00+07:00")
    sitemap = _get(base + "/sitemap.xml")[1]
    in_sitemap = {urlsplit(u).path for u in _locs(sitemap)}
    linked: set[str] = set()
    for listing in expected["listing_pages"]:
        status, page = _get(base + listing)
        assert status == 200, listing
        linked |= set(re.findall(r'href="(/[^"]+\.htm)"', page))
    assert any("?page=" in p for p in expected["listing_pages"])
    for article in expected["articles"]:
        assert article["path"] in in_sitemap and article["path"] in linked
        page = _get(base + article["path"])[1]
        old = datetime.fromisoformat(article["published"]) < switch
        assert article["layout"] == ("old" if old else "new")
        if old:
            assert '<div class="detail-title">' in page and "application/ld+json" not in page
            published = datetime.fromisoformat(article["published"])
            assert re.search(rf"Thứ \w+, {published:%d/%m/%Y %H:%M}|Chủ Nhật, ", page)
            assert re.fullmatch(r"/[a-z-]+/[a-z0-9-]+/\d+\.htm", article["path"])
        else:
            assert '<h1 class="title">' in page and '"@type": "NewsArticle"' in page
            assert f'<time datetime="{article["published"]}">' in page
            assert re.fullmatch(r"/[a-z0-9-]+-\d+\.htm", article["path"])
    (dup,) = [a for a in expected["articles"] if "near_duplicate_of" in a]
    other = dup["near_duplicate_of"]
    assert other["site"] == "mau-tuyenquang"
    original = next(a for a in _expected(other["site"])["articles"] if a["path"] == other["path"])
    assert dup["title"] != original["title"] and dup["lead"] == original["lead"]
    mine = _text(_get(base + dup["path"])[1])
    theirs = _text(_get(urls["mau-tuyenquang"] + original["path"])[1])
    assert "Theo TTXVN" in mine and "Theo TTXVN" not in theirs
    shared = [s for s in re.split(r"(?<=\.) ", theirs) if len(s) > 80 and s in mine]
    assert len(shared) >= 6


def test_sample_pages_answer_conditional_requests(urls: dict[str, str]) -> None:
    url = urls["mau-nghean"] + "/sitemap.xml"
    with urllib.request.urlopen(url, timeout=5) as response:
        etag = response.headers["ETag"]
        assert response.headers["Content-Type"].startswith("application/xml")
    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert error.value.code == 304


def test_expected_files_are_the_ones_on_disk() -> None:
    for key in KEYS:
        root = SAMPLES_DIR / key
        for article in _expected(key)["articles"]:
            relative = article["path"].lstrip("/")
            file = root / relative / "index.html" if relative.endswith("/") else root / relative
            assert Path(file).is_file(), file
