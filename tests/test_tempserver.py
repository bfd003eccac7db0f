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
from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL
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
    assert processes_with(str(tmp_path)) == {}


def test_with_an_api_url_set_there_is_no_server_of_ours(tmp_path: Path) -> None:
    script = "from baotinh.tempserver import temporary_server\n"
    script += "with temporary_server() as server:\n    print('server', server)\n"
    out = lines(python(script, tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api"))
    assert out["server"] == "None"


def test_a_server_that_cannot_start_is_a_clear_error(tmp_path: Path) -> None:
    out = lines(python(CANNOT_START, tmp_path))
    assert out["error"] == "Prefect's temporary server exited with status 1"
    assert processes_with(str(tmp_path)) == {}
