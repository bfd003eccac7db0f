"""Start-up of a run, measured: `python -m bench.startup [--runs 3] [--repeat 5] [--no-server]`.

Two parts:

- imports: each deployment's entrypoint module (``flows.pipeline``, ``flows.backfill``,
  ``flows.healthjob``, ``flows.demo``) imported in a fresh interpreter, as the process Prefect
  starts for every flow run (``python -m prefect.engine``) imports it: median wall and CPU
  time over ``--repeat`` imports, the time over Prefect's own engine (the floor), and which
  heavy libraries were loaded (none is needed to start a run);
- a real server: ``prefect server start`` on 127.0.0.1 with a temporary ``PREFECT_HOME``,
  ``baotinh serve`` against it, and the ``demo`` deployment triggered ``--runs`` times through
  the API, one after the other. From the server's own timestamps, seconds from the creation
  of the flow run to ``Pending`` (the runner's poll picked it up), ``Running`` (its process
  has imported Prefect and the flow), its first log line that is not the runner's (the
  engine's "Beginning flow run"), and its end.

Target (issue 8): trigger → running in under 3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import stop

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_SECONDS = 3.0
ENTRYPOINTS = ["flows.pipeline", "flows.backfill", "flows.healthjob", "flows.demo"]
FLOOR = "prefect.flow_engine"  # what the run's process (`python -m prefect.engine`) imports first
# Not needed to start a run: MinHash (datasketch, and the scipy it imports), page cleaning
# (trafilatura, loaded by the page workers), the crawler (Scrapy, in its own subprocess).
HEAVY = {"scipy", "datasketch", "trafilatura", "scrapy", "twisted", "pyarrow"}
RUNNER_LOGGERS = ("prefect.runner", "prefect.flow_runs.runner")  # the server's side, not the run's


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOTINH_"))}
    return clean | (extra or {})


def import_seconds(module: str, repeat: int) -> tuple[float, float, list[str]]:
    """Median wall and CPU time of a fresh ``python -c "import module"``, and the heavy
    libraries the import loaded. CPU time (user + system) moves less on a busy machine."""
    code = f"import sys; import {module}; print(' '.join(sorted(set(sys.modules) & {HEAVY!r})))"
    walls, cpus, loaded = [], [], ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=_env(), capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        loaded = done.stdout.strip()
    return statistics.median(walls), statistics.median(cpus), loaded.split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise TimeoutError(f"timed out waiting for {what}")


def served_runs(runs: int, tmp: Path) -> list[dict[str, float]]:
    """Trigger the ``demo`` deployment ``runs`` times against a real server; the seconds from
    the creation of each flow run to each milestone."""
    import httpx

    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = _env({
        "PREFECT_HOME": str(tmp / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "XDG_DATA_HOME": str(tmp / "xdg"),  # the demo's warehouse: <xdg>/baotinh/demo
        "BAOTINH_DATA": str(tmp / "live"),
    })  # fmt: skip
    processes: list[subprocess.Popen] = []
    try:
        with (tmp / "server.log").open("w") as log:
            processes.append(subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                 str(port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp,
            ))  # fmt: skip

        def healthy() -> bool:
            try:
                return httpx.get(f"{api}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for(healthy, 120, "the Prefect server", every=0.5)
        with (tmp / "serve.log").open("w") as log:
            processes.append(subprocess.Popen(
                [str(BIN / "baotinh"), "serve"], env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp,
            ))  # fmt: skip
        return _trigger(api, runs)
    finally:
        for process in reversed(processes):
            stop(process, grace=20, group=True)


def _trigger(api: str, runs: int) -> list[dict[str, float]]:
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(api) as client:

        def demo_deployment():
            return next((d for d in client.read_deployments() if d.name == "demo"), None)

        deployment = _wait_for(demo_deployment, 90, "the demo deployment", every=0.5)
        time.sleep(5)  # let `serve` finish starting (its first polls are slower)
        return [_one_run(client, deployment.id) for _ in range(runs)]


def _one_run(client, deployment_id) -> dict[str, float]:
    """Trigger one run, wait for its end; seconds from its creation to each milestone."""
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import LogSort

    run_id = client.create_flow_run_from_deployment(deployment_id).id
    done = _wait_for(
        lambda: (r := client.read_flow_run(run_id)).state.is_final() and r,
        300, "the demo run", every=0.5,
    )  # fmt: skip
    time.sleep(2.5)  # the last batch of logs (sent every 2 s)
    states = {s.type.value: s.timestamp for s in client.read_flow_run_states(run_id)}
    logs = client.read_logs(
        LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])), sort=LogSort.TIMESTAMP_ASC
    )
    own = [e.timestamp for e in logs if not e.name.startswith(RUNNER_LOGGERS)]

    def since(moment) -> float:
        return (moment - done.created).total_seconds() if moment else float("nan")

    return {
        "pending": since(states.get("PENDING")),
        "running": since(states.get("RUNNING")),
        "first log": since(own[0] if own else None),
        "completed": since(done.state.timestamp),
        "ok": float(done.state.is_completed()),
        "created_at": done.created.timestamp(),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="demo runs triggered (default 3)")
    parser.add_argument("--repeat", type=int, default=5, help="timed imports of each module")
    parser.add_argument("--no-server", action="store_true", help="imports only")
    args = parser.parse_args(argv)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load} (a busy machine moves every figure)")
    print(f"\nimports in a fresh interpreter, median of {args.repeat} (s)", flush=True)
    print(f"  {'module':<20} {'wall':>5} {'CPU':>5} {'+wall':>6}  heavy libraries loaded")
    floor, cpu, _ = import_seconds(FLOOR, args.repeat)
    print(f"  {FLOOR:<20} {floor:5.2f} {cpu:5.2f} {'':>6}  (Prefect's engine: the floor)")
    for module in ENTRYPOINTS:
        wall, cpu, loaded = import_seconds(module, args.repeat)
        shown = ", ".join(loaded) or "none"
        print(f"  {module:<20} {wall:5.2f} {cpu:5.2f} {wall - floor:+6.2f}  {shown}", flush=True)
    if args.no_server:
        return 0

    with tempfile.TemporaryDirectory(prefix="baotinh-bench-startup-") as tmp:
        results = served_runs(args.runs, Path(tmp))
    print("\n`baotinh serve`, the demo deployment triggered through the API")
    print("  seconds from the flow run's creation to: pending (the runner picked it up),")
    print("  running (its process imported Prefect and the flow), its first log line, the end")
    columns = ["pending", "running", "first log", "completed"]
    print("  run  " + "".join(f"{c:>10}" for c in columns))
    for i, row in enumerate(results, 1):
        print(f"  {i:<5}" + "".join(f"{row[c]:>10.2f}" for c in columns))
    median = {c: statistics.median(row[c] for row in results) for c in columns}
    print("  med. " + "".join(f"{median[c]:>10.2f}" for c in columns))
    failed = sum(1 for row in results if not row["ok"])
    met = "met" if median["running"] < TARGET_SECONDS else "not met"
    start = statistics.median(row["running"] - row["pending"] for row in results)
    print(
        f"\n  trigger -> running {median['running']:.2f} s (median; poll wait "
        f"{median['pending']:.2f} s, process start {start:.2f} s)"
    )
    print(f"  target: trigger -> running under {TARGET_SECONDS:g} s: {met}")
    if failed:
        print(f"  {failed} demo run(s) did not complete")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
