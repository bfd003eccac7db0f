"""Commands that run flows do their work in a supervised child, so nothing outlives them.

Without ``PREFECT_API_URL``, a command runs its flows against a temporary Prefect server
(:mod:`baotinh.tempserver`): a plain child process, stopped at exit. A command killed with
SIGKILL never reaches its exit, and the server (with anything else it started) would stay.
So the process the user started only supervises; the work runs in a child process, in a
process group of its own, which

- gets SIGTERM if the supervisor dies (``PR_SET_PDEATHSIG``): it ends as an interrupted run
  and stops its server on the way out;
- is followed, however it ends, by SIGTERM and then SIGKILL to whatever is left of its
  process group (a server or worker a crashed child could not stop).

Ctrl-C, SIGTERM and SIGHUP sent to the supervisor are passed on to the child. The child
knows it is supervised from ``$BAOTINH_SUPERVISOR`` (the supervisor's pid), which is also
the pid other runs name when this one holds a paper's lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress

from flows.processes import SUPERVISOR_ENV, die_with_parent

GRACE_SECONDS = 10.0  # for what is left of the child's group to end after SIGTERM
STOP_SECONDS = 45.0  # for the child to stop on its own once a signal was passed on


def available() -> bool:
    """Supervision needs Linux's parent-death signal; elsewhere commands run in-process."""
    return sys.platform == "linux"


def supervisor_pid() -> int | None:
    """In a supervised child, the pid of the command the user started."""
    value = os.environ.get(SUPERVISOR_ENV, "")
    return int(value) if value.isdigit() else None


def run_supervised(argv: list[str]) -> int:
    """Run ``baotinh argv`` in a supervised child and return its exit status."""
    child = subprocess.Popen(
        [sys.executable, "-m", "baotinh.cli", *argv],
        env={**os.environ, SUPERVISOR_ENV: str(os.getpid())},
        process_group=0,
        preexec_fn=die_with_parent,
    )

    passed: list[tuple[int, float]] = []  # (signal, when) of each signal passed on

    def pass_on(signum: int, frame: object) -> None:
        passed.append((signum, time.monotonic()))
        with suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    code = wait_for_stop(child, passed)
    end_process_group(child.pid)
    return code if code >= 0 else 128 - code


def wait_for_stop(
    child: subprocess.Popen,
    passed: list[tuple[int, float]],
    stop: float = STOP_SECONDS,
    grace: float = GRACE_SECONDS,
) -> int:
    """The exit status of ``child``, the leader of its process group. If it has not ended
    ``stop`` s after the first signal of ``passed`` (``(signal, time.monotonic())`` pairs,
    appended to as signals arrive), its group is ended (:func:`end_process_group`) and the
    status is the one that signal asked for (128 + its number): a run that hangs while
    stopping does not keep the command, its server and its workers alive."""
    while True:
        try:
            return child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if passed and time.monotonic() - passed[0][1] > stop:
                break
    first = passed[0][0]
    print(
        f"baotinh: the run had not stopped {stop:.0f} s after {signal.Signals(first).name};"
        " ending its processes",
        file=sys.stderr,
    )
    end_process_group(child.pid, grace)
    child.wait()
    return 128 + first


def end_process_group(pgid: int, grace: float = GRACE_SECONDS) -> None:
    """SIGTERM whatever is left in process group ``pgid``, SIGKILL it after ``grace`` s."""
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(pgid, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the work stops where it is and says so."""


def terminate_on_sigterm() -> None:
    """From now on SIGTERM raises :class:`Terminated` in the main thread (exit 143)."""
    signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def become_supervised_child() -> None:
    """In the child: end at once if the supervisor is already gone (it died before the
    parent-death signal was armed), and raise :class:`Terminated` on SIGTERM. Inside a flow
    Prefect's own handler takes SIGTERM first (the run is recorded as crashed or cancelled)
    and then hands it to this one."""
    if os.getppid() != supervisor_pid():
        print(
            f"baotinh: stopped: ${SUPERVISOR_ENV} names pid {supervisor_pid()}, which is not"
            " this process's parent (it has ended, or the variable was set by hand)",
            file=sys.stderr,
        )
        raise SystemExit(143)
    terminate_on_sigterm()
