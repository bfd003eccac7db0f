"""The work done on one page: clean it, extract its dates and figures.

What a worker process runs (:mod:`flows.workers`), so it imports only the transforms and
the light record types, never DuckDB, Arrow or Prefect.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from registry import Site
from spiders.imports import ImportRecord
from spiders.warc import ArchivedPage
from transforms.clean import NotAnArticle, clean_article
from transforms.dates import extract_dates
from transforms.encoding import UndecodablePage
from transforms.figures import extract_figures, with_bounded_sentence
from transforms.models import Article
from transforms.neardup import signature
from transforms.urls import normalize_url
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
    """Add the date mentions, figures and near-duplicate signature of a cleaned article."""
    if result.article is None:
        return result
    text = result.article.text
    reference = reference_date(result)
    dates = extract_dates(text, reference)
    figures = [with_bounded_sentence(f, text) for f in extract_figures(text, reference, dates)]
    return replace(result, dates=dates, figures=figures, signature=signature(text))


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


def imported_page(record: ImportRecord) -> FetchedPage:
    """The ``pages`` row of an imported record: its file and locator, its URL (or a URN of
    its content's hash when the dump has none)."""
    url = normalize_url(record.url) if record.url else f"urn:baotinh:{record.content_sha1}"
    return FetchedPage(
        warc_file=str(record.source_path.resolve()),
        warc_offset=int(record.locator),
        url=url,
        fetched_at=record.fetched_at or published_moment(record.published) or datetime.now(UTC),
        status=200,
        content_sha1=record.content_sha1,
        source=f"import:{record.source_format}",
    )


def clean_imported(record: ImportRecord, paper: Site) -> PageResult:
    """An imported record's article, or a skip: HTML is cleaned as a crawled page is; a
    dump's text becomes the article as it is."""
    page = imported_page(record)
    if record.html is not None:
        try:
            article = clean_article(
                record.html,
                page.url,
                paper.layouts,
                site_origin=paper.origin,
                fetched_at=record.fetched_at,
                founded=paper.founded,
                drop_params=paper.drop_params,
            )
        except NotAnArticle as exc:
            return PageResult(page, skip_reason=f"not an article: {exc}")
        except Exception as exc:  # one broken record must not stop the import
            return PageResult(page, skip_reason=f"cleaning failed: {exc!r}")
        return PageResult(page, article=article)
    if not (record.text or "").strip():
        return PageResult(page, skip_reason="no text")
    article = Article(
        url=page.url,
        title=record.title,
        published=published_moment(record.published),
        published_source=_import_source(record),
        author=None,
        lead=None,
        body=record.text.strip(),
    )
    return PageResult(page, article=article)


def import_and_extract(record: ImportRecord, paper: Site) -> PageResult:
    """One imported record, cleaned then extracted (what a worker process runs)."""
    return extract_page(clean_imported(record, paper))


def published_moment(value: date | datetime | None) -> datetime | None:
    """A dump's publication date or time as a moment: a date is midnight in Vietnam."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=VIETNAM)
    return datetime.combine(value, time(), tzinfo=VIETNAM)


def _import_source(record: ImportRecord) -> str | None:
    """``published_source`` of a dump's date: ``import``, or ``import:month`` when the dump
    gives only the month (``published_at`` is then its first day, not a known day)."""
    if record.published is None:
        return None
    return "import:month" if record.published_grain == "month" else "import"
