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

Around the crawl: a paper already being crawled is skipped (its lock is held; the run ends
``Skipped`` with one log line), the crawl holds a slot of the global concurrency limit
``baotinh-crawl`` when the server has one (``baotinh serve`` creates it), a site that gave no
answer at all is retried with backoff, and each paper may have a timeout. Every fan-out
publishes its artifacts, failed ones included: a table with one row per paper, a markdown
summary of the most notable new figures, and a progress bar while it runs.
"""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, ExitStack, nullcontext
from contextvars import ContextVar, copy_context
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal
from uuid import uuid4

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency as crawl_slot
from prefect.exceptions import TerminationSignal
from prefect.runtime import flow_run, task_run
from prefect.states import Cancelled, Completed

from flows.crawl import CrawlFailed, CrawlOutcome, is_loopback, run_crawl
from flows.health import SiteBroken, assess
from flows.locks import PaperBusy, paper_lock
from flows.processing import process_archive, stream_archive
from flows.urllist import read_url_list
from registry import Site, all_sites, get_site
from registry.config import Config
from spiders.warc import salvage_interrupted
from warehouse.records import LoadCounts
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
from warehouse.summary import refresh_pending

Mode = Literal["incremental", "full"]

CRAWL_LIMIT = "baotinh-crawl"  # global concurrency limit: papers crawling at once (serve sets it)
CRAWL_RETRIES = 2
CRAWL_RETRY_DELAYS = [60, 300]  # seconds before the first and the second retry


# Set while a fan-out is being interrupted (Ctrl-C, SIGTERM, cancellation): its papers,
# running in other threads that no signal reaches, stop their crawls and end `interrupted`.
_STOPPING: ContextVar[threading.Event | None] = ContextVar("baotinh_stopping", default=None)


_FAN_OUT_STOPPED = (
    "the run was interrupted (cancelled, timed out or stopped) before this paper was done"
)


class RunInterrupted(RuntimeError):
    """The fan-out this paper's run belongs to was interrupted."""


class SiteUnreachable(CrawlFailed):
    """The site gave no answer at all: down, unreachable, refusing. Worth a retry later."""


