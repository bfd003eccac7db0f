"""The project's measurements: ``python -m bench`` (see ``bench/__main__.py``)."""

from __future__ import annotations

import signal
import sys


def exit_on_sigterm() -> None:
    """Make SIGTERM end the bench as an exception does, so that its ``with`` and ``finally``
    blocks and atexit hooks end what it started: runs, servers, temporary folders. By
    default the signal ends the process at once and leaves them running."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
