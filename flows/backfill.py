"""``backfill``: walk each paper further back in time, one step per run, down to ``start``.

How far a paper has been walked is read from the warehouse: the earliest ``since`` of its
completed runs. Each run asks for ``step_days`` more (never before ``start``); a paper
already at ``start`` is left out. The crawl itself is the ordinary fan-out with a ``since``
per paper, so a backfill is as safe to repeat as any run.
"""

from __future__ import annotations

from datetime import date, timedelta

from prefect import flow, get_run_logger

from flows.pipeline import crawl_papers
from registry import all_sites
from registry.config import Config
from warehouse.schema import connect

_REACHED = """
SELECT site_key, min(since) FROM crawl_runs
WHERE status = 'completed' AND since IS NOT NULL
GROUP BY site_key
"""


def next_steps(
    keys: list[str], start: date, step_days: int, reached: dict[str, date], today: date
) -> dict[str, date]:
    """The ``since`` of each paper's next step; papers already back to ``start`` are left out."""
    steps = {}
    for key in keys:
        edge = reached.get(key, today)
        if edge <= start:
            continue
        steps[key] = max(start, edge - timedelta(days=step_days))
    return steps


def reached_dates(db_path) -> dict[str, date]:
    if not db_path.exists():
        return {}
    with connect(db_path) as con:
        return dict(con.execute(_REACHED).fetchall())


@flow(name="backfill", flow_run_name="backfill")
def backfill(
    sites: list[str],
    start: date = date(2015, 1, 1),
    step_days: int = 180,
    concurrency: int = 2,
    timeout_minutes: float | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    registry: str | None = None,
    base_urls: dict[str, str] | None = None,
    artifact_prefix: str = "live",
) -> list[dict[str, object]]:
    """One step back for every paper of ``sites`` (``"all"``: every registered paper)."""
    log = get_run_logger()
    config = Config.load(db, data_dir)
    keys = [k for key in sites for k in (all_sites(registry) if key == "all" else [key])]
    steps = next_steps(keys, start, step_days, reached_dates(config.db_path), date.today())
    done = [key for key in keys if key not in steps]
    if done:
        log.info(
            "backfill complete down to %s for %d papers: %s", start, len(done), ", ".join(done)
        )
    if not steps:
        return []
    log.info("backfill step: %s", ", ".join(f"{k} since {d}" for k, d in steps.items()))
    return crawl_papers(
        sites=list(steps), since_by_site=steps, concurrency=concurrency, db=db,
        data_dir=data_dir, registry=registry, base_urls=base_urls,
        timeout_minutes=timeout_minutes, label="backfill",
        artifact_prefix=f"{artifact_prefix}-backfill",
    )  # fmt: skip
