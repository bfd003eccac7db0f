"""Glue between the archive, the transforms and the warehouse: clean one page, extract one
article, process a whole WARC file in batches."""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

from flows.streaming import follow_pages
from flows.workers import PagePool, clean_and_extract
from registry import Site
from spiders.warc import OPEN_SUFFIX, ArchivedPage
from transforms import EXTRACTOR_VERSION
from warehouse.records import LoadCounts
from warehouse.runs import mark_archive_loaded
from warehouse.schema import KeptOpen, connect

T = TypeVar("T")


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
    read = 0

    def pages() -> Iterator[ArchivedPage]:
        # Complete records only: the last one of a crawl that died writing may be cut
        # short. Read as processed, never listed: an archive can hold gigabytes of pages.
        nonlocal read
        for page in follow_pages(archive, archive, lambda: True):
            read += 1
            yield page

    totals = process_pages(pages(), paper, since, db_path, log=log, batch_size=batch_size)
    with connect(db_path) as con:
        mark_archive_loaded(con, archive.name, paper.key, read)
    return totals


def stream_archive(
    warc: Path,
    paper: Site,
    since: date | None,
    db_path: Path,
    *,
    crawl_done: Callable[[], bool],
    log: logging.Logger | logging.LoggerAdapter,
) -> LoadCounts:
    """Process the article pages of the WARC file a crawl is writing, as they are archived
    (:func:`flows.streaming.follow_pages`), until the crawl is done. The caller marks the
    file loaded once the crawl has closed it."""
    open_path = warc.with_name(warc.name + OPEN_SUFFIX)
    pages = follow_pages(open_path, warc, crawl_done)
    return process_pages(pages, paper, since, db_path, log=log)


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
    from warehouse.load import load_results  # Arrow, MinHash: at the first batch, not at start

    totals = LoadCounts()
    results = shared_pool().map(clean_and_extract, pages, paper, since)
    with KeptOpen(db_path) as kept:  # batch after batch: no checkpoint at each one's close
        for batch in _batched(results, batch_size):
            for result in batch:
                if result.skip_reason:
                    level = logging.WARNING if result.quarantined else logging.INFO
                    log.log(level, "skipped %s: %s", result.page.url, result.skip_reason)
            with kept.batch(), connect(db_path) as con:
                totals.add(load_results(con, paper.key, batch, EXTRACTOR_VERSION, force=force))
    return totals


WORKERS_ENV = "BAOTINH_WORKERS"  # page workers of a run (checked by baotinh.environment)
_POOL: PagePool | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> PagePool:
    """The process's pool of page workers (``$BAOTINH_WORKERS``, default one per core),
    started on first use and shared by every paper of a run."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            raw = os.environ.get(WORKERS_ENV)
            _POOL = PagePool(int(raw) if raw else None)
            atexit.register(_POOL.close)
        return _POOL


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


_PAGEWORK = {"VIETNAM", "clean_page", "extract_page", "fetched_page"}


def __getattr__(name: str) -> object:
    """The page work's names (:mod:`flows.pagework`), still importable from here but loaded
    on first use: a run's process starts without the cleaning libraries (trafilatura, lxml),
    which only the page workers need."""
    if name in _PAGEWORK:
        from flows import pagework

        return getattr(pagework, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "clean_and_extract",
    "process_archive",
    "process_pages",
    "shared_pool",
]
