"""Consistency of the offline Báo Nghệ An sample site and its ground truth (expected.json).

These tests check the fixture itself (files, links, markup, snippets, figures, dates), with
lxml only, so that later edits cannot silently break the spider, cleaner, extractor and
loader tests that rely on it. They do not run any project code.

Editing the sample: pages are plain HTML, edited by hand. Keep expected.json in step:
``features`` are checked both ways against the pages (a flag without the markup fails, and so
does the markup without the flag); ``captions`` and ``byline`` list every caption and the
closing byline of the body verbatim; ``figures[].text`` is written ``number [scale] unit``
exactly as in the text; ``dates[].text`` must be one of the forms ``resolve_date`` reads.
The "gold text" used here (lead + body paragraphs + table rows, without captions, bylines,
related boxes) is this file's own reading of the markup, not the project's cleaner.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from copy import deepcopy
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from lxml import etree

from tests.conftest import SAMPLE_SITE

SITE = SAMPLE_SITE / "baonghean"
ORIGIN = "https://baonghean.vn"
EXPECTED = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
ARTICLES = EXPECTED["articles"]
ARTICLE_IDS = [a["path"] for a in ARTICLES]
ARTICLE_PATH = re.compile(r"^/[a-z0-9-]+-(?:post)?\d{6,8}\.html$")
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
SPECIAL_FEATURES = {
    "captions",
    "table",
    "byline-end",
    "no-date",
    "related-inside-body",
    "no-canonical",
    "tracking-link",
}
CAPTION_END = re.compile(r"(?:Ảnh: [^.]{2,40}|Ảnh tư liệu)\.?$")
# Parts of an article page that are not article text (never inside the gold text).
BOILERPLATE = (
    "header, nav, footer, aside, figure, figcaption, .box-related, .sc-longform-header, "
    ".sc-empty-layer, .sc-related-articles, .related-news, .article__tag, .b-tags, "
    ".b-share, .article__share, .b-breadcrumb, .breadcrumb, .b-ads, .ads, .article__author, "
    ".article__meta, h1, title, script"
)


# ------------------------------------------------------------------ helpers
def local_file(url: str) -> Path | None:
    """The file the lead's static server serves for a URL of the sample site, if any."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc != "baonghean.vn":
        return None
    if parts.scheme not in ("", "http", "https"):
        return None
    path = parts.path or "/"
    if path == "/":
        return SITE / "index.html"
    if path in ("/robots.txt", "/rss/home.rss"):
        return SITE / path.lstrip("/")
    query = parse_qs(parts.query)
    if re.fullmatch(r"/[a-z0-9-]+\.html", path) and not query:
        return SITE / path.lstrip("/")
    if re.fullmatch(r"/[a-z0-9-]+", path) and set(query) <= {"page"}:
        page = query.get("page", ["1"])[0]
        name = "index.html" if page == "1" else f"page-{page}.html"
        return SITE / path.lstrip("/") / name
    return None


def without_tracking(url: str) -> str:
    """The URL with ``utm_*`` parameters removed, as the spider must request it."""
    parts = urlsplit(url)
    kept = "&".join(q for q in parts.query.split("&") if q and not q.startswith("utm_"))
    return parts._replace(query=kept).geturl()


def served(url: str) -> bool:
    f = local_file(url)
    return f is not None and f.is_file()


