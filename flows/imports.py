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

from collections import defaultdict
from datetime import UTC, date, datetime, time
from pathlib import Path

from prefect import flow, get_run_logger

from flows.pagework import VIETNAM, extract_page
from registry import Site, get_site, site_for_url
from registry.config import Config
from spiders.imports import ImportRecord, ImportSkip, read_import
from transforms import EXTRACTOR_VERSION
from transforms.clean import NotAnArticle, clean_article
from transforms.models import Article
from transforms.urls import normalize_url
from warehouse.load import FetchedPage, LoadCounts, PageResult, load_results
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
        batches: dict[str, list[PageResult]] = defaultdict(list)
        papers: dict[str, Site] = {}

        def owner(url: str) -> str | None:
            found = site_for_url(url, registry)
            return found.key if found else None

        for record in read_import(path, owner):
            if isinstance(record, ImportSkip):
                counts["records_skipped"] += record.count
                log.info("%s: skipped %s", path.name, record)
                continue
            paper = _paper_of(record, default, registry)
            if paper is None:
                counts["unregistered"] += 1
                continue
            papers[paper.key] = paper
            batches[paper.key].append(extract_page(_result(record, paper)))
            if len(batches[paper.key]) >= BATCH:
                _load(config, paper, batches.pop(paper.key), counts)
        for key, results in batches.items():
            _load(config, papers[key], results, counts)
    with connect(config.db_path) as con:  # the series slices the loads left pending
        refresh_pending(con)
    log.info("import: %s", dict(counts))
    return dict(counts)


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


def _result(record: ImportRecord, paper: Site) -> PageResult:
    url = normalize_url(record.url) if record.url else f"urn:baotinh:{record.content_sha1}"
    page = FetchedPage(
        warc_file=str(record.source_path.resolve()),
        warc_offset=int(record.locator),
        url=url,
        fetched_at=record.fetched_at or _moment(record.published) or datetime.now(UTC),
        status=200,
        content_sha1=record.content_sha1,
        source=f"import:{record.source_format}",
    )
    if record.html is not None:
        try:
            article = clean_article(record.html, url, paper.layouts, site_origin=paper.origin)
        except NotAnArticle as exc:
            return PageResult(page, skip_reason=f"not an article: {exc}")
        except Exception as exc:  # one broken record must not stop the import
            return PageResult(page, skip_reason=f"cleaning failed: {exc!r}")
        return PageResult(page, article=article)
    if not (record.text or "").strip():
        return PageResult(page, skip_reason="no text")
    article = Article(
        url=url,
        title=record.title,
        published=_moment(record.published),
        published_source="import" if record.published else None,
        author=None,
        lead=None,
        body=record.text.strip(),
    )
    return PageResult(page, article=article)


def _moment(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=VIETNAM)
    return datetime.combine(value, time(), tzinfo=VIETNAM)
