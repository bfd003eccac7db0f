"""The Prefect flows that crawl: ``pipeline`` for one paper, ``crawl_papers`` for many.

``pipeline`` runs Scrapy in a subprocess (the Twisted reactor cannot restart), which leaves a
WARC file; every WARC file of the paper not yet loaded (this run's, and any left by a run
that died) is then cleaned, extracted and loaded in batches. Each batch is one DuckDB
transaction and loading is idempotent, so a run that dies anywhere can simply be run again.
Tasks receive paths, keys and counts, never lists of pages: Prefect inspects every task
argument, and whole batches made that cost more than the work.

``crawl_papers`` fans out: one child ``pipeline`` run per paper, several at a time, each
named after its paper and date and tagged with the paper and its province. One broken paper
never stops the others; the parent fails at the end and names the papers that failed.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from uuid import uuid4

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.crawl import CrawlFailed, CrawlOutcome, run_crawl
from flows.health import SiteBroken, assess
from flows.locks import PaperBusy, paper_lock
from flows.processing import process_archive
from registry import Site, get_site
from registry.config import Config
from spiders.warc import salvage_interrupted
from warehouse.load import LoadCounts
from warehouse.runs import (
    finish_run,
    known_article_urls,
    loaded_archive_files,
    mark_interrupted_runs,
    register_site,
    start_run,
)
from warehouse.schema import connect

Mode = Literal["incremental", "full"]


def _child_run_name() -> str:
    site = flow_run.parameters.get("site", "paper")
    return f"{site}-{datetime.now(UTC):%Y-%m-%d-%H%M}"


@task(name="crawl", task_run_name="crawl-{paper_key}", cache_policy=NO_CACHE)
def crawl(
    paper_key: str,
    registry: str | None,
    base_url: str,
    warc: Path,
    known_file: Path,
    since: date | None,
    max_articles: int | None,
    urls: list[str] | None,
    replay: list[str] | None,
    state_dir: Path | None,
) -> CrawlOutcome:
    """Fetch new articles into ``warc``; fails (red) when the crawl reached nothing."""
    known = set(known_file.read_text(encoding="utf-8").split()) if known_file.exists() else set()
    outcome = run_crawl(
        paper_key,
        base_url=base_url,
        warc=warc,
        known=known,
        since=since,
        max_articles=max_articles,
        log=get_run_logger(),
        registry=registry,
        urls=urls,
        replay=[Path(p) for p in replay] if replay else None,
        state_dir=state_dir,
    )
    if failure := outcome.failure():
        raise CrawlFailed(f"{paper_key} from {base_url}: {failure}")
    return outcome


@task(name="load-archive", task_run_name="load-{archive.name}", cache_policy=NO_CACHE)
def load_archive(
    archive: Path, paper_key: str, registry: str | None, since: date | None, db_path: Path
) -> LoadCounts:
    """Clean, extract and load one WARC file in batches; mark it loaded."""
    paper = get_site(paper_key, registry)
    return process_archive(archive, paper, since, db_path, log=get_run_logger())


@flow(name="pipeline", flow_run_name=_child_run_name)
def pipeline(
    site: str = "baonghean",
    since: date | None = None,
    base_url: str | None = None,
    mode: Mode = "incremental",
    max_articles: int | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    registry: str | None = None,
    urls: list[str] | None = None,
    replay: list[str] | None = None,
    parent_run_id: str | None = None,
) -> dict[str, object]:
    """Crawl one paper and load what is new; returns (and logs) the run summary.

    ``mode="incremental"`` skips articles already archived; ``"full"`` fetches them again
    and updates those whose text changed. ``base_url`` crawls a mirror (e.g. a local copy);
    ``urls`` fetches only those articles; ``replay`` serves every response from WARC files.
    """
    log = get_run_logger()
    config = Config.load(db, data_dir)
    paper = get_site(site, registry)
    with paper_lock(config.state_dir, paper.key):
        return _pipeline_locked(
            paper, config, since, base_url, mode, max_articles, registry, urls, replay,
            parent_run_id, log,
        )  # fmt: skip


def _pipeline_locked(
    paper: Site,
    config: Config,
    since: date | None,
    base_url: str | None,
    mode: Mode,
    max_articles: int | None,
    registry: str | None,
    urls: list[str] | None,
    replay: list[str] | None,
    parent_run_id: str | None,
    log,
) -> dict[str, object]:
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
            mode="replay" if replay else ("urls" if urls is not None else mode),
            base_url=base,
            since=since,
            flow_run_id=flow_run.get_id(),
            parent_run_id=parent_run_id,
        )

    totals = LoadCounts()
    outcome: CrawlOutcome | None = None
    scratch = config.scratch_dir / run_id
    try:
        # First what earlier runs archived but did not load, so the crawl knows those pages.
        totals.add(_load_pending(archive_dir, paper, registry, since, config.db_path))
        scratch.mkdir(parents=True, exist_ok=True)
        known_file = scratch / "known.txt"
        with connect(config.db_path) as con:
            known = known_article_urls(con, paper) if mode == "incremental" else set()
        known_file.write_text("".join(f"{u}\n" for u in sorted(known)), encoding="utf-8")
        warc = archive_dir / f"{run_id}.warc.gz"
        outcome = crawl(
            paper.key, registry, base, warc, known_file, since, max_articles, urls, replay,
            config.state_dir / "crawl" / paper.key,
        )  # fmt: skip
        totals.add(_load_pending(archive_dir, paper, registry, since, config.db_path))
        health = assess(outcome, totals)
    except BaseException as exc:
        with connect(config.db_path) as con:
            finish_run(con, run_id, status="failed", error=_reason(exc), **_counts(outcome, totals))
        raise
    finally:
        _remove_tree(scratch)

    summary = {"site": paper.key, "run_id": run_id, **_counts(outcome, totals), **health.row()}
    status = "failed" if health.verdict == "broken" else "completed"
    with connect(config.db_path) as con:
        finish_run(
            con,
            run_id,
            status=status,
            warc_file=outcome.warc.name if outcome.warc else None,
            error=health.reason if status == "failed" else None,
            **_counts(outcome, totals),
            **health.row(),
        )
    log.info("%s: %s", paper.key, health.line(summary))
    create_markdown_artifact(
        key=f"pipeline-summary-{_artifact_key(paper.key)}",
        markdown=_summary_markdown(summary),
        description=f"Last pipeline run for {paper.name}",
    )
    if health.verdict == "broken":
        raise SiteBroken(f"{paper.key}: {health.reason}")
    return summary


def _load_pending(
    archive_dir: Path, paper: Site, registry: str | None, since: date | None, db_path: Path
) -> LoadCounts:
    """Load every WARC file of the paper that is not marked loaded yet, oldest first."""
    with connect(db_path) as con:
        loaded = loaded_archive_files(con, paper.key)
    totals = LoadCounts()
    for archive in sorted(archive_dir.glob("*.warc.gz")):
        if archive.name not in loaded:
            totals.add(load_archive(archive, paper.key, registry, since, db_path))
    return totals


def _counts(outcome: CrawlOutcome | None, totals: LoadCounts) -> dict[str, object]:
    return {
        "pages_fetched": outcome.pages_fetched if outcome else None,
        "listing_pages": outcome.listing_pages if outcome else None,
        "article_links": outcome.article_links if outcome else None,
        "articles_new": totals.new,
        "articles_updated": totals.updated,
        "articles_unchanged": totals.unchanged,
        "pages_skipped": totals.skipped,
        "date_mentions": totals.date_mentions,
        "figures": totals.figures,
    }


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, (CrawlFailed, PaperBusy)) else f"{type(exc).__name__}: {text}"


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _artifact_key(text: str) -> str:
    """Prefect artifact keys are lowercase letters, digits and dashes."""
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _summary_markdown(summary: dict[str, object]) -> str:
    rows = "\n".join(f"| {key} | {value} |" for key, value in summary.items())
    return f"# Pipeline run\n\n| | |\n|---|---|\n{rows}\n"


# --- fan-out ----------------------------------------------------------------------------------


@flow(name="crawl-papers", flow_run_name="papers-{label}")
def crawl_papers(
    sites: list[str],
    since: date | None = None,
    mode: Mode = "incremental",
    max_articles: int | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    registry: str | None = None,
    base_urls: dict[str, str] | None = None,
    urls: dict[str, list[str]] | None = None,
    concurrency: int = 4,
    label: str = "run",
    artifact_prefix: str = "live",
) -> list[dict[str, object]]:
    """One child ``pipeline`` run per paper, ``concurrency`` at a time.

    ``base_urls`` maps a paper to a mirror; ``urls`` to the only articles to fetch. Every
    paper runs to its end whatever the others do; the parent then fails if any failed,
    naming them and why.
    """
    log = get_run_logger()
    parent = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid4().hex[:8]
    papers = [get_site(key, registry) for key in sites]

    def one(paper: Site) -> dict[str, object]:
        with tags(paper.key, paper.province):
            state = pipeline(
                site=paper.key,
                since=since,
                base_url=(base_urls or {}).get(paper.key),
                mode=mode,
                max_articles=max_articles,
                db=db,
                data_dir=data_dir,
                registry=registry,
                urls=(urls or {}).get(paper.key),
                parent_run_id=parent,
                return_state=True,
            )
        if state.is_completed():
            return state.result()
        try:
            state.result()
        except BaseException as exc:  # the child's failure, recorded in its own run
            return {"site": paper.key, "failed": _reason(exc)}
        return {"site": paper.key, "failed": state.message or state.name}

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures = [pool.submit(copy_context().run, one, paper) for paper in papers]
        results = [future.result() for future in futures]

    _publish_table(results, artifact_prefix)
    failed = [r for r in results if "failed" in r]
    for result in results:
        if "failed" in result:
            log.error("%s failed: %s", result["site"], result["failed"])
    if failed:
        names = "; ".join(f"{r['site']}: {r['failed']}" for r in failed)
        raise RuntimeError(f"{len(failed)} of {len(results)} papers failed: {names}")
    return results


def _publish_table(results: list[dict[str, object]], prefix: str) -> None:
    columns = (
        "site", "articles_new", "articles_updated", "pages_fetched", "figures",
        "date_mentions", "health", "health_reason", "failed",
    )  # fmt: skip
    rows = [{c: r.get(c) for c in columns} for r in results]
    create_table_artifact(
        key=f"{_artifact_key(prefix)}-papers",
        table=rows,
        description="One row per paper of the last fan-out run",
    )
