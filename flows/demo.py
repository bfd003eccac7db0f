"""`baotinh demo`: the real pipeline on the bundled offline copy of baonghean.vn.

The saved pages are served on 127.0.0.1 for the length of the run; everything else (the
Scrapy subprocess, the WARC archive, cleaning, extraction, the DuckDB file, Prefect) is the
same as a live run.
"""

from __future__ import annotations

from flows.pipeline import pipeline
from registry.config import Config
from samples.server import SAMPLE_SITES, LocalSite
from warehouse.query import run_query


def run_demo(
    db: str | None = None, data_dir: str | None = None, sql: str | None = None
) -> tuple[dict[str, object], tuple[list[str], list[tuple]]]:
    """Run the pipeline against the local sample; returns its summary and ``sql``'s result."""
    with LocalSite(SAMPLE_SITES / "baonghean") as site:
        summary = pipeline(site="baonghean", base_url=site.url, db=db, data_dir=data_dir)
    result = run_query(Config.load(db=db).db_path, sql) if sql else ([], [])
    return summary, result
