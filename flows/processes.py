"""Child processes that do not outlive the process that started them (Linux)."""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """In a child, before exec: receive ``sig`` when the thread that started it ends.

    Meant as a ``preexec_fn``; off Linux it does nothing and the parent's own clean-up is
    the only guard.
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, sig)
    except OSError:
        pass


SUPERVISOR_ENV = "BAOTINH_SUPERVISOR"  # set by baotinh.supervise in the child it runs


def command_pid() -> int:
    """The pid of the command the user started: its supervisor's when it is supervised."""
    value = os.environ.get(SUPERVISOR_ENV, "")
    return int(value) if value.isdigit() else os.getpid()
