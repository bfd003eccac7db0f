"""The project's measurements: ``python -m bench`` (see ``bench/__main__.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def exit_on_sigterm() -> None:
    """Make SIGTERM end the bench as an exception does, so that its ``with`` and ``finally``
    blocks and atexit hooks end what it started: runs, servers, temporary folders. By
    default the signal ends the process at once and leaves them running."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def stop(process: subprocess.Popen, grace: float, *, group: bool = False) -> None:
    """SIGTERM, then SIGKILL if ``process`` has not ended within ``grace`` seconds; to its
    whole process group with ``group`` (one started with ``start_new_session``)."""
    if process.poll() is not None:
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    send(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
