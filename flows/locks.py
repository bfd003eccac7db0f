"""One writer per paper: an advisory file lock held for the length of a paper's run.

``fcntl.flock`` locks die with the process that holds them, so a run killed with SIGKILL
never leaves a stale lock behind: the next run simply gets it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.processes import command_pid


class PaperBusy(RuntimeError):
    """Another run of the same paper holds its lock."""


@contextmanager
def paper_lock(state_dir: Path, key: str) -> Iterator[None]:
    """Hold ``<state_dir>/locks/<key>.lock`` or raise :class:`PaperBusy` at once."""
    folder = state_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.lock"
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise PaperBusy(f"{key} is being crawled by {holder}; this run skips it") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {command_pid()}")
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