def site_path(url: str) -> str | None:
    """Root-relative path of a link to baonghean.vn (query dropped), None for other hosts."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc != "baonghean.vn":
        return None
    if parts.scheme not in ("", "http", "https"):
        return None
    return parts.path


@cache
def page(path: str) -> lxml.html.HtmlElement:
    f = local_file(path)
    assert f is not None
    return lxml.html.fromstring(f.read_text(encoding="utf-8"))


def text_of(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def one(doc: lxml.html.HtmlElement, selector: str) -> lxml.html.HtmlElement:
    found = doc.cssselect(selector)
    assert len(found) == 1, f"{selector}: {len(found)} elements"
    return found[0]


def lead_el(doc: lxml.html.HtmlElement, art: dict) -> lxml.html.HtmlElement:
    sel = ".sc-longform-header-sapo" if art["layout"] == "current" else "div.article__summary"
    return one(doc, sel)


def body_el(doc: lxml.html.HtmlElement, art: dict) -> lxml.html.HtmlElement:
    return one(doc, "article.entry" if art["layout"] == "current" else "div.article__content")


def gold_paragraphs(art: dict) -> list[str]:
    """The article text a careful human would keep: body paragraphs and table rows."""
    body = deepcopy(body_el(page(art["path"]), art))
    for el in body.cssselect(BOILERPLATE):
        el.drop_tree()
    skip = set(art["captions"]) | {art["byline"]}
    out = []
    for el in body.iter("p", "tr"):
        if el.tag == "p" and any(a.tag == "table" for a in el.iterancestors()):
            continue
        if el.tag == "tr":
            text = " | ".join(text_of(td) for td in el.iter("td", "th"))
        else:
            text = text_of(el)
        if text and text not in skip:
            out.append(text)
    return out


def gold_text(art: dict) -> str:
    return "\n".join([text_of(lead_el(page(art["path"]), art)), *gold_paragraphs(art)])


def page_text(path: str) -> str:
    doc = deepcopy(page(path))
    for el in doc.cssselect("script, style"):
        el.drop_tree()
    return text_of(doc)


def links(path: str) -> list[str]:
    if path.endswith(".rss"):
        root = etree.fromstring(local_file(path).read_bytes())
        return [el.text.strip() for el in root.iter("link")]
    return [a.get("href") for a in page(path).iter("a") if a.get("href")]


def by_feature(feature: str) -> list[dict]:
    return [a for a in ARTICLES if feature in a["features"]]


def published(art: dict) -> datetime | None:
    return datetime.fromisoformat(art["published"]) if art["published"] else None


def rss_items() -> list[etree._Element]:
    root = etree.fromstring((SITE / "rss" / "home.rss").read_bytes())
    return root.findall("./channel/item")


article_params = pytest.mark.parametrize("art", ARTICLES, ids=ARTICLE_IDS)


# ------------------------------------------------------------------ files
class _Balance(HTMLParser):
    VOID = frozenset(
        [
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        ]
    )

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> at line {self.getpos()[0]}, open: {self.stack[-3:]}")
        else:
            self.stack.pop()


def all_files() -> list[Path]:
    return sorted(p for p in SITE.rglob("*") if p.is_file())


@pytest.mark.parametrize("f", all_files(), ids=lambda p: str(p.relative_to(SITE)))
def test_file_is_utf8_nfc_and_small(f: Path) -> None:
    raw = f.read_bytes()
    text = raw.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    if f.suffix == ".html":
        assert len(raw) < 40_000
        assert text.startswith('<!DOCTYPE html>\n<html lang="vi">')
        assert '<meta charset="utf-8">' in text
        checker = _Balance()
        checker.feed(text)
        checker.close()
        assert not checker.errors, checker.errors[:3]
        assert checker.stack == []


def test_robots_txt() -> None:
    lines = (SITE / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /tim-kiem", "Disallow: /admin/"} <= set(lines)


def test_listing_pages_and_articles_have_files() -> None:
    for path in EXPECTED["listing_pages"]:
        assert served(path), path
    for art in ARTICLES:
        assert served(art["path"]), art["path"]
    # every html file of the site is either a listing page or an article of expected.json
    served_files = {local_file(p) for p in EXPECTED["listing_pages"] + ARTICLE_IDS}
    extra = [f for f in all_files() if f.suffix == ".html" and f not in served_files]
    assert extra == []


def test_not_articles_are_linked_but_have_no_file() -> None:
    home_links = set(links("/"))
    for url in EXPECTED["not_articles"]:
        assert url in home_links, url
        assert not served(url), url


# ------------------------------------------------------------------ discovery
def test_every_article_is_reachable_from_home_listings_or_rss() -> None:
    found = {site_path(u) for p in EXPECTED["listing_pages"] for u in links(p)}
    assert set(ARTICLE_IDS) <= found


def test_some_articles_only_reachable_through_pagination() -> None:
    first = {"/", "/thoi-su", "/kinh-te", "/rss/home.rss"}
    shallow = {site_path(u) for p in first for u in links(p)}
    deep = {
        site_path(u)
        for p in EXPECTED["listing_pages"]
        if p not in first
        for u in links(p)
        if site_path(u) in ARTICLE_IDS
    }
    only_deep = deep - shallow
    assert len(only_deep) >= 3
    page3_only = {site_path(u) for u in links("/thoi-su?page=3")} & only_deep
    assert page3_only


@pytest.mark.parametrize(
    "path", [p for p in EXPECTED["listing_pages"] if p.endswith(("su", "te")) or "page=" in p]
)
def test_listing_items_and_pagination(path: str) -> None:
    doc = page(path)
    items = doc.cssselect("div.b-grid")
    assert 1 <= len(items) <= 8
    section = urlsplit(path).path.strip("/")
    for item in items:
        href = one(item, "h3.b-grid__title a").get("href")
        assert one(item, "div.b-grid__img a").get("href") == href
        art = ARTICLES[ARTICLE_IDS.index(href)]
        assert art["section"] == section
    pager = one(doc, "div.c-pagination")
    hrefs = [a.get("href") for a in pager.iter("a")]
    assert hrefs, "pagination without links"
    for href in hrefs:
        assert href in EXPECTED["listing_pages"], href
    nxt = pager.cssselect("a.c-pagination__next")
    if nxt:
        assert nxt[0].text_content().strip() == "Trang sau"


def test_listing_dates_match_articles() -> None:
    seen = 0
    for path in EXPECTED["listing_pages"][:-1]:
        for item in page(path).cssselect("div.b-grid"):
            href = one(item, "h3.b-grid__title a").get("href")
            if site_path(href) not in ARTICLE_IDS:
                continue
            art = ARTICLES[ARTICLE_IDS.index(site_path(href))]
            times = item.cssselect("span.b-grid__time")
            if art["published"] is None:
                assert times == []
                continue
            assert len(times) == 1
            assert times[0].text == f"{published(art):%d/%m/%Y}"
            seen += 1
    assert seen >= 20


def test_internal_links_resolve() -> None:
    pages = EXPECTED["listing_pages"] + ARTICLE_IDS
    not_articles = set(EXPECTED["not_articles"])
    for p in pages:
        for href in links(p):
            if href in not_articles:
                continue
            parts = urlsplit(href)
            if parts.scheme in ("mailto", "data"):
                continue
            if parts.netloc and parts.netloc != "baonghean.vn":
                continue
            if parts.netloc == "baonghean.vn":
                assert p.endswith(".rss") or p == "/", f"absolute self link on {p}: {href}"
            path = parts.path
            if ARTICLE_PATH.match(path) or parts.query:
                assert served(without_tracking(href)), f"{p} links to missing {href}"
            else:
                assert not path.endswith(".html"), f"{p}: unexpected link {href}"


def test_tracking_link_on_home() -> None:
    tracked = [h for h in links("/") if "utm_" in h]
    assert len(tracked) == 1
    (art,) = by_feature("tracking-link")
    assert urlsplit(tracked[0]).path == art["path"]
    assert parse_qs(urlsplit(tracked[0]).query) == {"utm_source": ["zalo"]}
    assert not served(tracked[0]), "the local server answers 404 to unknown queries"
    assert served(without_tracking(tracked[0]))
    assert art["path"] in {site_path(u) for u in links(f"/{art['section']}")}


def test_one_article_on_home_section_and_rss() -> None:
    home = {site_path(u) for u in links("/")}
    feed = {site_path(u) for u in links("/rss/home.rss")}
    sections = {site_path(u) for p in EXPECTED["listing_pages"][1:-1] for u in links(p)}
    assert set(ARTICLE_IDS) & home & feed & sections


def test_rss_feed() -> None:
    items = rss_items()
    assert len(items) == 8
    stamps = []
    for item in items:
        link = item.findtext("link")
        assert link.startswith(ORIGIN + "/")
        path = urlsplit(link).path
        art = ARTICLES[ARTICLE_IDS.index(path)]
        assert "rss" in art["features"]
        assert item.findtext("title") == art["title"]
        assert item.findtext("description").strip()
        raw = item.findtext("pubDate")
        assert raw.endswith(" +0700")
        when = parsedate_to_datetime(raw)
        assert when == published(art)
        assert raw.startswith(f"{when:%a}, ")
        stamps.append(when)
    assert stamps == sorted(stamps, reverse=True)
    in_feed = {urlsplit(i.findtext("link")).path for i in items}
    assert {a["path"] for a in by_feature("rss")} == in_feed


# ------------------------------------------------------------------ article pages
@article_params
def test_url_era_matches_layout_and_year(art: dict) -> None:
    pub = published(art)
    path = art["path"]
    assert ARTICLE_PATH.match(path)
    if re.search(r"-10\d{6}\.html$", path):
        assert art["layout"] == "current"
        assert pub is None or pub.year >= 2024
    elif re.search(r"-post\d{6}\.html$", path):
        assert art["layout"] == "2019"
        assert 2022 <= pub.year <= 2023
    else:
        assert re.search(r"-\d{6}\.html$", path)
        assert art["layout"] == "2019"
        assert pub.year <= 2021
    doc = page(path)
    if art["layout"] == "current":
        one(doc, "div.sc-longform-header h1.sc-longform-header-title")
        one(doc, "div.sc-empty-layer")
        one(doc, "div.sc-related-articles")
        assert not doc.cssselect(".article__title")
    else:
        one(doc, "article.article-wrap ol.breadcrumb")
        one(doc, "article.article-wrap h1.article__title")
        one(doc, "article.article-wrap div.related-news")
        assert not doc.cssselect("article.entry, script[type='application/ld+json']")


@article_params
def test_title_and_canonical(art: dict) -> None:
    doc = page(art["path"])
    h1 = one(doc, "h1")
    assert text_of(h1) == art["title"]
    assert one(doc, "meta[property='og:title']").get("content") == art["title"]
    assert art["canonical"] == ORIGIN + art["path"]
    canon = doc.cssselect("link[rel='canonical']")
    og_url = doc.cssselect("meta[property='og:url']")
    if "no-canonical" in art["features"]:
        assert canon == [] and og_url == []
    else:
        assert [c.get("href") for c in canon] == [art["canonical"]]
        assert [o.get("content") for o in og_url] == [art["canonical"]]


def json_ld(doc: lxml.html.HtmlElement) -> list[dict]:
    scripts = doc.cssselect("script[type='application/ld+json']")
    return [json.loads(s.text) for s in scripts]


@article_params
def test_published_date_everywhere_agrees(art: dict) -> None:
    doc = page(art["path"])
    meta = [m.get("content") for m in doc.cssselect("meta[property='article:published_time']")]
    pub = published(art)
    if pub is None:
        return  # see test_no_date_article_has_no_date
    assert meta in ([], [art["published"]])
    if art["layout"] == "current":
        assert meta == [art["published"]]
        (news,) = [d for d in json_ld(doc) if d.get("@type") == "NewsArticle"]
        assert news["datePublished"] == art["published"]
        assert news["dateModified"] >= news["datePublished"]
        assert news["headline"] == art["title"]
        shown = text_of(one(doc, ".sc-longform-header-date"))
        assert shown == f"{WEEKDAYS[pub.weekday()]}, {pub:%d/%m/%Y %H:%M}"
    else:
        time = one(doc, "div.article__meta > time")
        assert time.get("datetime") == art["published"]
        assert time.text == f"{pub:%d/%m/%Y %H:%M}"


def test_published_meta_only_on_some_2019_pages() -> None:
    has = [
        bool(page(a["path"]).cssselect("meta[property='article:published_time']"))
        for a in ARTICLES
        if a["layout"] == "2019"
    ]
    assert any(has) and not all(has)


def test_no_date_article_has_no_date() -> None:
    (art,) = by_feature("no-date")
    assert art["published"] is None and art["dates"] == []
    raw = local_file(art["path"]).read_text(encoding="utf-8")
    assert not re.search(r"\b(?:19|20)\d\d\b", raw)
    assert not re.search(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b", raw)
    assert "<time" not in raw and "ld+json" not in raw and "_time" not in raw
    assert art["path"] not in {urlsplit(u).path for u in links("/rss/home.rss")}
    assert [a for a in ARTICLES if a["published"] is None] == [art]


@article_params
def test_author(art: dict) -> None:
    doc = page(art["path"])
    sel = ".sc-longform-header-author" if art["layout"] == "current" else "p.article__author"
    found = [text_of(el) for el in doc.cssselect(sel)]
    assert found == ([art["author"]] if art["author"] else [])
    if art["layout"] == "current" and art["published"]:
        (news,) = [d for d in json_ld(doc) if d.get("@type") == "NewsArticle"]
        assert news["author"]["name"] == art["author"]


@article_params
def test_snippets_sit_in_the_right_place(art: dict) -> None:
    doc = page(art["path"])
    lead = text_of(lead_el(doc, art))
    gold = gold_text(art)
    body = "\n".join(gold_paragraphs(art))
    whole = page_text(art["path"])
    assert 5 <= len(art["lead_snippet"].split()) <= 8
    assert art["lead_snippet"] in lead
    assert len(art["body_snippets"]) >= 2
    for s in art["body_snippets"]:
        assert 5 <= len(s.split()) <= 8, s
        assert s in body, s
    assert len(art["absent_snippets"]) >= 3
    for s in art["absent_snippets"]:
        assert s in whole, s
        assert s not in gold, s


@article_params
def test_word_count(art: dict) -> None:
    n = len(gold_text(art).split())
    assert 250 <= n <= 700, n


@article_params
def test_captions_and_byline_are_complete(art: dict) -> None:
    body = body_el(page(art["path"]), art)
    found = [text_of(el) for el in body.cssselect("figcaption")]
    found += [
        text_of(p)
        for p in body.iter("p")
        if CAPTION_END.search(text_of(p)) and len(text_of(p).split()) < 30
    ]
    assert sorted(found) == sorted(art["captions"])
    for cap in art["captions"]:
        assert CAPTION_END.search(cap), cap
    paragraphs = [text_of(p) for p in body.iter("p") if text_of(p)]
    if art["byline"]:
        assert paragraphs[-1] == art["byline"]


# ------------------------------------------------------------------ features
def _has_table(art: dict) -> bool:
    return bool(body_el(page(art["path"]), art).cssselect("table"))


def _related_inside(art: dict) -> bool:
    body = deepcopy(body_el(page(art["path"]), art))
    for el in body.cssselect(".sc-longform-header"):
        el.drop_tree()
    return any(ARTICLE_PATH.match(a.get("href") or "") for a in body.iter("a"))


def _rich_captions(art: dict) -> bool:
    body = body_el(page(art["path"]), art)
    caps = [text_of(el) for el in body.cssselect("figcaption")]
    named = [c for c in caps if re.search(r"Ảnh: \w", c)]
    plain = [c for c in art["captions"] if c not in caps]
    return len(named) >= 2 and any(c.endswith("Ảnh tư liệu") for c in caps) and len(plain) >= 1


FEATURE_TESTS = {
    "captions": _rich_captions,
    "table": _has_table,
    "byline-end": lambda art: art["byline"] is not None,
    "no-date": lambda art: art["published"] is None,
    "related-inside-body": _related_inside,
    "no-canonical": lambda art: not page(art["path"]).cssselect("link[rel='canonical']"),
    "tracking-link": lambda art: any(
        urlsplit(h).path == art["path"] and urlsplit(h).query for h in links("/")
    ),
    "rss": lambda art: art["path"] in {urlsplit(u).path for u in links("/rss/home.rss")},
}


@pytest.mark.parametrize("feature", sorted(FEATURE_TESTS))
def test_feature_flags_match_the_pages(feature: str) -> None:
    flagged = {a["path"] for a in by_feature(feature)}
    actual = {a["path"] for a in ARTICLES if FEATURE_TESTS[feature](a)}
    assert flagged == actual
    assert flagged, f"no article has {feature}"
    if feature in SPECIAL_FEATURES:
        assert len(flagged) == 1


def test_special_cases_are_different_articles() -> None:
    holders = [a["path"] for a in ARTICLES for f in a["features"] if f in SPECIAL_FEATURES]
    assert len(holders) == len(SPECIAL_FEATURES) == len(set(holders))
    for art in ARTICLES:
        assert set(art["features"]) <= set(FEATURE_TESTS), art["features"]


def test_table_totals_add_up() -> None:
    (art,) = by_feature("table")
    table = one(body_el(page(art["path"]), art), "table")
    rows = [[text_of(td) for td in tr.iter("td", "th")] for tr in table.iter("tr")]
    header, *data = rows
    total = next(r for r in data if r[0] == "Tổng")
    data = [r for r in data if r is not total]
    assert len(data) >= 3
    for col in range(1, len(header)):
        if not total[col]:
            continue
        values = [float(r[col].replace(".", "").replace(",", ".")) for r in data]
        assert sum(values) == pytest.approx(float(total[col].replace(".", "").replace(",", ".")))


# ------------------------------------------------------------------ figures and dates
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
SCALES = {"nghìn tỷ": 10**12, "tỷ": 10**9, "triệu": 10**6, "nghìn": 10**3}
CURRENCIES = {"đồng": "VND", "USD": "USD"}
FIGURE_TEXT = re.compile(rf"({NUMBER})(?: ({'|'.join(SCALES)}))?(?: ?(.+))?")


def read_figure(text: str) -> tuple[float, str | None]:
    """Value and normalised unit of a figure written as number [scale] unit."""
    m = FIGURE_TEXT.fullmatch(text)
    assert m, f"unreadable figure text {text!r}"
    value = float(m[1].replace(".", "").replace(",", ".")) * SCALES.get(m[2] or "", 1)
    unit = m[3]
    for word, code in CURRENCIES.items():
        if unit == word or (unit or "").startswith(word + "/"):
            unit = code + unit[len(word) :]
    return value, unit


def assert_first_stands_alone(text: str, needle: str) -> None:
    """The first occurrence of ``needle`` is not part of a longer number or word."""
    i = text.find(needle)
    assert i >= 0, f"{needle!r} not in the article text"
    before = text[i - 1] if i else " "
    after = text[i + len(needle)] if i + len(needle) < len(text) else " "
    assert not (before.isalnum() or before in ".,"), f"{needle!r} glued to {before!r}"
    assert not after.isalnum(), f"{needle!r} glued to {after!r}"


@article_params
def test_figures(art: dict) -> None:
    gold = gold_text(art)
    assert 3 <= len(art["figures"]) <= 6
    for fig in art["figures"]:
        assert_first_stands_alone(gold, fig["text"])
        value, unit = read_figure(fig["text"])
        assert fig["value"] == pytest.approx(value, rel=1e-9), fig
        assert fig["unit"] == unit, fig
    for trap in art["not_figures"]:
        assert trap in gold, trap
        assert not any(fig["text"] in trap or trap in fig["text"] for fig in art["figures"])


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
DAY_PART = r"(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Đđ]êm|[Tt]rưa|[Nn]gày)"


def not_after(day: int, month: int, ref: date) -> int:
    """Year of a day/month written without a year: the latest one not after ``ref``."""
    return ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1


def resolve_date(text: str, ref: date) -> tuple[str | dict, str]:
    """An independent reading of the few date forms used in the sample articles."""
    if m := re.fullmatch(rf"{DAY_PART} (\d{{1,2}})/(\d{{1,2}})(?:/(\d{{4}}))?", text):
        d, mo = int(m[1]), int(m[2])
        y = int(m[3]) if m[3] else not_after(d, mo, ref)
        return date(y, mo, d).isoformat(), "day"
    if m := re.fullmatch(r"từ ngày (\d{1,2}) - (\d{1,2})/(\d{1,2})", text):
        d1, d2, mo = int(m[1]), int(m[2]), int(m[3])
        y = not_after(d1, mo, ref)
        return {"from": date(y, mo, d1).isoformat(), "to": date(y, mo, d2).isoformat()}, "day"
    if m := re.fullmatch(r"[Nn]ăm (\d{4})", text):
        return m[1], "year"
    if m := re.fullmatch(r"(?:[Nn]ăm học|giai đoạn) (\d{4})-(\d{4})", text):
        return {"from": m[1], "to": m[2]}, "year"
    if m := re.fullmatch(r"quý ([IV]+)/(\d{4})", text):
        return f"{m[2]}-Q{ROMAN[m[1]]}", "quarter"
    if m := re.fullmatch(r"[Tt]háng (\d{1,2})/(\d{4})", text):
        return f"{m[2]}-{int(m[1]):02d}", "month"
    if m := re.fullmatch(r"[Tt]háng (\d{1,2})", text):
        return f"{not_after(1, int(m[1]), ref)}-{int(m[1]):02d}", "month"
    if m := re.fullmatch(r"(\d{1,2}) tháng (đầu )?năm(?: (\d{4}))?", text):
        n, y = int(m[1]), m[3] or str(ref.year)
        if m[2] and n == 3:
            return f"{y}-Q1", "quarter"
        if m[2] and n == 6:
            return f"{y}-H1", "half"
        return {"from": f"{y}-01", "to": f"{y}-{n:02d}"}, "month"
    raise AssertionError(f"date form not understood by this test: {text!r}")


@article_params
def test_dates(art: dict) -> None:
    gold = gold_text(art)
    pub = published(art)
    if pub is None:
        return
    assert 1 <= len(art["dates"]) <= 3
    for d in art["dates"]:
        assert_first_stands_alone(gold, d["text"])
        assert (d["value"], d["grain"]) == resolve_date(d["text"], pub.date()), d


def test_spread_over_years_months_and_eras() -> None:
    assert len(ARTICLES) == 24
    assert len(set(ARTICLE_IDS)) == 24
    assert len({a["title"] for a in ARTICLES}) == 24
    numbers = [re.search(r"(\d+)\.html$", p)[1] for p in ARTICLE_IDS]
    assert len(set(numbers)) == 24
    dated = [published(a) for a in ARTICLES if a["published"]]
    for year in range(2019, 2026):
        months = {d.month for d in dated if d.year == year}
        assert sum(d.year == year for d in dated) >= 2, year
        assert len(months) >= 2, year
    assert min(dated).year == 2019 and max(dated).year == 2025
    layouts = Counter(a["layout"] for a in ARTICLES)
    assert layouts["current"] >= 5 and layouts["2019"] >= 10
    assert sum("-post" in p for p in ARTICLE_IDS) >= 4
    assert len({a["section"] for a in ARTICLES}) >= 3


def test_series_are_backed_by_the_articles() -> None:
    assert len(EXPECTED["series"]) >= 2
    for series in EXPECTED["series"]:
        assert len(series["values"]) >= 5
        assert series["values"].keys() == series["sources"].keys()
        distinct = set(series["values"].values())
        assert len(distinct) == len(series["values"])
        for year, value in series["values"].items():
            art = ARTICLES[ARTICLE_IDS.index(series["sources"][year])]
            assert published(art).year in (int(year), int(year) + 1)
            (fig,) = [
                f for f in art["figures"] if f["unit"] == series["unit"] and f["value"] == value
            ]
            sentences = re.split(r"(?<=[.;])\s+", gold_text(art))
            (sentence,) = [s for s in sentences if fig["text"] in s]
            assert series["indicator"] in sentence.lower(), sentence
            assert f"năm {year}" in sentence.lower(), sentence


# ------------------------------------------------------------------ originality
def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_sentence_copied_from_shared(shared_dir: Path) -> None:
    ours = set().union(*(_shingles(gold_text(a)) for a in ARTICLES))
    theirs: set[tuple[str, ...]] = set()
    for f in [*shared_dir.glob("seed/*.txt"), *shared_dir.glob("pages/*/*.htm*")]:
        raw = f.read_text(encoding="utf-8", errors="replace")
        if f.suffix != ".txt":
            raw = re.sub(r"<[^>]+>", " ", raw)
        theirs |= _shingles(raw)
    assert theirs, "nothing read from ../shared"
    assert not ours & theirs, sorted(ours & theirs)[:3]
