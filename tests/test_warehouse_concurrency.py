"""Real processes against one warehouse file: readers during a load, two loads at once.

The chosen design (docs/decisions.md, issue 10): the loader holds the file one batch at a
time and every connection waits for another process's lock with backoff, so a reader
answers between two batches and two loaders take turns.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.schema import KeptOpen, connect, scalar

LOADER = r"""
import contextlib, sys, time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from transforms.models import Article, Figure, Period
from warehouse.load import FetchedPage, PageResult, load_results
from warehouse.schema import KeptOpen, connect

db, first, last, per_batch, hold = Path(sys.argv[1]), *map(int, sys.argv[2:5]), float(sys.argv[5])
# As a run's process_pages does; never let go for idleness here, so only a waiting reader
# gets the file released.
kept = KeptOpen(db, idle=600) if sys.argv[6] == "kept" else None
period = Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31), "sentence")
t0 = datetime(2024, 5, 1, tzinfo=UTC)
for lo in range(first, last, per_batch):
    results = []
    for i in range(lo, min(last, lo + per_batch)):
        url = f"https://baonghean.vn/bai-{i}.html"
        article = Article(url, f"Bài {i}", t0, "meta", None, None, f"Nội dung bài số {i}.")
        page = FetchedPage("c.warc.gz", i, url, t0 + timedelta(seconds=i), 200, f"s{i}")
        figures = [Figure(f"{k} hộ", k, k + 4, k + 1, "hộ", "hộ", "count", period=period)
                   for k in range(3)]
        results.append(PageResult(page, article, (), figures))
    # the file is held for this batch only (unless kept open)
    with kept.batch() if kept else contextlib.nullcontext(), connect(db) as con:
        load_results(con, "baonghean", results, "1")
        time.sleep(hold)
if kept:
    kept.close()
"""

MODES = pytest.mark.parametrize("mode", ["batch", "kept"])  # KeptOpen: as process_pages


def _loader(
    db: Path, first: int, last: int, per_batch: int = 20, hold: float = 0.3, mode: str = "batch"
):
    command = [sys.executable, "-c", LOADER, str(db), str(first), str(last), str(per_batch)]
    return subprocess.Popen([*command, str(hold), mode], stderr=subprocess.PIPE, text=True)


@MODES
def test_a_query_during_a_load_answers_within_seconds(tmp_path: Path, mode: str) -> None:
    db = tmp_path / "w.duckdb"
    with connect(db):
        pass  # created and migrated before the load starts
    loader = _loader(db, 0, 400, per_batch=20, hold=0.4, mode=mode)  # ~20 batches of ~0.5 s
    answers = []
    try:
        time.sleep(1.0)
        while loader.poll() is None and len(answers) < 5:
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "baotinh.cli", "query", "--db", str(db),
                 "--format", "csv", "SELECT count(*) AS n FROM indicator_series"],
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            answers.append((time.monotonic() - started, done.returncode, done.stderr))
    finally:
        _, err = loader.communicate(timeout=300)
    assert loader.returncode == 0, err[-2000:]
    assert answers, "the load ended before any query ran"
    print("query latencies during the load:", [round(a[0], 2) for a in answers])
    for seconds, code, stderr in answers:
        assert code == 0, stderr
        assert seconds < 5, f"a query waited {seconds:.1f} s"


@MODES
def test_two_loads_started_together_both_finish_with_nothing_lost_or_doubled(
    tmp_path: Path, mode: str
) -> None:
    db = tmp_path / "w.duckdb"  # not created yet: both race to create and migrate it
    a = _loader(db, 0, 300, per_batch=25, hold=0.05, mode=mode)
    b = _loader(db, 150, 450, per_batch=25, hold=0.05, mode=mode)  # overlaps a on 150-299
    _, err_a = a.communicate(timeout=600)
    _, err_b = b.communicate(timeout=600)
    assert a.returncode == 0, err_a[-2000:]
    assert b.returncode == 0, err_b[-2000:]
    with connect(db, read_only=True) as con:
        assert scalar(con, "SELECT count(*) FROM articles") == 450
        assert scalar(con, "SELECT count(DISTINCT url) FROM articles") == 450
        assert scalar(con, "SELECT count(*) FROM figures") == 450 * 3
        assert (
            scalar(con, "SELECT count(*) FROM (SELECT DISTINCT article_id, seq FROM figures)")
            == 1350
        )
        assert scalar(con, "SELECT count(*) FROM pages") == 450


def _checkpointed(db: Path) -> bool:
    """Whether everything written is in the file itself (its write-ahead log is empty)."""
    wal = Path(f"{db}.wal")
    return not wal.exists() or wal.stat().st_size == 0


def test_a_batch_longer_than_the_idle_time_keeps_the_file_open(tmp_path: Path) -> None:
    """Letting the file go checkpoints it; a batch that outlasts the idle time is not a pause
    (the time without a batch counts from a batch's end), and a real pause still lets go."""
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        con.execute("CHECKPOINT")
    with KeptOpen(db, idle=0.2) as kept:
        with kept.batch(), connect(db) as con:
            con.execute("CREATE TABLE written AS SELECT range AS x FROM range(1000)")
            time.sleep(1.0)  # five times the idle time, inside the batch
        assert not _checkpointed(db)  # still held: the batch's close wrote nothing
        deadline = time.monotonic() + 10
        while not _checkpointed(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _checkpointed(db)  # let go after the pause, and checkpointed then
    with connect(db, read_only=True) as con:
        assert scalar(con, "SELECT count(*) FROM written") == 1000
