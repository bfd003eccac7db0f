"""End to end against a real Prefect server: ``baotinh serve`` registers the deployments with
their schedules, the ``demo`` deployment is triggered through the API and completes, and its
child runs, artifacts and logs are readable through the API.

The test starts ``prefect server start`` on 127.0.0.1 with a temporary ``PREFECT_HOME`` and
``baotinh serve`` in a subprocess, and ends both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PAPERS = {"mau-cantho", "mau-hagiang", "mau-nghean", "mau-tuyenquang"}

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(check, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOTINH_"))} | {
        "PREFECT_HOME": str(tmp / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "XDG_DATA_HOME": str(tmp / "xdg"),  # the demo's warehouse: <xdg>/baotinh/demo
        "BAOTINH_DATA": str(tmp / "live"),
    }
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp,
    )  # fmt: skip
    serving = None
    try:
        import httpx

        def healthy() -> bool:
            try:
                return httpx.get(f"{api}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, 90, "the Prefect server")
        serve_log = (tmp / "serve.log").open("w")
        serving = subprocess.Popen(
            [str(BIN / "baotinh"), "serve"], env=env, stdout=serve_log,
            stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp,
        )  # fmt: skip
        os.environ.update({"PREFECT_API_URL": api})
        yield {"api": api, "tmp": str(tmp), "serve_log": str(tmp / "serve.log")}
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        if serving is not None:
            stop(serving)
        stop(server)


def client():
    from prefect.client.orchestration import SyncPrefectClient

    return SyncPrefectClient(os.environ["PREFECT_API_URL"])


def test_serve_registers_scheduled_deployments_and_the_demo_runs(served) -> None:
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )

    with client() as api:

        def registered():
            found = {d.name: d for d in api.read_deployments()}
            return found if {"crawl", "backfill", "site-health", "demo"} <= set(found) else None

        deployments = wait_for(registered, 60, "the deployments")
        crons = {n: [s.schedule.cron for s in d.schedules] for n, d in deployments.items()}
        assert crons == {
            "crawl": ["0 */6 * * *"], "backfill": ["0 2 * * 0"], "site-health": ["30 3 * * *"],
            "demo": [],
        }  # fmt: skip
        crawl = deployments["crawl"]
        assert (
            crawl.parameters["mode"] == "incremental" and "baonghean" in crawl.parameters["sites"]
        )
        assert {"sites", "since", "mode"} <= set(crawl.parameter_openapi_schema["properties"])
        limit = api.read_global_concurrency_limit_by_name("baotinh-crawl")
        assert limit.limit == 4

        run = api.create_flow_run_from_deployment(deployments["demo"].id)
        created = time.monotonic()
        done = wait_for(
            lambda: (r := api.read_flow_run(run.id)).state.is_final() and r,
            150,
            "the demo run",
            every=1,
        )
        assert done.state.is_completed(), done.state.message
        assert time.monotonic() - created < 120

        (fanout,) = api.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run.id])
            )
        )
        children = api.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[fanout.id])
            )
        )
        assert {c.name.rsplit("-", 4)[0] for c in children} == PAPERS
        assert all(c.state.is_completed() for c in children)

        artifacts = api.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[fanout.id]))
        )
        keys = {a.key for a in artifacts}
        assert {"demo-papers", "demo-figures", "demo-progress"} <= keys
        assert not any(k and k.startswith("live") for k in keys)  # demo keys apart from live

        logs = api.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[c.id for c in children]))
        )
        text = "\n".join(entry.message for entry in logs)
        assert "health ok" in text and "crawl stats:" in text
        assert "Overridden settings" not in text  # the banner is condensed away
    # The runs used the demo's own warehouse, not the live one named by BAOTINH_DATA.
    assert (Path(served["tmp"]) / "xdg" / "baotinh" / "demo" / "baotinh-demo.duckdb").exists()
