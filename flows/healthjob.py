"""``site-health``: the nightly job. Optionally reprocesses the archive, then publishes one
table row per paper over the last ``days`` days, from ``crawl_runs`` and ``articles``."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.reprocess import reprocess as reprocess_flow
from registry.config import Config
from warehouse.schema import connect

_HEALTH = """
WITH runs AS (
    SELECT site_key,
           count(*) AS runs,
           count(*) FILTER (WHERE status = 'failed') AS failed_runs,
           arg_max(health, started_at) AS last_health,
           arg_max(coalesce(error, health_reason), started_at) AS last_problem
    FROM crawl_runs
    WHERE started_at >= now() - to_days(CAST(? AS INTEGER))
    GROUP BY site_key
), success AS (
    SELECT site_key, max(finished_at) AS last_success
    FROM crawl_runs WHERE status = 'completed' GROUP BY site_key
), recent AS (
    SELECT site_key, count(*) AS articles,
           avg(CASE WHEN published_at IS NULL THEN 0 ELSE 1 END) AS share_dated
    FROM articles
    WHERE first_seen_at >= now() - to_days(CAST(? AS INTEGER))
    GROUP BY site_key
)
SELECT s.site_key AS site, s.province,
       coalesce(a.articles, 0) AS articles,
       round(coalesce(a.articles, 0) / ?, 2) AS articles_per_day,
       round(a.share_dated, 3) AS share_dated,
       strftime(ok.last_success, '%Y-%m-%d %H:%M') AS last_success,
       coalesce(r.runs, 0) AS runs, coalesce(r.failed_runs, 0) AS failed_runs,
       r.last_health, r.last_problem
FROM sites s
LEFT JOIN runs r USING (site_key)
LEFT JOIN success ok USING (site_key)
LEFT JOIN recent a USING (site_key)
ORDER BY s.site_key
"""


def health_table(db_path, days: int = 30) -> list[dict[str, object]]:
    """One row per paper of the warehouse over the last ``days`` days."""
    with connect(db_path) as con:
        cursor = con.execute(_HEALTH, [days, days, float(days)])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@flow(name="site-health", flow_run_name="site-health")
def site_health(
    reprocess: bool = False,
    days: int = 30,
    db: str | None = None,
    data_dir: str | None = None,
    registry: str | None = None,
    artifact_prefix: str = "live",
) -> list[dict[str, object]]:
    """Reprocess every paper first when asked, then publish ``<prefix>-site-health``."""
    log = get_run_logger()
    config = Config.load(db, data_dir)
    if reprocess and not config.db_path.exists():
        log.warning("no warehouse at %s yet: nothing to reprocess", config.db_path)
    elif reprocess:
        reprocess_flow(db=str(config.db_path), data_dir=str(config.data_dir), registry=registry)
    rows = health_table(config.db_path, days)
    create_table_artifact(
        key=f"{artifact_prefix}-site-health",
        table=rows,
        description=f"Per paper, the last {days} days: articles a day, share dated, last success",
    )
    silent = [r["site"] for r in rows if not r["articles"]]
    log.info(
        "site health over %d days: %d papers, %d without a new article%s",
        days, len(rows), len(silent), f" ({', '.join(silent[:10])})" if silent else "",
    )  # fmt: skip
    return rows
