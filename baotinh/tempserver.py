"""Prefect's temporary server, started by a command as soon as it knows it needs one.

With no ``PREFECT_API_URL``, a flow run starts Prefect's temporary server at its first API
call: it imports Prefect's server modules into the run's process (about 2.4 s of CPU, only
to start a subprocess that imports them again), waits for the server (about 5 s), and at
exit stops it. Measured on a 200-article replay: 10.8 s from the command to the flow's
start and 3.2 s after its end, against 5.4 s and nothing with a server already running.

A command that runs flows (in its supervised child, see :mod:`baotinh.supervise`) starts
the same server itself: the uvicorn command and environment of Prefect's own
``SubprocessASGIServer``, right after reading Prefect's settings, then imports its flows
while the server starts, waits for its health check, and points Prefect's settings at it
for the rest of the command (with flow-run heartbeats off, unless the user set their
frequency: nothing outlives the run to watch them); the server is stopped at the command's
exit, as Prefect stops its own (the supervisor ends the process group if the command
cannot). Nothing changes when an API URL is set (``baotinh serve``, a profile, the tests'
harness) or the temporary server is disabled. On the same replay: 7.3 s to the flow's start
and 2.3 s after its end. While the server starts, the command may do its own preparations
(``meanwhile``: a run starts its page workers).
"""

from __future__ import annotations

import atexit
import importlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

READY_POLL = 0.05  # seconds between health checks while the server starts
STOP_SECONDS = 5.0  # for the server to end after SIGTERM, as Prefect allows it
PORT_IN_USE = 3  # uvicorn's exit status when its port was taken meanwhile
HEARTBEAT_SETTING = "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"  # kept when the user set it
PRELOAD = "flows.pipeline"  # imported while the server starts: Prefect's engine and the flows


@contextmanager
def temporary_server(
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[TemporaryServer | None]:
    """Within: Prefect's settings point at a temporary server of this command (given), or at
    whatever server they named already (None is given). ``meanwhile`` is called while a
    temporary server starts (the command's own preparations, on the core the server leaves
    idle)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_UI_URL,
        get_current_settings,
        temporary_settings,
    )

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield None
        return
    server = TemporaryServer(settings.to_environment_variables(exclude_unset=True))
    # Stopped at exit, after Prefect's own exit handlers (registered later, so run earlier)
    # have sent the run's last logs and events to it.
    atexit.register(server.stop)
    try:
        server.start()
        importlib.import_module(PRELOAD)  # also sets up Prefect's logging
        if meanwhile is not None:
            meanwhile()
        from prefect.logging import get_logger

        get_logger("baotinh").info(
            "Starting temporary server on %s (set PREFECT_API_URL to use a running server)",
            server.api_url.removesuffix("/api"),
        )
        server.wait_ready(float(settings.server.ephemeral.startup_timeout_seconds))
    except BaseException:
        server.stop()
        raise
    # no UI URL: the server has no UI and ends with the command (no "View at" link to it)
    updates = {PREFECT_API_URL: server.api_url, PREFECT_UI_URL: ""}
    if HEARTBEAT_SETTING not in server.settings_env:
        # A flow run's heartbeats tell a server that outlives it that it is alive; this
        # server ends with the run. Each run waited up to 1 s for the heartbeat thread's
        # sleep to end before finishing (Prefect's default is one every 180 s).
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    with temporary_settings(updates=updates):
        yield server


class TemporaryServer:
    """One Prefect API server on a free loopback port, in a child process."""

    def __init__(self, settings_env: dict[str, str]) -> None:
        self.settings_env = settings_env
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(self._command(), env=self._env())

    def wait_ready(self, timeout: float) -> None:
        """Return once the server answers its health check; raise if it cannot start."""
        import httpx

        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() == PORT_IN_USE:
                    self.start()  # the port was taken between choosing and binding it
                    continue
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"Prefect's temporary server exited with status {self.process.returncode}"
                    )
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(READY_POLL)
        raise RuntimeError(
            f"Prefect's temporary server did not answer within {timeout:g} s"
            " (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
        )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after :data:`STOP_SECONDS`; the process is reaped."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _command(self) -> list[str]:
        import prefect

        return [
            sys.executable, "-m", "uvicorn",
            "--app-dir", str(prefect.__module_path__.parent),
            "--factory", "prefect.server.api.server:create_app",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--log-level", "error", "--lifespan", "on",
        ]  # fmt: skip

    def _env(self) -> dict[str, str]:
        # what Prefect's SubprocessASGIServer gives its server: no UI, an ephemeral server
        ephemeral = {
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        return {**os.environ, **ephemeral, **self.settings_env}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
