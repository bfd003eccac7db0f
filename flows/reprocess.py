"""``reprocess``: clean and extract every archived page again with the current code.

No network: the pages come from the WARC archive through the ``pages`` index. The current
copy of every article and every page that was skipped (not an article, or quarantined
after a failure) are read again; articles are rewritten with the current extractor version
even when their text did not change, and a page that now gives an article is added.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger

from flows.processing import process_pages
from registry import get_site
from registry.config import Config
from spiders.warc import ArchivedPage, read_page_at
from warehouse.records import LoadCounts
from warehouse.schema import connect
from warehouse.summary import refresh_pending

# The current copy of each article, and every page that gave no article.
_PAGES = """
SELECT p.warc_file, p.warc_offset FROM pages p
JOIN articles a ON a.warc_file = p.warc_file AND a.warc_offset = p.warc_offset
WHERE p.site_key = ? AND p.source = 'crawl'
UNION
SELECT warc_file, warc_offset FROM pages
WHERE site_key = ? AND source = 'crawl' AND article_id IS NULL
ORDER BY 1, 2
"""

# A page that gave no article before and does now: the loader keeps the first pages row of a
# record (ON CONFLICT DO NOTHING), so the index is pointed at the article here.
_RELINK = """
UPDATE pages SET article_id = a.article_id, skip_reason = NULL
FROM articles a
WHERE pages.site_key = ? AND pages.article_id IS NULL
  AND a.warc_file = pages.warc_file AND a.warc_offset = pages.warc_offset
"""


@flow(name="reprocess", flow_run_name="reprocess-{site}")
def reprocess(
    site: str | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    registry: str | None = None,
    since: date | None = None,
) -> dict[str, dict[str, int]]:
    """Re-clean and re-extract the archived pages of one paper (or every paper loaded)."""
    log = get_run_logger()
    config = Config.load(db, data_dir)
    if not config.db_path.exists():  # a mistyped path must not become a new, empty warehouse
        raise FileNotFoundError(f"no warehouse at {config.db_path}: nothing to reprocess")
    with connect(config.db_path) as con:
        keys = (
            [site] if site else [r[0] for r in con.execute("SELECT site_key FROM sites").fetchall()]
        )
    report = {}
    for key in keys:
        paper = get_site(key, registry)
        with connect(config.db_path) as con:
            where = con.execute(_PAGES, [key, key]).fetchall()
        folder = config.archive_dir / key
        pages = _read(folder, where, log)
        totals: LoadCounts = process_pages(pages, paper, since, config.db_path, log=log, force=True)
        with connect(config.db_path) as con:
            con.execute(_RELINK, [key])
            refresh_pending(con)  # the series slices this paper's loads left pending
        report[key] = {
            "pages": len(where),
            "new": totals.new,
            "updated": totals.updated,
            "skipped": totals.skipped,
        }
        log.info(
            "%s: %d pages reprocessed, %d new, %d updated, %d skipped",
            key,
            len(where),
            totals.new,
            totals.updated,
            totals.skipped,
        )
    return report


def _read(folder: Path, where: list[tuple[str, int]], log):
    for name, offset in where:
        path = folder / name
        if not path.exists():
            log.warning("archive %s is missing: %s kept as it was", path, offset)
            continue
        page: ArchivedPage = read_page_at(path, offset)
        yield page
