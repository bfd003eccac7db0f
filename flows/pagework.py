"""The work done on one page: clean it, extract its dates and figures.

What a worker process runs (:mod:`flows.workers`), so it imports only the transforms and
the light record types, never DuckDB, Arrow or Prefect.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from registry import Site
from spiders.warc import ArchivedPage
from transforms.clean import NotAnArticle, clean_article
from transforms.dates import extract_dates
from transforms.encoding import UndecodablePage
from transforms.figures import extract_figures
from transforms.models import Figure
from warehouse.records import FetchedPage, PageResult

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
        article = clean_article(
            page.text,
            page.url,
            paper.layouts,
            site_origin=_origin(page, paper),
            fetched_at=page.fetched_at,
            founded=paper.founded,
            drop_params=paper.drop_params,
        )
    except UndecodablePage as exc:  # its message says "undecodable: ..."
        return PageResult(fetched, skip_reason=str(exc))
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
    figures = [_bounded(f, text) for f in extract_figures(text, reference, dates)]
    return replace(result, dates=dates, figures=figures)


MAX_SENTENCE_CHARS = 1000  # a figure keeps at most this much of its sentence


def _bounded(figure: Figure, text: str) -> Figure:
    """The figure with a sentence no longer than :data:`MAX_SENTENCE_CHARS`: a window of the
    text around it, so a page's memory is bounded by the page, not by figures × sentence."""
    if figure.sentence is None or len(figure.sentence) <= MAX_SENTENCE_CHARS:
        return figure
    half = (MAX_SENTENCE_CHARS - (figure.end - figure.start)) // 2
    start = max(0, figure.start - max(half, 0))
    return replace(figure, sentence=text[start : start + MAX_SENTENCE_CHARS])


def _origin(page: ArchivedPage, paper: Site) -> str:
    """The paper's origin for canonical URLs: the host the page came from when it is one of
    the paper's (an archive subdomain), else the primary domain (a mirror, a replay)."""
    return page_origin(page.url) if paper.owns(page.url) else paper.origin


def page_origin(url: str) -> str:
    _, rest = url.split("://", 1)
    return f"https://{rest.split('/', 1)[0].lower().removeprefix('www.')}"


def clean_and_extract(page: ArchivedPage, paper: Site, since: date | None) -> PageResult:
    """One page, cleaned then extracted (what a worker process runs)."""
    return extract_page(clean_page(page, paper, since))
