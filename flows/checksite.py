"""``baotinh check-site KEY``: in about a minute, does the registry entry still fit the site?

A small real crawl (robots.txt, the discovery sources, one listing page per section, three
articles) through the same spider, then the same cleaning. The report says what was found
and what failed, so an entry can be fixed on the spot. Not a flow: a person runs it.

What a run would cope with is a note, not a problem: a site with listings but no sitemap or
feed, and an article-shaped page the cleaner sets aside as not an article (a topic page),
as long as another page gave an article.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flows.crawl import run_crawl
from flows.pagework import clean_page
from registry import get_site
from spiders.warc import read_pages


@dataclass
class SiteCheck:
    key: str
    base_url: str
    robots: str
    sitemaps: int
    feeds: int
    listings: int
    article_links: int
    articles: list[dict[str, object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_site(
    key: str, *, base_url: str | None = None, registry: str | None = None, articles: int = 3
) -> SiteCheck:
    """Crawl a few pages of ``key`` and clean them; every failure becomes a problem line."""
    paper = get_site(key, registry)
    base = (base_url or paper.origin).rstrip("/")
    log = logging.getLogger("baotinh.check-site")
    with tempfile.TemporaryDirectory(prefix="baotinh-check-") as tmp:
        warc = Path(tmp) / "check.warc.gz"
        outcome = run_crawl(
            key, base_url=base, warc=warc, known=set(), since=None, max_articles=articles,
            log=log, max_listing_pages=1, registry=registry,
        )  # fmt: skip
        stats = outcome.stats
        robots = ", ".join(
            f"HTTP {k.rsplit('/', 1)[-1]}"
            for k in stats
            if k.startswith("robotstxt/response_status_count/")
        )
        check = SiteCheck(
            key=key,
            base_url=base,
            robots=robots or "no answer",
            sitemaps=int(stats.get("baotinh/sitemaps", 0)),
            feeds=int(stats.get("baotinh/feeds", 0)),
            listings=int(stats.get("baotinh/listing_pages", 0)),
            article_links=outcome.article_links,
        )
        if failure := outcome.failure():
            check.problems.append(f"crawl: {failure}")
        pages = list(read_pages(warc, kinds=frozenset({"article"}))) if outcome.warc else []
    if not check.sitemaps and not check.feeds:
        # Listings alone are a discovery source; with none of the three, nothing is found.
        (check.notes if check.listings else check.problems).append(
            "no sitemap and no feed found: listings are the only source"
        )
    if not check.article_links:
        check.problems.append("no article link recognised: check `family` / `article_paths`")
    for page in pages:
        result = clean_page(page, paper)
        article = result.article
        row = {
            "url": page.url,
            "title": article.title if article else None,
            "published": article.published.isoformat() if article and article.published else None,
            "body_chars": len(article.body) if article else 0,
            "skip": result.skip_reason,
        }
        check.articles.append(row)
        if article is None:
            set_aside = (result.skip_reason or "").startswith("not an article")
            (check.notes if set_aside else check.problems).append(
                f"{page.url}: {result.skip_reason}"
            )
        elif not article.published:
            check.problems.append(f"{page.url}: no publication date found")
    if pages and not any(row["body_chars"] for row in check.articles):
        check.problems.append(f"none of the {len(pages)} article-shaped pages gave an article")
    return check


def format_check(check: SiteCheck) -> str:
    lines = [
        f"{check.key} at {check.base_url}",
        f"  robots.txt      {check.robots}",
        f"  sitemaps read   {check.sitemaps}",
        f"  feeds read      {check.feeds}",
        f"  listings read   {check.listings}",
        f"  article links   {check.article_links}",
    ]
    for row in check.articles:
        lines.append(f"  article         {row['url']}")
        lines.append(
            f"    title {row['title']!r}, published {row['published']}, "
            f"{row['body_chars']} characters of body" + (f", {row['skip']}" if row["skip"] else "")
        )
    lines.append("verdict: " + ("OK" if check.ok else "PROBLEMS"))
    lines += [f"  - {p}" for p in check.problems]
    lines += [f"  note: {n}" for n in check.notes]
    return "\n".join(lines)
