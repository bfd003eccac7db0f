"""Per-page glue between the archive and the transforms: clean one page, extract one article."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from registry import Site
from spiders.warc import ArchivedPage
from transforms.clean import NotAnArticle, clean_article
from transforms.dates import extract_dates
from transforms.figures import extract_figures
from warehouse.load import FetchedPage, PageResult

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def fetched_page(page: ArchivedPage) -> FetchedPage:
    return FetchedPage(
        warc_file=page.warc_file,
        warc_offset=page.offset,
        url=page.url,
        fetched_at=page.fetched_at,
        status=page.status,
        content_sha1=hashlib.sha1(page.body).hexdigest(),
    )


def clean_page(page: ArchivedPage, paper: Site, since: date | None = None) -> PageResult:
    """The page's article, or a skip with its reason; never raises for a bad page."""
    fetched = fetched_page(page)
    try:
        article = clean_article(page.text, page.url, paper.layouts, site_origin=paper.origin)
    except NotAnArticle as exc:
        return PageResult(fetched, skip_reason=f"not an article: {exc}")
    except Exception as exc:  # one broken page must not stop the batch
        return PageResult(fetched, skip_reason=f"cleaning failed: {exc!r}")
    if since and article.published and article.published.astimezone(VIETNAM).date() < since:
        return PageResult(
            fetched, skip_reason=f"published {article.published:%Y-%m-%d}, before {since}"
        )
    return PageResult(fetched, article=article)


def reference_date(result: PageResult) -> date:
    """The date relative expressions are resolved against: publication, else fetch."""
    moment = (result.article and result.article.published) or result.page.fetched_at
    return moment.astimezone(VIETNAM).date()


def extract_page(result: PageResult) -> PageResult:
    """Add the date mentions and figures of a cleaned article."""
    if result.article is None:
        return result
    text = result.article.text
    reference = reference_date(result)
    dates = extract_dates(text, reference)
    figures = extract_figures(text, reference, dates)
    return replace(result, dates=dates, figures=figures)
