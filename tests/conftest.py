"""Shared test fixtures and paths."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLE_SITE = REPO / "tests" / "sample_site"


def pytest_configure(config: pytest.Config) -> None:
    """A test run started in the background by a non-interactive shell (``make test &``)
    inherits SIGINT ignored, and so would every command it starts: the tests of Ctrl-C need
    Python's own handler back (a handler, unlike "ignored", is not inherited past exec)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def processes_with(marker: str) -> dict[int, str]:
    """Live processes (pid → command line) whose command line or environment names
    ``marker`` (a test's own temporary folder): what the test started, directly or not."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (marker in cmdline or marker in environ):
            found[int(entry.name)] = cmdline
    return found


def parent_of(pid: int) -> int | None:
    """The parent's pid of a live process (``None`` once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server and database for the flows under test."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def api_url(prefect_harness) -> str:
    """The harness server's API: a `baotinh` subprocess given it (``PREFECT_API_URL``) starts
    no temporary server of its own (seconds faster)."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


def run_demo(folder: Path) -> subprocess.CompletedProcess:
    """`baotinh demo` as a user runs it (Prefect's own temporary server, no harness), with
    its warehouse, data and Prefect home in ``folder``; it must succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(folder / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    command = [sys.executable, "-m", "baotinh.cli", "demo", "--db", str(folder / "w.duckdb")]
    command += ["--data-dir", str(folder / "data")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, worker_id: str) -> tuple[Path, subprocess.CompletedProcess]:
    """The demo, once for the whole test run: its folder (``w.duckdb``, ``data``) and the
    finished command. Tests only read it; those that change the warehouse work on a copy.

    Under pytest-xdist every worker has its own session: the first worker to ask runs the
    demo under a file lock in the run's shared temporary folder and records the command's
    result there; the others wait for the lock and read it (one demo, not one per worker).
    """
    if worker_id == "master":  # no xdist
        folder = tmp_path_factory.mktemp("demo")
        return folder, run_demo(folder)
    shared = tmp_path_factory.getbasetemp().parent
    folder, record = shared / "demo", shared / "demo.json"
    with FileLock(str(shared / "demo.lock")):
        if record.exists():
            done = json.loads(record.read_text(encoding="utf-8"))
            return folder, subprocess.CompletedProcess(**done)
        shutil.rmtree(folder, ignore_errors=True)  # a worker's demo that failed half way
        folder.mkdir()
        finished = run_demo(folder)
        fields = ("args", "returncode", "stdout", "stderr")
        record.write_text(json.dumps({f: getattr(finished, f) for f in fields}), "utf-8")
        return folder, finished
