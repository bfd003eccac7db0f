"""Glue between the archive, the transforms and the warehouse: clean one page, extract one
article, process a whole WARC file in batches."""

from __future__ import annotations

import atexit
import hashlib
import itertools
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from flows.workers import PagePool
from registry import Site
from spiders.warc import ArchivedPage, read_pages
from transforms import EXTRACTOR_VERSION
from transforms.clean import NotAnArticle, clean_article
from transforms.dates import extract_dates
from transforms.encoding import UndecodablePage
from transforms.figures import extract_figures
from transforms.models import Figure
from warehouse.load import FetchedPage, LoadCounts, PageResult, load_results
from warehouse.runs import mark_archive_loaded
from warehouse.schema import connect

T = TypeVar("T")
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


def clean_and_extract(page: ArchivedPage, paper: Site, since: date | None) -> PageResult:
    """One page, cleaned then extracted (what a worker process runs)."""
    return extract_page(clean_page(page, paper, since))


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
    """Clean and extract pages in worker processes and load them in batches, one
    transaction each; the workers run ahead while a batch loads."""
    totals = LoadCounts()
    results = shared_pool().map(clean_and_extract, pages, paper, since)
    for batch in _batched(results, batch_size):
        for result in batch:
            if result.skip_reason:
                level = logging.WARNING if result.quarantined else logging.INFO
                log.log(level, "skipped %s: %s", result.page.url, result.skip_reason)
        with connect(db_path) as con:
            totals.add(load_results(con, paper.key, batch, EXTRACTOR_VERSION, force=force))
    return totals


_POOL: PagePool | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> PagePool:
    """The process's pool of page workers (``$BAOTINH_WORKERS``, default one per core),
    started on first use and shared by every paper of a run."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            raw = os.environ.get("BAOTINH_WORKERS")
            _POOL = PagePool(int(raw) if raw else None)
            atexit.register(_POOL.close)
        return _POOL


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
