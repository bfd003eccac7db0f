"""The supervisor's wait (baotinh.supervise.wait_for_stop) on real child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from baotinh.supervise import wait_for_stop

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process groups as on Linux")

# A child that ignores SIGTERM and starts a grandchild that ignores it too: a run that hangs
# while stopping, with a worker that would outlive it.
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen([sys.executable, "-c",
                  "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                  " time.sleep(120)"])
time.sleep(120)
"""


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_child_that_does_not_stop_is_ended_with_its_group_and_the_status_is_the_signals(
    capfd: pytest.CaptureFixture[str],
) -> None:
    child = subprocess.Popen([sys.executable, "-c", STUBBORN], process_group=0)
    try:
        time.sleep(0.5)
        os.kill(child.pid, signal.SIGTERM)
        started = time.monotonic()
        code = wait_for_stop(child, [(signal.SIGTERM, started)], stop=1.0, grace=1.0)
        assert code == 143
        assert 1.0 <= time.monotonic() - started < 10
        assert not _alive(child.pid)  # the grandchild went with it
        assert "had not stopped 1 s after SIGTERM" in capfd.readouterr().err
    finally:
        if _alive(child.pid):
            os.killpg(child.pid, signal.SIGKILL)


def test_a_child_is_waited_for_as_long_as_it_takes_when_no_signal_was_passed() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5)"])
    assert wait_for_stop(child, [], stop=0.1, grace=0.1) == 0


def test_a_child_that_stops_in_time_keeps_its_own_status() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.exit(3)"],
        process_group=0,
    )
    assert wait_for_stop(child, [(signal.SIGINT, time.monotonic())], stop=20) == 3
