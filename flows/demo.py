"""``baotinh demo``: the real fan-out on the bundled sample papers, with no internet.

Each sample paper (``samples/papers.toml``, pages in ``samples/sites/``) is served on its own
loopback address for the length of the run; everything else (the Scrapy subprocesses, the
WARC archive, cleaning, extraction, DuckDB, Prefect) is what a live run uses. The demo's
warehouse and archive are its own (``Config.demo``), so sample rows never meet live ones.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.pipeline import crawl_papers
from registry import all_sites
from registry.config import Config
from samples.server import serve_samples

SAMPLE_REGISTRY = Path(__file__).resolve().parents[1] / "samples" / "papers.toml"


def sample_paper_keys() -> list[str]:
    """The keys of the sample papers, in registry order."""
    builtin = set(all_sites())
    return [key for key in all_sites(SAMPLE_REGISTRY) if key not in builtin]


@flow(name="demo", flow_run_name="demo")
def demo(db: str | None = None, data_dir: str | None = None, concurrency: int = 4) -> list[dict]:
    """Serve the sample papers on loopback and run the fan-out over them."""
    config = Config.demo(db, data_dir)
    keys = sample_paper_keys()
    with serve_samples(keys) as bases:
        return crawl_papers(
            sites=keys,
            db=str(config.db_path),
            data_dir=str(config.data_dir),
            registry=str(SAMPLE_REGISTRY),
            base_urls=bases,
            concurrency=concurrency,
            label="demo",
            artifact_prefix="demo",
        )
