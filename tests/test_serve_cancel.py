"""End to end against a real Prefect server: a served ``crawl`` run cancelled as the UI's
Cancel button does really stops its crawl.

``baotinh serve`` (tests/test_serve.py's ``served`` fixture: a real ``prefect server start``
on 127.0.0.1, the warehouse and data folder in ``$BAOTINH_DATA``) serves the deployments. The
``crawl`` deployment is triggered through the API for baonghean, its ``base_urls`` pointing at
the sample copy of the paper served slowly on loopback; once the Scrapy child has fetched a
few articles the run is set to ``Cancelling``. What follows, as observed:

* the runner SIGTERMs the run's process (``python -m prefect.engine``; not its group: Prefect
  starts it in the runner's own group); Prefect raises ``TerminationSignal`` in its main thread,
  the fan-out (``crawl_papers``) sets its stop event, the paper's thread touches its stop file;
* the crawl thread sees the stop file, SIGTERMs the crawl's own process group and waits for
  Scrapy to finish the requests it holds, close its WARC file and save its frontier (up to
  10 s, then SIGKILL: flows.crawl ``_stop``);
* the paper's run processes and loads what the crawl archived, records ``interrupted`` and
  ends; the run's process exits, its page workers with it (the pool is closed at exit); the
  runner then sets the parent ``Cancelled``; the paper's own run ends ``Cancelled`` too.

The next run (``baotinh run`` on the same warehouse and server) completes the paper.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from samples.server import LocalSite
from spiders.warc import OPEN_SUFFIX, salvage_interrupted
from tests.conftest import parent_of
from tests.test_faults import ARTICLES, SAMPLE, article_hits, kill_all, processes_with, rows, slowed
from tests.test_serve import BIN, client, served, wait_for  # noqa: F401  (served: the fixture)

pytestmark = pytest.mark.slow


def by_role(marker: str) -> dict[str, dict[int, str]]:
    """The test's processes by what they are: the served flow runs (``prefect.engine``), their
    crawls (``spiders.crawl``) and page workers (multiprocessing), and the rest.

    A page worker is forked and then executes a new interpreter: until it has, it shows its
    parent's command line. A ``prefect.engine`` process whose parent is one is such a
    worker, not a second run."""
    processes = processes_with(marker)
    found: dict[str, dict[int, str]] = {"run": {}, "crawl": {}, "workers": {}, "other": {}}
    for pid, cmd in processes.items():
        launching = "prefect.engine" in processes.get(parent_of(pid) or -1, "")
        role = (
            "crawl" if "spiders.crawl" in cmd
            else "workers" if "multiprocessing" in cmd or launching
            else "run" if "prefect.engine" in cmd
            else "other"
        )  # fmt: skip
        found[role][pid] = cmd
    return found


class Timeline:
    """When, after the cancellation was asked, each kind of process of the run was last seen,
    the stop file appeared and the parent's state changed."""

    def __init__(self, asked: float, before: set[int], marker: str) -> None:
        self.asked, self.before, self.marker = asked, before, marker
        self.seen: dict[str, float] = {}
        self.gone: dict[str, float] = {}
        self.events: list[tuple[float, str]] = []
        self.left: dict[str, dict[int, str]] = {}

    def now(self) -> float:
        return time.monotonic() - self.asked

    def sample(self, state, stop_file: Path) -> bool:
        """True once nothing the run started is left."""
        now = self.now()
        new = {
            role: {pid: cmd for pid, cmd in found.items() if pid not in self.before}
            for role, found in by_role(self.marker).items()
        }
        self.left = {role: found for role, found in new.items() if found}
        for role in self.left:
            self.seen[role] = now
        for role in set(self.seen) - set(self.left) - set(self.gone):
            self.gone[role] = now
        for event in (f"parent {state.name}", "stop file" if stop_file.exists() else None):
            if event and event not in {e for _, e in self.events}:
                self.events.append((now, event))
        return not self.left

    def __str__(self) -> str:
        gone = ", ".join(f"{r} gone {t:.1f} s" for r, t in sorted(self.gone.items()))
        events = ", ".join(f"{e} {t:.1f} s" for t, e in self.events)
        return f"{events}; {gone}"


