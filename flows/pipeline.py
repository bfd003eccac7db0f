"""The Prefect flow ``pipeline``: crawl → clean → extract → load, for one paper.

The crawl runs Scrapy in a subprocess (the Twisted reactor cannot restart) and leaves a
WARC file; every WARC file of the paper not yet loaded (this run's, and any left by a run
that died) is then read back in batches, cleaned, extracted and loaded. Each batch is one
DuckDB transaction, and loading is idempotent, so a run that dies anywhere can simply be
run again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from uuid import uuid4

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.crawl import CrawlFailed, CrawlOutcome, run_crawl
from flows.processing import clean_page, extract_page
from registry import Site, get_site
from registry.config import Config
from spiders.warc import ArchivedPage, read_pages, salvage_interrupted
from transforms import EXTRACTOR_VERSION
from warehouse.load import LoadCounts, PageResult, load_results
from warehouse.runs import (
    finish_run,
    known_article_urls,
    loaded_archive_files,
    mark_archive_loaded,
    mark_interrupted_runs,
    register_site,
    start_run,
)
from warehouse.schema import connect

Mode = Literal["incremental", "full"]


@task(name="crawl", task_run_name="crawl-{paper.key}", cache_policy=NO_CACHE)
def crawl(
    paper: Site,
    base_url: str,
    warc: Path,
    known: set[str],
    since: date | None,
    max_articles: int | None,
) -> CrawlOutcome:
    """Fetch new articles into ``warc``; the spider's log lines go to the run log."""
    return run_crawl(
        paper.key,
        base_url=base_url,
        warc=warc,
        known=known,
        since=since,
        max_articles=max_articles,
        log=get_run_logger(),
    )


@task(name="clean", task_run_name="clean-{warc_name}-{batch_no}", cache_policy=NO_CACHE)
def clean(
    pages: list[ArchivedPage], paper: Site, since: date | None, warc_name: str, batch_no: int
) -> list[PageResult]:
    """HTML → articles; pages that are not articles become logged skips."""
    results = [clean_page(page, paper, since) for page in pages]
    log = get_run_logger()
    for result in results:
        if result.skip_reason:
            log.warning("skipped %s: %s", result.page.url, result.skip_reason)
    return results


@task(name="extract", task_run_name="extract-{warc_name}-{batch_no}", cache_policy=NO_CACHE)
def extract(results: list[PageResult], warc_name: str, batch_no: int) -> list[PageResult]:
    """Date mentions and figures of each article's text."""
    return [extract_page(result) for result in results]


@task(name="load", task_run_name="load-{warc_name}-{batch_no}", cache_policy=NO_CACHE)
def load(
    results: list[PageResult], db_path: Path, site_key: str, warc_name: str, batch_no: int
) -> LoadCounts:
    """One batch into DuckDB, in one transaction."""
    with connect(db_path) as con:
        return load_results(con, site_key, results, EXTRACTOR_VERSION)


