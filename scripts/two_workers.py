"""Two workers of one process work pool on this machine, taking per-paper runs in parallel.

What docs/scaling.md describes for several machines, on one: a ``process`` work pool, two
``prefect worker start`` processes, the ``pipeline`` flow deployed to the pool, one run per
sample paper. Prints which worker ran which paper and when. Needs a running server:

    PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/python scripts/two_workers.py

Everything it starts (sample servers, workers) ends with it; the pool stays (delete it with
``prefect work-pool delete baotinh-demo-pool``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
POOL = "baotinh-demo-pool"
PAPERS = ["mau-cantho", "mau-hagiang", "mau-nghean", "mau-tuyenquang"]


def main() -> int:
    from prefect import flow
    from prefect.client.orchestration import get_client

    from samples.server import open_samples

    prefect = str(Path(sys.executable).with_name("prefect"))
    data = Path(tempfile.mkdtemp(prefix="baotinh-pool-"))
    logs = data / "logs"
    logs.mkdir()
    subprocess.run([prefect, "work-pool", "create", POOL, "--type", "process", "--overwrite"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    pipeline = flow.from_source(source=str(REPO), entrypoint="flows/pipeline.py:pipeline")
    deployment_id = pipeline.deploy(
        name="pipeline-pool", work_pool_name=POOL, build=False, push=False, print_next_steps=False
    )
    workers = [
        subprocess.Popen(
            [prefect, "worker", "start", "--pool", POOL, "--name", f"worker-{n}", "--limit", "2"],
            cwd=REPO, start_new_session=True, stdout=(logs / f"worker-{n}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]  # fmt: skip
    try:
        with open_samples(PAPERS) as sites, get_client(sync_client=True) as client:
            runs = [
                client.create_flow_run_from_deployment(
                    deployment_id,
                    parameters={
                        "site": key, "base_url": site.url, "db": str(data / f"{key}.duckdb"),
                        "data_dir": str(data), "registry": str(REPO / "samples" / "papers.toml"),
                    },
                )  # one warehouse file per run here: see docs/scaling.md, "one writer"
                for key, site in sites.items()
            ]  # fmt: skip
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                states = [client.read_flow_run(r.id) for r in runs]
                if all(s.state and s.state.is_final() for s in states):
                    break
                time.sleep(2)
            took = {
                line.split("flow run ", 1)[1].strip("' \n"): log.stem
                for log in logs.glob("worker-*.log")
                for line in log.read_text().splitlines()
                if "submitting flow run" in line.lower() and "flow run " in line
            }
            for run in states:
                worker = took.get(str(run.id), "?")
                print(
                    f"{run.parameters['site']:<16} {run.state.name:<10} {worker:<9}"
                    f" {run.start_time:%H:%M:%S}-{run.end_time:%H:%M:%S}"
                )
        return 0 if all(s.state.is_completed() for s in states) else 1
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