def test_cancelling_a_served_crawl_stops_its_crawl_and_the_next_run_completes_it(
    served,  # noqa: F811
) -> None:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId
    from prefect.states import Cancelling

    tmp = Path(served["tmp"])
    data = tmp / "live"  # BAOTINH_DATA of `baotinh serve`; the warehouse is in it
    db, archive = data / "baotinh.duckdb", data / "archive" / "baonghean"
    before: set[int] = set()
    with slowed(LocalSite(SAMPLE), 0.3) as site, client() as api:
        try:
            deployments = wait_for(
                lambda: {d.name: d for d in api.read_deployments()}.get("crawl"), 60, "deployment"
            )
            before = set(processes_with(str(tmp)))
            run = api.create_flow_run_from_deployment(
                deployments.id,
                parameters={
                    "sites": ["baonghean"],
                    "base_urls": {"baonghean": site.url},
                    "concurrency": 1,
                    "label": "cancel-test",
                },
            )
            wait_for(lambda: article_hits(site) >= 4, 60, "four articles fetched", every=0.05)
            running = by_role(str(tmp))
            assert len(running["crawl"]) == 1, running
            assert len(running["run"]) == 1, running
            fetched_before = article_hits(site)

            api.set_flow_run_state(run.id, Cancelling(), force=True)  # the UI's Cancel button
            asked = time.monotonic()
            stop_file = data / "runs" / "baonghean" / "stop-crawl"  # flows.pipeline's

            timeline = Timeline(asked, before, str(tmp))
            while not timeline.sample(api.read_flow_run(run.id).state, stop_file):
                assert timeline.now() < 60, f"still running after 60 s: {timeline.left}"
                time.sleep(0.1)
            parent = wait_for(
                lambda: (r := api.read_flow_run(run.id)).state.is_final() and r,
                30,
                "the parent run to end",
            )
            ended_after = timeline.now()
            children = api.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run.id])
                )
            )
        finally:
            if before:  # a failed test leaves nothing of the run running
                kill_all(set(processes_with(str(tmp))) - before)
        fetched = article_hits(site)
        print(
            f"\ncancel: {timeline}; parent {parent.state.name} after {ended_after:.1f} s;"
            f" children {[(c.name, c.state.name, c.state.message) for c in children]};"
            f" articles fetched {fetched_before} before the cancel, {fetched} in all"
        )
        print("crawl_runs:", rows(db, "SELECT status, error FROM crawl_runs"))
        gone = timeline.gone
        assert {"run", "crawl"} <= set(gone) <= {"run", "crawl", "workers"}, timeline
        assert gone["crawl"] < 15, timeline  # SIGTERM, 10 s to close its archive, then SIGKILL
        assert max(gone.values()) < 30, timeline
        assert fetched < ARTICLES  # the crawl was stopped, not finished
        assert parent.state.is_cancelled(), (parent.state.name, parent.state.message)
        assert ended_after < 40
        (child,) = children
        # The paper's run is not signalled by Prefect: it runs in a thread of the fan-out,
        # which tells it to stop its crawl (the stop file); flows.pipeline records it
        # `interrupted` and ends it Cancelled, not Failed.
        assert child.state.is_cancelled(), (child.name, child.state.name, child.state.message)

        ((status, error),) = rows(db, "SELECT status, error FROM crawl_runs")
        assert status == "interrupted", (status, error)
        assert "interrupted" in error, error
        assert list(archive.glob(f"*{OPEN_SUFFIX}")) == []  # the crawl closed its archive
        assert salvage_interrupted(archive) == []  # nothing a next run must rename
        frontier = data / "state" / "crawl" / "baonghean" / "frontier.json"
        assert '"listings"' in frontier.read_text(encoding="utf-8")  # saved on the way out

        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOTINH_"))}
        env |= {
            "PREFECT_HOME": str(tmp / "prefect"),
            "PREFECT_API_URL": served["api"],
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "BAOTINH_DATA": str(data),
        }
        site.delay = 0.0  # type: ignore[attr-defined]
        rerun_started = time.monotonic()
        rerun = subprocess.run(
            [str(BIN / "baotinh"), "run", "--site", "baonghean", "--base-url", site.url],
            env=env, capture_output=True, text=True, timeout=120, cwd=tmp,
        )  # fmt: skip
    print(f"rerun: {time.monotonic() - rerun_started:.1f} s")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    statuses = [r[0] for r in rows(db, "SELECT status FROM crawl_runs ORDER BY started_at")]
    assert statuses == ["interrupted", "completed"]
    ((articles,),) = rows(db, "SELECT count(DISTINCT url) FROM articles")
    assert articles == ARTICLES
    assert list(archive.glob(f"*{OPEN_SUFFIX}")) == []
    assert not set(processes_with(str(tmp))) - before
