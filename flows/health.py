"""A paper's health after a run: did discovery still find articles, and were they readable?

A site whose listings, feeds or sitemaps were fetched but yielded no article link, or whose
new articles mostly lack a title or a date, has changed its templates or URL shapes: the run
is flagged ``broken`` with the reason, so the entry can be fixed (``baotinh check-site``).
A run that found only known articles is ``idle``, not broken.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.crawl import CrawlOutcome
from warehouse.records import LoadCounts

MIN_SHARE = 0.5  # below this share of titled or dated articles, the paper is broken
MIN_ARTICLES = 4  # ... judged only on at least this many articles


class SiteBroken(RuntimeError):
    """The run worked, but what it got says the paper's entry no longer fits the site."""


@dataclass(frozen=True)
class Health:
    verdict: str  # ok | idle | broken
    reason: str | None
    share_titled: float | None
    share_dated: float | None
    share_with_body: float | None

    def row(self) -> dict[str, object]:
        return {
            "health": self.verdict,
            "health_reason": self.reason,
            "share_titled": self.share_titled,
            "share_dated": self.share_dated,
            "share_with_body": self.share_with_body,
        }

    def line(self, summary: dict[str, object]) -> str:
        """One summary line for the log."""
        text = (
            f"{summary.get('pages_fetched')} pages fetched, {summary.get('articles_new')} new,"
            f" {summary.get('articles_updated')} updated, {summary.get('figures')} figures,"
            f" {summary.get('date_mentions')} dates; health {self.verdict}"
        )
        return text + (f" ({self.reason})" if self.reason else "")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def assess(outcome: CrawlOutcome, totals: LoadCounts) -> Health:
    """The verdict for one run of one paper."""
    pages = totals.articles + totals.skipped
    titled = _share(totals.titled, totals.articles)
    dated = _share(totals.dated, totals.articles)
    with_body = _share(totals.articles, pages)
    shares = (titled, dated, with_body)
    if outcome.listing_pages and not outcome.article_links and not outcome.direct:
        reason = (
            f"{outcome.listing_pages} listing/feed/sitemap pages fetched but no article link"
            " found: URL shapes or templates changed?"
        )
        return Health("broken", reason, *shares)
    if totals.articles >= MIN_ARTICLES:
        for name, share in (("titled", titled), ("dated", dated)):
            if share is not None and share < MIN_SHARE:
                reason = f"only {share:.0%} of {totals.articles} articles {name}"
                return Health("broken", reason, *shares)
    if pages >= MIN_ARTICLES and with_body is not None and with_body < MIN_SHARE:
        reason = f"only {with_body:.0%} of {pages} article pages gave an article"
        return Health("broken", reason, *shares)
    if pages == 0:
        return Health("idle", None, *shares)
    return Health("ok", None, *shares)
