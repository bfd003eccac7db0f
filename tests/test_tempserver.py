"""Prefect's temporary server, started by a command itself (:mod:`baotinh.tempserver`): the
flows of the command use it, it is a child of the command and ends with it; with an API URL
set there is none; a server that cannot start is a clear error.

Each case runs in a fresh interpreter with its own ``PREFECT_HOME``: Prefect reads its
settings once per process, and the session's harness has set an API URL in this one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from baotinh.cli import STARTUP_SECONDS
from tests.conftest import processes_with

REPO = Path(__file__).resolve().parents[1]

USES_IT = """
import os
from pathlib import Path
from prefect import flow
from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, get_current_settings
from baotinh.tempserver import temporary_server

@flow(name="where-is-the-api")
def where() -> str:
    return PREFECT_API_URL.value()

def children() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if entry.name.isdigit() and parent == os.getpid():
                found.append((entry / "cmdline").read_bytes().replace(b"\\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return found

with temporary_server() as server:
    print("server", server.api_url)
    print("flow", where())
    print("ui", repr(PREFECT_UI_URL.value()))
    print("uvicorn", sum("uvicorn" in c for c in children()))
    print("heartbeat", get_current_settings().flows.heartbeat_frequency)
"""

CANNOT_START = """
import sys
from baotinh import tempserver

class Broken(tempserver.TemporaryServer):
    def _command(self):
        return [sys.executable, "-c", "raise SystemExit(1)"]

tempserver.TemporaryServer = Broken
try:
    with tempserver.temporary_server():
        pass
except RuntimeError as exc:
    print("error", exc)
"""


def python(script: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    # As the commands allow it (baotinh.cli): a fresh PREFECT_HOME migrates a new database
    # first, which took more than Prefect's 20 s on a busy machine.
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = STARTUP_SECONDS
    env.update(extra)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def lines(done: subprocess.CompletedProcess) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)


def test_the_flows_use_the_commands_own_server_which_ends_with_it(tmp_path: Path) -> None:
    out = lines(python(USES_IT, tmp_path))
    assert out["server"].startswith("http://127.0.0.1:") and out["server"].endswith("/api")
    assert out["flow"] == out["server"]
    assert out["ui"] == "''"  # no "View at" link to a server without a UI that ends with us
    assert out["uvicorn"] == "1"  # the command's child, not a server started by Prefect
    assert out["heartbeat"] == "None"  # nothing outlives the run to watch its heartbeats
    assert processes_with(str(tmp_path)) == {}


def test_heartbeats_the_user_asked_for_are_kept(tmp_path: Path) -> None:
    out = lines(python(USES_IT, tmp_path, PREFECT_FLOWS_HEARTBEAT_FREQUENCY="60"))
    assert out["heartbeat"] == "60"


def test_with_an_api_url_set_there_is_no_server_of_ours(tmp_path: Path) -> None:
    script = "from baotinh.tempserver import temporary_server\n"
    script += "with temporary_server() as server:\n    print('server', server)\n"
    out = lines(python(script, tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api"))
    assert out["server"] == "None"


def test_a_server_that_cannot_start_is_a_clear_error(tmp_path: Path) -> None:
    out = lines(python(CANNOT_START, tmp_path))
    assert out["error"] == "Prefect's temporary server exited with status 1"
    assert processes_with(str(tmp_path)) == {}


def test_a_run_starts_its_page_workers_while_the_server_starts(tmp_path: Path) -> None:
    """The workers import their libraries on the core the server's start leaves idle: they
    are running when the command says it started the server (after spawning them), not
    only once the first archived page reaches the pool."""
    import json

    from samples.server import SAMPLES_DIR, LocalSite

    key = "mau-cantho"
    article = json.loads((SAMPLES_DIR / key / "expected.json").read_text(encoding="utf-8"))
    url = article["articles"][0]["canonical"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOTINH_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=STARTUP_SECONDS,
    )
    storage = ["--db", str(tmp_path / "w.duckdb"), "--data-dir", str(tmp_path / "data")]
    registry = str(REPO / "samples" / "papers.toml")
    workers_at_server_start = None
    with LocalSite(SAMPLES_DIR / key) as site:
        command = [sys.executable, "-m", "baotinh.cli", "run", "--url", url]
        command += ["--registry", registry, "--base-url", site.url, *storage]
        with subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        ) as process:  # fmt: skip
            output = []
            for line in process.stdout:
                output.append(line)
                if workers_at_server_start is None and "Starting temporary server" in line:
                    workers = processes_with(str(tmp_path))
                    workers_at_server_start = sum("spawn_main" in c for c in workers.values())
            code = process.wait(timeout=300)
    assert code == 0, "".join(output)[-3000:]
    assert "articles new               1" in "".join(output)
    assert workers_at_server_start is not None and workers_at_server_start >= 1
    assert processes_with(str(tmp_path)) == {}
