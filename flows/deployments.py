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

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from registry import all_sites

DEFAULT_CONFIG = Path(__file__).with_name("schedules.toml")
CRAWL_LIMIT = "baotinh-crawl"  # the global concurrency limit the crawl task takes a slot of

_SECTIONS = {
    "crawl": {"cron", "sites", "concurrency", "timeout_minutes", "mode"},
    "backfill": {"cron", "sites", "start", "step_days", "concurrency", "timeout_minutes"},
    "health": {"cron", "reprocess", "days"},
}
_TOP = {"timezone", "max_runs", "papers_crawling", "poll_seconds", "groups"} | set(_SECTIONS)


@dataclass(frozen=True)
class Schedules:
    """``schedules.toml``, checked."""

    timezone: str = "Asia/Ho_Chi_Minh"
    max_runs: int = 4
    papers_crawling: int = 4
    poll_seconds: float = 0.5
    groups: dict[str, list[str]] = field(default_factory=dict)
    crawl: dict[str, Any] = field(default_factory=dict)
    backfill: dict[str, Any] = field(default_factory=dict)
    health: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Schedules:
        path = Path(path or DEFAULT_CONFIG)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if unknown := set(data) - _TOP:
            raise ValueError(f"{path}: unknown settings {sorted(unknown)}")
        for name, allowed in _SECTIONS.items():
            if unknown := set(data.get(name, {})) - allowed:
                raise ValueError(f"{path}: unknown settings in [{name}]: {sorted(unknown)}")
        return cls(**data)

    def sites(self, value: str | list[str], registry: str | None = None) -> list[str]:
        """``"all"``, a group's name or a list of keys, as registry keys (checked)."""
        if value == "all":
            return list(all_sites(registry))
        if isinstance(value, str):
            if value not in self.groups:
                raise ValueError(
                    f"no group {value!r} in the schedules (groups: {list(self.groups)})"
                )
            value = self.groups[value]
        known = all_sites(registry)
        if missing := [key for key in value if key not in known]:
            raise ValueError(f"unknown papers in the schedules: {missing}")
        return list(value)


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

    def cron(section: dict[str, Any], default: str) -> list:
        return [Cron(section.get("cron", default), timezone=schedules.timezone)]

    common = {"paused": paused, "entrypoint_type": EntrypointType.MODULE_PATH}
    extra = {"registry": registry} if registry else {}
    crawl, back, health = schedules.crawl, schedules.backfill, schedules.health
    start = back.get("start", date(2015, 1, 1))
    return [
        crawl_papers.to_deployment(
            "crawl",
            schedules=cron(crawl, "0 */6 * * *"),
            parameters={
                "sites": schedules.sites(crawl.get("sites", "all"), registry),
                "mode": crawl.get("mode", "incremental"),
                "concurrency": crawl.get("concurrency", 4),
                "timeout_minutes": crawl.get("timeout_minutes"),
                "label": "scheduled",
                **extra,
            },
            description="Incremental crawl of the papers: what is new since the last run.",
            tags=["baotinh", "crawl"],
            **common,
        ),
        backfill.to_deployment(
            "backfill",
            schedules=cron(back, "0 2 * * 0"),
            parameters={
                "sites": schedules.sites(back.get("sites", "all"), registry),
                "start": start.isoformat() if isinstance(start, date) else start,
                "step_days": back.get("step_days", 180),
                "concurrency": back.get("concurrency", 2),
                "timeout_minutes": back.get("timeout_minutes"),
                **extra,
            },
            description="One step further back in time for every paper, down to `start`.",
            tags=["baotinh", "backfill"],
            **common,
        ),
        site_health.to_deployment(
            "site-health",
            schedules=cron(health, "30 3 * * *"),
            parameters={
                "reprocess": health.get("reprocess", False),
                "days": health.get("days", 30),
                **extra,
            },
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
