"""Reading discovery documents: robots.txt, sitemaps, feeds and listing pages.

Functions of a response's text or bytes, no crawling: the spider decides what to request.
Nothing here knows a particular site; per-site data (sections, feeds) only adds starting
points.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from parsel import Selector

# Paths where papers usually publish a feed, tried when a home page advertises none.
USUAL_FEEDS = ("/rss", "/feed", "/rss/home.rss", "/index.rss", "/rss.xml", "/feed.xml")
# ... and a sitemap, tried when robots.txt names none.
USUAL_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/sitemaps.xml")

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
# Link texts of "next page" in Vietnamese and English listings.
NEXT_TEXTS = re.compile(r"^(?:trang sau|tiếp|tiếp theo|sau|xem tiếp|next|›|»|>|>>|→)$", re.I)
# How page n of a listing is addressed in a URL: ?page=2, /page-2, /trang-2.html, /p2 ...
PAGE_NUMBER = re.compile(
    r"(?:[?&](?:page|p|trang|pg)=(\d+))|(?:/(?:page|trang|p)[-/]?(\d+)(?:\.html?)?/?$)",
    re.IGNORECASE,
)
_DATE_PRINTED = re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-]((?:19|20)\d\d)\b")
MAX_SECTIONS = 40


@dataclass(frozen=True)
class Entry:
    """A URL listed by a sitemap or feed, with the date it gives (modified or published)."""

    url: str
    day: date | None = None


def sitemaps_in_robots(text: str, base: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, absolute."""
    found = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base, value.strip()))
    return found


def read_sitemap(body: bytes) -> tuple[list[Entry], list[Entry]]:
    """(child sitemaps, page URLs) of a sitemap or sitemap index, with their dates.

    A page's date is its ``news:publication_date`` when the sitemap is a news sitemap, else
    its ``lastmod``. Broken XML yields what could be read.
    """
    selector = Selector(body=body, type="xml")
    selector.remove_namespaces()
    children = [
        Entry(loc, _day(node.xpath("lastmod/text()").get()))
        for node in selector.xpath("//sitemap")
        if (loc := (node.xpath("loc/text()").get() or "").strip())
    ]
    pages = []
    for node in selector.xpath("//url"):
        loc = (node.xpath("loc/text()").get() or "").strip()
        if loc:
            raw = (
                node.xpath("news/publication_date/text()").get()
                or node.xpath("lastmod/text()").get()
            )
            pages.append(Entry(loc, _day(raw)))
    return children, pages


def read_feed(body: bytes) -> list[Entry]:
    """The item links of an RSS 2.0, RSS 1.0 or Atom feed, with their publication dates."""
    selector = Selector(body=body, type="xml")
    selector.remove_namespaces()
    entries = []
    for item in selector.xpath("//item | //entry"):
        link = (
            item.xpath("link/@href").get()
            or item.xpath("link/text()").get()
            or item.xpath("guid[not(@isPermaLink='false')]/text()").get()
            or ""
        ).strip()
        raw = item.xpath("pubDate/text() | published/text() | date/text() | updated/text()").get()
        if link:
            entries.append(Entry(link, _day(raw)))
    return entries


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def looks_like_sitemap(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def advertised_feeds(html: Selector, base: str) -> list[str]:
    """Feeds a page announces with ``<link rel="alternate" type="application/rss+xml">``."""
    found = []
    for link in html.xpath("//link[@href]"):
        rel = (link.xpath("@rel").get() or "").lower().split()
        kind = (link.xpath("@type").get() or "").lower()
        if "alternate" in rel and kind in FEED_TYPES:
            found.append(urljoin(base, link.xpath("@href").get().strip()))
    return found


def links(html: Selector, base: str) -> Iterator[str]:
    """Every ``<a href>`` of a page, absolute, without fragment."""
    for href in html.xpath("//a/@href").getall():
        href = href.strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            yield urljoin(base, href).split("#", 1)[0]


def next_page(html: Selector, url: str, page: int) -> str | None:
    """The URL of the listing's next page: ``rel=next``, a "next" link, or a link to page n+1."""
    for href in html.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href").getall():
        return urljoin(url, href.strip())
    candidates = []
    for anchor in html.xpath("//a[@href]"):
        href = urljoin(url, anchor.xpath("@href").get().strip())
        text = " ".join(anchor.xpath("normalize-space(.)").getall()).strip()
        label = (anchor.xpath("@aria-label").get() or anchor.xpath("@title").get() or "").strip()
        is_next = NEXT_TEXTS.match(text) or NEXT_TEXTS.match(label)
        if is_next and page_number(href) in (None, page + 1) and href != url:
            return href
        if text == str(page + 1) and page_number(href) == page + 1:
            candidates.append(href)
    return candidates[0] if candidates else None


def page_number(url: str) -> int | None:
    match = PAGE_NUMBER.search(url)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def section_links(html: Selector, base: str, *, is_article, owns) -> list[str]:
    """Listing pages linked from a home page's menus: same paper, shallow, not articles."""
    found: dict[str, None] = {}
    nav = html.xpath(
        "//nav//a/@href | //header//a/@href | //*[contains(@class,'menu') or"
        " contains(@class,'nav') or contains(@id,'menu') or contains(@id,'nav')]//a/@href"
    ).getall()
    for href in nav:
        url = urljoin(base, href.strip()).split("#", 1)[0]
        parts = urlsplit(url)
        depth = len([s for s in parts.path.split("/") if s])
        if not owns(url) or depth == 0 or depth > 2 or parts.query:
            continue
        if is_article(url) or re.search(r"\.(?:jpe?g|png|pdf|xml|rss)$", parts.path):
            continue
        found.setdefault(url)
        if len(found) >= MAX_SECTIONS:
            break
    return list(found)


def newest_printed_date(text: str) -> date | None:
    """The latest dd/mm/yyyy date printed on a listing page, if any."""
    days = []
    for d, m, y in _DATE_PRINTED.findall(text):
        try:
            days.append(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return max(days) if days else None


def _day(raw: str | None) -> date | None:
    """A sitemap or feed date: ISO 8601 (W3C) or RFC 822."""
    if not raw:
        return None
    raw = raw.strip()
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError):
        return None