def _crawl_slot() -> AbstractContextManager[None]:
    """A slot of :data:`CRAWL_LIMIT` if the server has that limit, else no wait (and no
    warning, as ``concurrency()`` would log on every crawl)."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(CRAWL_LIMIT)
        except ObjectNotFound:
            return nullcontext()
    return crawl_slot(CRAWL_LIMIT, occupy=1) if limit.active else nullcontext()


def _transient(task, task_run, state) -> bool:
    """Retry a crawl only when the site gave no answer; a broken site or crawl is final."""
    try:
        state.result()
    except SiteUnreachable:
        return True
    except BaseException:
        return False
    return False


def _child_run_name() -> str:
    site = flow_run.parameters.get("site", "paper")
    return f"{site}-{datetime.now(UTC):%Y-%m-%d-%H%M}"


@task(
    name="crawl",
    task_run_name="crawl-{paper_key}",
    cache_policy=NO_CACHE,
    retries=CRAWL_RETRIES,
    retry_delay_seconds=CRAWL_RETRY_DELAYS,
    retry_condition_fn=_transient,
)
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
    stop_file: Path | None = None,
) -> CrawlOutcome:
    """Fetch new articles into ``warc``; fails (red) when the crawl reached nothing.

    Holds one slot of :data:`CRAWL_LIMIT` while Scrapy runs (no limit on the server: no
    wait). A site that gave no answer raises :class:`SiteUnreachable` and is retried.
    """
    log = get_run_logger()
    attempt = task_run.run_count or 1
    if attempt > 1:  # a retry writes its own file; the loader takes any left by the first
        warc = warc.with_name(f"{warc.name.removesuffix('.warc.gz')}-try{attempt}.warc.gz")
    asked = time.monotonic()
    with _crawl_slot():
        waited = time.monotonic() - asked
        if waited >= 2:
            log.info("%s waited %.0f s for a crawl slot (%s)", paper_key, waited, CRAWL_LIMIT)
        outcome = run_crawl(
            paper_key,
            base_url=base_url,
            warc=warc,
            known=known_file,
            since=since,
            max_articles=max_articles,
            log=log,
            registry=registry,
            urls=urls,
            replay=[Path(p) for p in replay] if replay else None,
            state_dir=state_dir,
            stop_file=stop_file,
        )
    if failure := outcome.failure():
        # A loopback site (the demo, tests) that does not answer is not coming back later.
        transient = failure.startswith("no answer") and not is_loopback(base_url)
        kind = SiteUnreachable if transient else CrawlFailed
        reason = f"{paper_key} from {base_url}: {failure}"
        log.error("crawl failed: %s", reason)  # the reason first, before Prefect's traceback
        raise kind(reason)
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
    artifact_prefix: str = "live",
    urls_file: str | None = None,
) -> dict[str, object]:
    """Crawl one paper and load what is new; returns (and logs) the run summary.

    ``mode="incremental"`` skips articles already archived; ``"full"`` fetches them again
    and updates those whose text changed. ``base_url`` crawls a mirror (e.g. a local copy);
    ``urls`` fetches only those articles, and so does ``urls_file`` (a file of URLs, one a
    line: a long list does not fit in a flow run's parameters, 512 KB at most); ``replay``
    serves every response from WARC files.
    A paper another run is crawling is skipped: the run ends ``Skipped`` (a kind of
    Completed) with the other run's pid, and returns ``{"site", "skipped"}``.
    """
    log = get_run_logger()
    config = Config.load(db, data_dir)
    paper = get_site(site, registry)
    if urls_file is not None:
        urls = [*(urls or []), *read_url_list(urls_file)]
    with ExitStack() as held:
        try:
            held.enter_context(paper_lock(config.state_dir, paper.key))
        except PaperBusy as busy:
            log.warning("skipped: %s", busy)
            return Completed(  # type: ignore[return-value]
                name="Skipped", message=str(busy), data={"site": paper.key, "skipped": str(busy)}
            )
        return _pipeline_locked(
            paper, config, since, base_url, mode, max_articles, registry, urls, replay,
            parent_run_id, log, artifact_prefix,
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
    artifact_prefix: str = "live",
) -> dict[str, object]:
    started = time.monotonic()
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
    # The paper's scratch folder: cleared under its lock, so a killed run leaves nothing.
    scratch = config.scratch_dir / paper.key
    _remove_tree(scratch)
    try:
        # First what earlier runs archived but did not load, so the crawl knows those pages.
        totals.add(_load_pending(archive_dir, paper, registry, since, config.db_path))
        scratch.mkdir(parents=True, exist_ok=True)
        known_file = scratch / "known.txt"
        with connect(config.db_path) as con:
            known = known_article_urls(con, paper) if mode == "incremental" else set()
        known_file.write_text("".join(f"{u}\n" for u in sorted(known)), encoding="utf-8")
        warc = archive_dir / f"{run_id}.warc.gz"
        # The crawl runs in a thread while its archive is processed as it grows.
        stop_file = scratch / "stop-crawl"
        stopping = _STOPPING.get()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl") as one:
            crawling = one.submit(
                copy_context().run, crawl, paper.key, registry, base, warc, known_file, since,
                max_articles, urls, replay, config.state_dir / "crawl" / paper.key, stop_file,
            )  # fmt: skip

            def crawl_done() -> bool:
                if stopping is not None and stopping.is_set():
                    stop_file.touch()  # the crawl saves its frontier and ends
                return crawling.done()

            try:
                streamed = stream_archive(
                    warc, paper, since, config.db_path, crawl_done=crawl_done, log=log
                )
            except BaseException:  # a timeout, a cancellation, a failed load: stop the crawl
                stop_file.touch()
                raise
            totals.add(streamed)
            outcome = crawling.result()
        if stopping is not None and stopping.is_set():
            raise RunInterrupted(_FAN_OUT_STOPPED)
        if outcome.warc == warc and warc.exists():
            with connect(config.db_path) as con:
                mark_archive_loaded(con, warc.name, paper.key, streamed.articles + streamed.skipped)
        totals.add(_load_pending(archive_dir, paper, registry, since, config.db_path))
        with connect(config.db_path) as con:  # the series slices this run's loads left pending
            refresh_pending(con)
        health = assess(outcome, totals)
    except BaseException as exc:
        fan_out_stopped = stopping is not None and stopping.is_set()
        reason = _reason(RunInterrupted(_FAN_OUT_STOPPED) if fan_out_stopped else exc)
        status = "interrupted" if fan_out_stopped or _interrupted(exc) else "failed"
        with connect(config.db_path) as con:
            finish_run(con, run_id, status=status, error=reason, **_counts(outcome, totals))
        failed = {"site": paper.key, "run_id": run_id, "failed": reason}
        failed |= _counts(outcome, totals) | {"duration_s": round(time.monotonic() - started, 1)}
        _publish_paper_summary(paper, failed, artifact_prefix)
        if fan_out_stopped:  # a thread no signal reaches: this paper's run is Cancelled too
            return Cancelled(message=reason, data=failed)  # type: ignore[return-value]
        raise
    finally:
        _remove_tree(scratch)

    summary = {"site": paper.key, "run_id": run_id, **_counts(outcome, totals), **health.row()}
    summary["duration_s"] = round(time.monotonic() - started, 1)
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
    _publish_paper_summary(paper, summary, artifact_prefix)
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


def _interrupted(exc: BaseException) -> bool:
    """Stopped from outside (Ctrl-C, SIGTERM, a cancellation), not failed."""
    return isinstance(exc, (KeyboardInterrupt, TerminationSignal, RunInterrupted))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (SIGINT)"
    if isinstance(exc, TerminationSignal):
        return "terminated (SIGTERM: a cancellation, or the run's parent ended)"
    text = str(exc) or type(exc).__name__
    known = (CrawlFailed, PaperBusy, RunInterrupted)
    return text if isinstance(exc, known) else f"{type(exc).__name__}: {text}"


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _artifact_key(text: str) -> str:
    """Prefect artifact keys are lowercase letters, digits and dashes."""
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _summary_markdown(summary: dict[str, object]) -> str:
    rows = "\n".join(f"| {key} | {value} |" for key, value in summary.items())
    return f"# Pipeline run\n\n| | |\n|---|---|\n{rows}\n"


def _publish_paper_summary(paper: Site, summary: dict[str, object], prefix: str) -> None:
    create_markdown_artifact(
        key=f"{_artifact_key(prefix)}-pipeline-{_artifact_key(paper.key)}",
        markdown=_summary_markdown(summary),
        description=f"Last pipeline run for {paper.name} ({prefix})",
    )


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
    timeout_minutes: float | None = None,
    since_by_site: dict[str, date] | None = None,
    urls_files: dict[str, str] | None = None,
) -> list[dict[str, object]]:
    """One child ``pipeline`` run per paper, ``concurrency`` at a time.

    ``sites`` are registry keys (``"all"``: every registered paper). ``base_urls`` maps a
    paper to a mirror; ``urls`` to the only articles to fetch (``urls_files``: to a file of
    them, one a line, for lists too long for a parameter); ``since_by_site`` to its own
    backfill date (else ``since``). ``timeout_minutes`` bounds each paper's run. Every paper
    runs to its end whatever the others do; the parent then fails if any failed, naming them
    and why. Artifacts (keys start with ``artifact_prefix``: ``demo`` or ``live``) are
    published whatever the outcome.
    """
    log = get_run_logger()
    parent = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid4().hex[:8]
    keys = [k for key in sites for k in (all_sites(registry) if key == "all" else [key])]
    papers = [get_site(key, registry) for key in dict.fromkeys(keys)]
    child = (
        pipeline.with_options(timeout_seconds=timeout_minutes * 60) if timeout_minutes else pipeline
    )
    prefix = _artifact_key(artifact_prefix)
    progress = create_progress_artifact(
        progress=0.0, key=f"{prefix}-progress", description=f"Papers done of {len(papers)}"
    )

    def one(paper: Site) -> dict[str, object]:
        started = time.monotonic()
        with tags(paper.key, paper.province):
            state = child(
                site=paper.key,
                since=(since_by_site or {}).get(paper.key, since),
                base_url=(base_urls or {}).get(paper.key),
                mode=mode,
                max_articles=max_articles,
                db=db,
                data_dir=data_dir,
                registry=registry,
                urls=(urls or {}).get(paper.key),
                urls_file=(urls_files or {}).get(paper.key),
                parent_run_id=parent,
                artifact_prefix=artifact_prefix,
                return_state=True,
            )
        elapsed = {"duration_s": round(time.monotonic() - started, 1)}
        if state.is_completed():
            return state.result() | elapsed
        try:
            state.result()
        except BaseException as exc:  # the child's failure, recorded in its own run
            return {"site": paper.key, "failed": _reason(exc)} | elapsed
        return {"site": paper.key, "failed": state.message or state.name} | elapsed

    results: dict[str, dict[str, object]] = {}
    stopping = threading.Event()
    token = _STOPPING.set(stopping)  # before the papers' threads copy this context
    try:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            futures = {pool.submit(copy_context().run, one, paper): paper for paper in papers}
            try:
                for future in as_completed(futures):
                    result = future.result()
                    results[futures[future].key] = result
                    update_progress_artifact(progress, 100.0 * len(results) / len(papers))
            except BaseException:
                stopping.set()  # the papers stop; the pool waits for them below
                for future in futures:
                    future.cancel()  # papers not started yet never start
                raise
    finally:
        _STOPPING.reset(token)
    ordered = [results[paper.key] for paper in papers]

    _publish_table(ordered, artifact_prefix, db, data_dir, parent)
    _publish_figures(ordered, artifact_prefix, db, data_dir, parent)
    failed = [r for r in ordered if "failed" in r]
    for result in failed:
        log.error("%s failed: %s", result["site"], result["failed"])
    if failed:
        names = "; ".join(f"{r['site']}: {r['failed']}" for r in failed)
        raise RuntimeError(f"{len(failed)} of {len(ordered)} papers failed: {names}")
    return ordered


TABLE_COLUMNS = (
    "site", "status", "pages_fetched", "articles_new", "articles_updated", "figures",
    "date_mentions", "health", "health_reason", "error", "duration_s",
)  # fmt: skip


def _publish_table(
    results: list[dict[str, object]], prefix: str, db: str | None, data_dir: str | None,
    parent: str,
) -> None:  # fmt: skip
    """One row per paper: the counts and verdict its crawl_runs row keeps, or why it failed."""
    recorded = _runs_of(parent, db, data_dir)
    rows = []
    for result in results:
        row = {c: result.get(c) for c in TABLE_COLUMNS} | recorded.get(str(result["site"]), {})
        row["duration_s"] = result.get("duration_s")
        if "skipped" in result:
            row |= {"status": "skipped", "error": result["skipped"]}
        elif "failed" in result:
            row |= {"status": "failed", "error": result["failed"]}
        rows.append({c: row.get(c) for c in TABLE_COLUMNS})
    create_table_artifact(
        key=f"{_artifact_key(prefix)}-papers",
        table=rows,
        description="One row per paper of the last fan-out run",
    )


def _runs_of(parent: str, db: str | None, data_dir: str | None) -> dict[str, dict[str, object]]:
    config = Config.load(db, data_dir)
    if not config.db_path.exists():
        return {}
    columns = [c for c in TABLE_COLUMNS if c not in ("site", "duration_s")]
    with connect(config.db_path) as con:
        found = con.execute(
            f"SELECT site_key, {', '.join(columns)} FROM crawl_runs WHERE parent_run_id = ?",
            [parent],
        ).fetchall()
    return {r[0]: {k: v for k, v in zip(columns, r[1:], strict=True)} for r in found}


# The run's most notable new figures: one per indicator and province, the largest amounts
# first, from the articles this fan-out archived (new or changed).
_NOTABLE = """
SELECT f.indicator, f.value, f.unit, f.province, f.period_value, f.url, f.title
FROM figure_facts f
JOIN articles a ON a.article_id = f.article_id
JOIN crawl_runs r ON r.site_key = a.site_key AND starts_with(a.warc_file, r.run_id)
WHERE r.parent_run_id = ? AND f.indicator IS NOT NULL AND f.unit IS NOT NULL
  AND f.change IS NULL
QUALIFY row_number() OVER (
    PARTITION BY lower(f.indicator), f.unit, f.province ORDER BY f.value DESC) = 1
ORDER BY f.unit = 'VND' DESC, f.value DESC
LIMIT ?
"""


def notable_figures(
    parent: str, db: str | None, data_dir: str | None, limit: int = 10
) -> list[tuple]:
    """``(indicator, value, unit, province, period, url, title)`` of a fan-out's new figures."""
    config = Config.load(db, data_dir)
    if not config.db_path.exists():
        return []
    with connect(config.db_path) as con:
        return con.execute(_NOTABLE, [parent, limit]).fetchall()


def _publish_figures(
    results: list[dict[str, object]], prefix: str, db: str | None, data_dir: str | None,
    parent: str,
) -> None:  # fmt: skip
    figures = notable_figures(parent, db, data_dir)
    failed = [r for r in results if "failed" in r]
    lines = [
        f"# {prefix}: {len(results)} papers, {len(failed)} failed",
        "",
        f"{sum(int(r.get('articles_new') or 0) for r in results)} new articles,"
        f" {sum(int(r.get('figures') or 0) for r in results)} figures.",
        "",
    ]
    lines += [f"- **{r['site']}** failed: {r['failed']}" for r in failed]
    if figures:
        lines += ["", "## Notable new figures", ""]
        lines += [
            "| indicator | value | unit | province | period | article |",
            "|---|---|---|---|---|---|",
        ]
        for indicator, value, unit, province, period, url, title in figures:
            label = (title or url).replace("|", "/")
            lines.append(
                f"| {indicator} | {_number(value)} | {unit} | {province} | {period or ''}"
                f" | [{label}]({url}) |"
            )
    else:
        lines += ["", "No new figure with an indicator in this run."]
    create_markdown_artifact(
        key=f"{_artifact_key(prefix)}-figures",
        markdown="\n".join(lines) + "\n",
        description="The most notable new figures of the last fan-out run",
    )


def _number(value: float) -> str:
    """1500000000.0 → 1.500.000.000 (Vietnamese grouping), 12.3 → 12,3."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
