"""The deployments ``baotinh serve`` registers and serves, built from ``schedules.toml``.

* ``crawl``: the incremental crawl of the configured papers (``crawl-papers``), on a cron
  schedule (every 6 hours by default);
* ``backfill``: one more step back in time for every paper, weekly, down to a start date;
* ``site-health``: nightly, optionally reprocessing the archive, then the per-paper table;
* ``demo``: the sample papers served on loopback, no internet, no schedule.

Every deployment takes its parameters from the UI or the API (sites, since, mode...). The
runs are executed by the ``baotinh serve`` process itself (Prefect's ``serve``), one
subprocess each, so they see its environment: ``BAOTINH_DB``, ``BAOTINH_DATA``.
"""

from __future__ import annotations

from flows.schedules import DEFAULT_CONFIG, Schedules

__all__ = ["CRAWL_LIMIT", "DEFAULT_CONFIG", "Schedules", "build", "serve_all"]

CRAWL_LIMIT = "baotinh-crawl"  # the global concurrency limit the crawl task takes a slot of


def build(
    schedules: Schedules,
    *,
    registry: str | None = None,
    paused: bool = False,
) -> list:
    """The four deployments, ready for ``prefect.serve``."""
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    from flows.backfill import backfill
    from flows.demo import demo
    from flows.healthjob import site_health
    from flows.pipeline import crawl_papers

    def cron(expression: str) -> list:
        return [Cron(expression, timezone=schedules.timezone)]

    common = {"paused": paused, "entrypoint_type": EntrypointType.MODULE_PATH}
    extra = {"registry": registry} if registry else {}
    crawl, back, health = schedules.crawl, schedules.backfill, schedules.health
    return [
        crawl_papers.to_deployment(
            "crawl",
            schedules=cron(crawl.cron),
            parameters={
                "sites": schedules.sites("crawl", registry),
                "mode": crawl.mode,
                "concurrency": crawl.concurrency,
                "timeout_minutes": crawl.timeout_minutes,
                "label": "scheduled",
                **extra,
            },
            description="Incremental crawl of the papers: what is new since the last run.",
            tags=["baotinh", "crawl"],
            **common,
        ),
        backfill.to_deployment(
            "backfill",
            schedules=cron(back.cron),
            parameters={
                "sites": schedules.sites("backfill", registry),
                "start": back.start.isoformat(),
                "step_days": back.step_days,
                "concurrency": back.concurrency,
                "timeout_minutes": back.timeout_minutes,
                **extra,
            },
            description="One step further back in time for every paper, down to `start`.",
            tags=["baotinh", "backfill"],
            **common,
        ),
        site_health.to_deployment(
            "site-health",
            schedules=cron(health.cron),
            parameters={"reprocess": health.reprocess, "days": health.days, **extra},
            description="Nightly: reprocess (optional), then the per-paper health table.",
            tags=["baotinh", "health"],
            **common,
        ),
        demo.to_deployment(
            "demo",
            description="The fan-out on the bundled sample papers, offline (no schedule).",
            tags=["baotinh", "demo"],
            **common,
        ),
    ]


def ensure_crawl_limit(papers_crawling: int) -> None:
    """Create (or resize) the global concurrency limit the crawl task takes a slot of."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import (
        GlobalConcurrencyLimitCreate,
        GlobalConcurrencyLimitUpdate,
    )
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(CRAWL_LIMIT)
        except ObjectNotFound:
            client.create_global_concurrency_limit(
                GlobalConcurrencyLimitCreate(name=CRAWL_LIMIT, limit=papers_crawling)
            )
        else:
            client.update_global_concurrency_limit(
                CRAWL_LIMIT, GlobalConcurrencyLimitUpdate(limit=papers_crawling, active=True)
            )


def serve_all(schedules: Schedules, *, registry: str | None = None, paused: bool = False) -> None:
    """Register the deployments and run their flow runs here until interrupted.

    The runner asks the server for runs to start every ``poll_seconds`` (Prefect's default
    is 10 s): a run triggered from the UI or the API waits for the next poll, then for its
    process to start and import the flow (about 1.3 s, most of it Prefect itself)."""
    from prefect import serve

    deployments = build(schedules, registry=registry, paused=paused)
    ensure_crawl_limit(schedules.papers_crawling)
    serve(*deployments, limit=schedules.max_runs, query_seconds=schedules.poll_seconds)