@flow(name="pipeline", flow_run_name="pipeline-{site}")
def pipeline(
    site: str = "baonghean",
    since: date | None = None,
    base_url: str | None = None,
    mode: Mode = "incremental",
    max_articles: int | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    batch_size: int = 100,
) -> dict[str, object]:
    """Crawl one paper and load what is new; returns (and logs) the run summary.

    ``mode="incremental"`` skips articles already archived; ``"full"`` fetches them again
    and updates those whose text changed. ``base_url`` crawls a mirror (e.g. a local copy).
    """
    log = get_run_logger()
    config = Config.load(db, data_dir)
    paper = get_site(site)
    base = (base_url or paper.origin).rstrip("/")
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid4().hex[:8]
    archive_dir = config.archive_dir / paper.key
    for path in salvage_interrupted(archive_dir):
        log.warning("kept the archive of an interrupted crawl: %s", path.name)

    with connect(config.db_path) as con:
        register_site(con, paper)
        mark_interrupted_runs(con, paper.key)
        start_run(
            con,
            run_id=run_id,
            site_key=paper.key,
            mode=mode,
            base_url=base,
            since=since,
            flow_run_id=flow_run.get_id(),
        )

    totals = LoadCounts()
    outcome: CrawlOutcome | None = None
    try:
        # First what earlier runs archived but did not load, so the crawl knows those pages.
        totals.add(_load_pending(archive_dir, paper, since, config.db_path, batch_size))
        with connect(config.db_path) as con:
            known = known_article_urls(con, paper) if mode == "incremental" else set()
        warc = archive_dir / f"{run_id}.warc.gz"
        outcome = crawl(paper, base, warc, known, since, max_articles)
        totals.add(_load_pending(archive_dir, paper, since, config.db_path, batch_size))
        if failure := outcome.failure():
            raise CrawlFailed(f"{paper.key} from {base}: {failure}")
    except BaseException as exc:
        with connect(config.db_path) as con:
            counts = _run_counts(outcome, totals)
            finish_run(con, run_id, status="failed", error=repr(exc), **counts)
        raise

    summary = _summary(paper, run_id, outcome, totals)
    with connect(config.db_path) as con:
        warc_name = outcome.warc.name if outcome.warc else None
        counts = _run_counts(outcome, totals)
        finish_run(con, run_id, status="completed", warc_file=warc_name, **counts)
    log.info("summary: %s", summary)
    create_markdown_artifact(
        key=f"pipeline-summary-{paper.key}",
        markdown=_summary_markdown(summary),
        description=f"Last pipeline run for {paper.name}",
    )
    return summary


def _load_pending(
    archive_dir: Path, paper: Site, since: date | None, db_path: Path, batch_size: int
) -> LoadCounts:
    """Load every WARC file of the paper that is not marked loaded yet, oldest first."""
    with connect(db_path) as con:
        loaded = loaded_archive_files(con, paper.key)
    totals = LoadCounts()
    for archive in sorted(archive_dir.glob("*.warc.gz")):
        if archive.name not in loaded:
            totals.add(_process_archive(archive, paper, since, db_path, batch_size))
    return totals


def _process_archive(
    archive: Path, paper: Site, since: date | None, db_path: Path, batch_size: int
) -> LoadCounts:
    """Clean, extract and load every article page of one WARC file, then mark it loaded."""
    totals = LoadCounts()
    records = 0
    pages = read_pages(archive, kinds=frozenset({"article"}))
    for batch_no, batch in enumerate(_batched(pages, batch_size), start=1):
        name = archive.name.removesuffix(".warc.gz")
        results = clean(batch, paper, since, name, batch_no)
        results = extract(results, name, batch_no)
        totals.add(load(results, db_path, paper.key, name, batch_no))
        records += len(batch)
    with connect(db_path) as con:
        mark_archive_loaded(con, archive.name, paper.key, records)
    return totals


def _batched(items: Iterable[ArchivedPage], size: int) -> Iterator[list[ArchivedPage]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _run_counts(outcome: CrawlOutcome | None, totals: LoadCounts) -> dict[str, object]:
    return {
        "pages_fetched": outcome.pages_fetched if outcome else None,
        "listing_pages": outcome.listing_pages if outcome else None,
        "articles_new": totals.new,
        "articles_updated": totals.updated,
        "articles_unchanged": totals.unchanged,
        "pages_skipped": totals.skipped,
        "date_mentions": totals.date_mentions,
        "figures": totals.figures,
    }


def _summary(
    paper: Site, run_id: str, outcome: CrawlOutcome, totals: LoadCounts
) -> dict[str, object]:
    return {"site": paper.key, "run_id": run_id, **_run_counts(outcome, totals)}


def _summary_markdown(summary: dict[str, object]) -> str:
    rows = "\n".join(f"| {key} | {value} |" for key, value in summary.items())
    return f"# Pipeline run\n\n| | |\n|---|---|\n{rows}\n"
