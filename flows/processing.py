"""Glue between the archive, the transforms and the warehouse: clean one page, extract one
article, process a whole WARC file in batches."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from registry import Site
from spiders.warc import ArchivedPage, read_pages
from transforms import EXTRACTOR_VERSION
from transforms.clean import NotAnArticle, clean_article
from transforms.dates import extract_dates
from transforms.encoding import UndecodablePage
from transforms.figures import extract_figures
from warehouse.load import FetchedPage, LoadCounts, PageResult, load_results
from warehouse.runs import mark_archive_loaded
from warehouse.schema import connect

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
    figures = extract_figures(text, reference, dates)
    return replace(result, dates=dates, figures=figures)


def _origin(page: ArchivedPage, paper: Site) -> str:
    """The paper's origin for canonical URLs: the host the page came from when it is one of
    the paper's (an archive subdomain), else the primary domain (a mirror, a replay)."""
    return page_origin(page.url) if paper.owns(page.url) else paper.origin


def page_origin(url: str) -> str:
    _, rest = url.split("://", 1)
    return f"https://{rest.split('/', 1)[0].lower().removeprefix('www.')}"


def process_archive(
    archive: Path,
    paper: Site,
    since: date | None,
    db_path: Path,
    *,
    log: logging.Logger | logging.LoggerAdapter,
    batch_size: int = 100,
) -> LoadCounts:
    """Clean, extract and load every article page of one WARC file, then mark it loaded.

    Each batch is one transaction; a page that is not an article or fails is a logged skip.
    """
    pages = list(read_pages(archive, kinds=frozenset({"article"})))
    totals = process_pages(pages, paper, since, db_path, log=log, batch_size=batch_size)
    with connect(db_path) as con:
        mark_archive_loaded(con, archive.name, paper.key, len(pages))
    return totals


def process_pages(
    pages: Iterable[ArchivedPage],
    paper: Site,
    since: date | None,
    db_path: Path,
    *,
    log: logging.Logger | logging.LoggerAdapter,
    batch_size: int = 100,
    force: bool = False,
) -> LoadCounts:
    """Clean, extract and load pages in batches, one transaction each."""
    totals = LoadCounts()
    for batch in _batched(pages, batch_size):
        results = [extract_page(clean_page(page, paper, since)) for page in batch]
        for result in results:
            if result.skip_reason:
                log.info("skipped %s: %s", result.page.url, result.skip_reason)
        with connect(db_path) as con:
            totals.add(load_results(con, paper.key, results, EXTRACTOR_VERSION, force=force))
    return totals


def _batched(items: Iterable[ArchivedPage], size: int) -> Iterator[list[ArchivedPage]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
