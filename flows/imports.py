"""``baotinh import``: load what other crawlers collected through the same cleaning,
extraction and warehouse.

WARC files (e.g. Common Crawl's CC-NEWS, keeping only registered domains), JSONL dumps and
text files in the seed's form are read by :mod:`spiders.imports`. A page with HTML is cleaned
like a crawled one; a dump that carries only text becomes an article as it is. Rows record
where they came from (``source`` = ``import:warc`` | ``import:jsonl`` | ``import:text``, and
the file and record in ``pages``); an article's identity is its URL, or the hash of its
content when the dump has none, so importing twice changes nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Iterator
from pathlib import Path

from prefect import flow, get_run_logger

from flows.processing import shared_pool
from flows.workers import import_and_extract, imported_page
from registry import Site, get_site, site_for_url
from registry.config import Config
from spiders.imports import ImportRecord, ImportSkip, read_import
from transforms import EXTRACTOR_VERSION
from warehouse.load import LoadCounts, PageResult, load_results
from warehouse.runs import register_site
from warehouse.schema import connect
from warehouse.summary import refresh_pending

BATCH = 200


@flow(name="import", flow_run_name="import")
def import_files(
    paths: list[str],
    site: str | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    registry: str | None = None,
) -> dict[str, int]:
    """Import every record of ``paths``; ``site`` names the paper of records whose URL is
    not a registered paper's (or that have no URL)."""
    log = get_run_logger()
    config = Config.load(db, data_dir)
    default = get_site(site, registry) if site else None
    counts: dict[str, int] = defaultdict(int)
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise FileNotFoundError(f"no file to import at {path}")
        _import_file(path, config, default, registry, counts, log)
    with connect(config.db_path) as con:  # the series slices the loads left pending
        refresh_pending(con)
    log.info("import: %s", dict(counts))
    return dict(counts)


def _import_file(
    path: Path,
    config: Config,
    default: Site | None,
    registry: str | None,
    counts: dict[str, int],
    log: logging.Logger | logging.LoggerAdapter,
) -> None:
    """Clean and extract the records of one file in the page workers, in file order, and
    load them by paper in batches."""
    batches: dict[str, list[PageResult]] = defaultdict(list)
    papers: dict[str, Site] = {}
    in_flight: deque[Site] = deque()  # the paper of each record handed to the workers

    def owner(url: str) -> str | None:
        found = site_for_url(url, registry)
        return found.key if found else None

    def jobs() -> Iterator[tuple[ImportRecord, Site]]:
        found = False
        for record in read_import(path, owner):
            found = True
            if isinstance(record, ImportSkip):
                counts["records_skipped"] += record.count
                log.info("%s", record.describe())
                continue
            paper = _paper_of(record, default, registry)
            if paper is None:
                counts["unregistered"] += 1
                continue
            in_flight.append(paper)
            yield record, paper
        if not found:
            counts["files_without_records"] += 1
            log.warning("%s: no records found in the file", path.name)

    for result in shared_pool().map(import_and_extract, jobs(), describe=imported_page):
        paper = in_flight.popleft()
        papers[paper.key] = paper
        batches[paper.key].append(result)
        if len(batches[paper.key]) >= BATCH:
            _load(config, paper, batches.pop(paper.key), counts)
    for key, results in batches.items():
        _load(config, papers[key], results, counts)


def _paper_of(record: ImportRecord, default: Site | None, registry: str | None) -> Site | None:
    if record.site_key:
        return get_site(record.site_key, registry)
    return default


def _load(config: Config, paper: Site, results: list[PageResult], counts: dict) -> None:
    with connect(config.db_path) as con:
        register_site(con, paper)
        got: LoadCounts = load_results(con, paper.key, results, EXTRACTOR_VERSION)
    for name in ("new", "updated", "unchanged", "skipped", "figures", "date_mentions"):
        counts[name] += getattr(got, name)
