"""Page workers start without importing the parent's main module.

``spawn`` makes each child import the parent's ``__main__`` again, as ``__mp_main__``; under
``baotinh serve`` that is ``prefect.engine``, all of Prefect in every worker. The parent
here is a real Python process whose main module imports a marker module, started both ways
``spawn`` knows (``python -m module``: by name; ``python file.py``: by path), and the
worker reports whether the marker (or the main module's own code) reached it.

``"__mp_main__" in sys.modules`` proves nothing: ``multiprocessing`` always aliases it to
``__main__``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MARKER = """\
# Stands for something heavy the parent's main module imports (prefect.engine).
"""

PROBE = """\
import os
import sys

from flows.pagework import clean_and_extract


def work(page, paper, since):
    main = sys.modules["__main__"]
    seen = {
        "pid": os.getpid(),
        "marker": "heavy_marker" in sys.modules,
        "main_ran": getattr(main, "MAIN_RAN", False),
    }
    return clean_and_extract(page, paper, since), seen
"""

MAIN = """\
import json
import os
from datetime import UTC, datetime

import heavy_marker  # noqa: F401
import probe_work

MAIN_RAN = True  # top-level code: runs again in any process that imports this module

if __name__ == "__main__":
    from flows.pagework import clean_and_extract
    from flows.workers import Budget, PagePool
    from registry import get_site
    from samples.server import SAMPLE_SITES
    from spiders.warc import ArchivedPage

    paper = get_site("baonghean")
    names = ["thu-ngan-sach-nghe-an-nam-2024-lap-ky-luc-moi-10289125.html", "index.html"]
    pages = [
        ArchivedPage(
            warc_file="t.warc.gz", offset=i, url=f"https://baonghean.vn/{name}",
            fetched_at=datetime(2024, 1, 1, tzinfo=UTC), status=200, kind="article",
            site="baonghean", content_type="text/html; charset=utf-8",
            body=(SAMPLE_SITES / "baonghean" / name).read_bytes(),
        )
        for i, name in enumerate(names)
    ]
    with PagePool(workers=2, budget=Budget(seconds=60.0)) as pool:
        out = list(pool.map(probe_work.work, pages, paper, None))
    here = [clean_and_extract(p, paper, None) for p in pages]
    print(json.dumps({
        "parent": os.getpid(),
        "seen": [seen for _, seen in out],
        "same": [result == local for (result, _), local in zip(out, here)],
        "figures": [len(result.figures) for result, _ in out],
        "articles": [result.article is not None for result, _ in out],
    }))
"""


@pytest.mark.parametrize("how", ["module", "path"])
def test_workers_do_not_import_the_main_module(tmp_path: Path, how: str) -> None:
    (tmp_path / "heavy_marker.py").write_text(MARKER)
    (tmp_path / "probe_work.py").write_text(PROBE)
    (tmp_path / "start_pool.py").write_text(MAIN)
    main = ["-m", "start_pool"] if how == "module" else [str(tmp_path / "start_pool.py")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    done = subprocess.run(
        [sys.executable, *main], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(seen["pid"] != report["parent"] for seen in report["seen"])  # a real worker
    assert [seen["marker"] for seen in report["seen"]] == [False, False]
    assert [seen["main_ran"] for seen in report["seen"]] == [False, False]
    # ... and the work is the same as in the parent's own process.
    assert report["same"] == [True, True]
    assert report["articles"][0] and report["figures"][0] > 0


INTERRUPTED_START = """\
import threading
import time

from flows.workers import PagePool

start = threading.Thread.start


def start_then_interrupt(self):
    # A signal handler raising (the SIGTERM of a supervised run) just after a thread of the
    # pool started, in the only thread Python runs signal handlers in.
    start(self)
    if threading.current_thread() is threading.main_thread():
        raise KeyboardInterrupt


threading.Thread.start = start_then_interrupt
pool = PagePool(2)  # held to the end, as a run holds its shared pool
try:
    list(pool.map(len, ["abc", "de"]))
except KeyboardInterrupt:
    print("interrupted", flush=True)
    # the run goes on recording its end while the pool finishes what it had and goes idle:
    # an idle manager thread nobody wakes at exit is what hung
    time.sleep(5)
"""


def test_an_interrupt_while_the_pool_starts_does_not_hang_the_exit(tmp_path: Path) -> None:
    """ProcessPoolExecutor registers its manager thread for exit only after starting it: an
    interrupt in between left a run's process waiting for that thread forever."""
    script = tmp_path / "interrupted_start.py"
    script.write_text(INTERRUPTED_START, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        pytest.fail("the process hung at exit after an interrupt while its pool started")
    assert process.returncode == 0 and "interrupted" in out
