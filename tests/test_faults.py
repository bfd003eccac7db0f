"""Fault injection: kills, overlapping runs, a reader during a load, full disks, robots.txt.

Everything is real: the sample paper is served over HTTP on 127.0.0.1 (slowed down where a
test needs time to strike), `baotinh run` and `baotinh query` are subprocesses, the crawl is
Scrapy's own subprocess, the warehouse a DuckDB file. A "full disk" is a file size limit
(``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored, so a write past it fails with ``EFBIG``) set by a
``sitecustomize`` module on ``PYTHONPATH`` in exactly one kind of process: the crawl
(``spiders.crawl``) or the flow (``baotinh.cli``). Each case asserts what was stored, what was
logged and the run's final state; after kills and reruns the tables equal one clean run's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flows.crawl import CrawlFailed
from flows.pipeline import pipeline
from flows.streaming import follow_pages
from samples.server import SAMPLE_SITES, Canned, LocalSite
from spiders.warc import OPEN_SUFFIX, salvage_interrupted
from tests.conftest import parent_of, processes_with
from tests.test_pipeline import snapshot
from warehouse.schema import connect

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SAMPLE = SAMPLE_SITES / "baonghean"
ARTICLES = 24  # in the sample
# Loaded by a sitecustomize on PYTHONPATH: a file size limit in the processes named by
# $FAULT_FSIZE_IN (a module in their command line), others lift it again.
SITECUSTOMIZE = """
import os, resource, signal, sys
_role = os.environ.get("FAULT_FSIZE_IN")
if _role:
    _soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    if _role in sys.orig_argv:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(os.environ["FAULT_FSIZE"]), _hard))
    else:
        resource.setrlimit(resource.RLIMIT_FSIZE, (_hard, _hard))
"""


# --- helpers ----------------------------------------------------------------------------------


def rows(db: Path, sql: str) -> list[tuple]:
    with connect(db) as con:
        return con.execute(sql).fetchall()


def slowed(site: LocalSite, seconds: float, suffix: str = ".html") -> LocalSite:
    """Articles answer after ``site.delay`` seconds: a crawl lasts long enough to be struck."""
    answer = site.respond
    site.delay = seconds  # type: ignore[attr-defined]

    def respond(target: str, headers: dict[str, str] | None = None) -> Canned:
        if target.split("?", 1)[0].endswith(suffix):
            time.sleep(site.delay)  # type: ignore[attr-defined]
        return answer(target, headers)

    site.respond = respond  # type: ignore[method-assign]
    return site


def article_hits(site: LocalSite) -> int:
    return sum(1 for path in site.paths_hit() if path.endswith(".html"))


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def kill_all(pids: Iterator[int] | list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class Workspace:
    """A test's warehouse, data folder, Prefect home and TMPDIR, and the commands on them."""

    def __init__(self, root: Path, api_url: str | None) -> None:
        self.root = root
        self.db = root / "w.duckdb"
        self.data = root / "data"
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True)
        self.archive = self.data / "archive" / "baonghean"
        self.state = self.data / "state" / "crawl" / "baonghean"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOTINH_"))}
        env.update(
            PREFECT_HOME=str(root / "prefect"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            TMPDIR=str(self.tmp),
            PYTHONPATH=str(REPO),
        )
        if api_url:  # the harness's server: no temporary server per run (faster)
            env["PREFECT_API_URL"] = api_url
        self.env = env

    def limit_file_size(self, role: str, size: int) -> None:
        """A full disk, for the processes running module ``role``."""
        hook = self.root / "hook"
        hook.mkdir(exist_ok=True)
        (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.env.update(
            PYTHONPATH=f"{hook}{os.pathsep}{REPO}", FAULT_FSIZE_IN=role, FAULT_FSIZE=str(size)
        )

    def lift_limits(self) -> None:
        self.env.pop("FAULT_FSIZE_IN", None)
        self.env["PYTHONPATH"] = str(REPO)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "baotinh.cli", *args]

    def run_args(self, site: LocalSite) -> list[str]:
        return self.command(
            "run", "--base-url", site.url, "--db", str(self.db), "--data-dir", str(self.data)
        )

    def start(self, site: LocalSite, log: str) -> subprocess.Popen:
        with (self.root / log).open("w") as out:
            return subprocess.Popen(
                self.run_args(site), env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def run(self, site: LocalSite, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.run_args(site), env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def log(self, name: str) -> str:
        return (self.root / name).read_text(encoding="utf-8", errors="replace")

    def run_folders(self) -> list[Path]:
        """The per-run scratch folders of flows.pipeline (``<data>/runs/<run_id>``)."""
        runs = self.data / "runs"
        return list(runs.iterdir()) if runs.exists() else []

    def statuses(self) -> list[str]:
        return [r[0] for r in rows(self.db, "SELECT status FROM crawl_runs ORDER BY started_at")]

    def leftovers(self) -> list[Path]:
        """What a finished run must not leave: archives still open, crawl scratch folders,
        temporary files (the flows' per-run folders: see :meth:`run_folders`)."""
        found = list(self.archive.glob(f"*{OPEN_SUFFIX}")) if self.archive.exists() else []
        for folder in (self.state / "tmp", self.tmp):
            if folder.exists():
                found += list(folder.iterdir())
        # multiprocessing's pymp-* folder of a worker pool killed mid-load (flows/workers.py,
        # not ours: reported) is left aside here
        return [p for p in found if not p.name.startswith("pymp-")]


def assert_archives_match_what_was_loaded(ws: Workspace) -> None:
    """``archive_files.records`` is the number of complete article records in the file as it
    is (the last record of a crawl that died writing may be cut short: it is not loaded)."""
    for name, records in rows(ws.db, "SELECT warc_file, records FROM archive_files"):
        path = ws.archive / name
        on_disk = len(list(follow_pages(path, path, lambda: True)))
        assert records == on_disk, (name, records, on_disk)


@pytest.fixture(scope="module")
def reference(prefect_harness, tmp_path_factory) -> dict[str, list[tuple]]:
    """The tables of one clean run."""
    tmp = tmp_path_factory.mktemp("clean")
    with LocalSite(SAMPLE) as site:
        summary = pipeline(
            site="baonghean", base_url=site.url, db=str(tmp / "w.duckdb"),
            data_dir=str(tmp / "data"),
        )  # fmt: skip
    assert summary["articles_new"] == ARTICLES
    return snapshot(tmp / "w.duckdb")


@pytest.fixture
def ws(tmp_path: Path, api_url: str) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path, api_url)
    yield workspace
    kill_all(list(processes_with(str(tmp_path))))  # whatever a failed test left running


# --- kills ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory, api_url, reference) -> Iterator[dict]:
    """``kill -9`` of `baotinh run` mid-crawl (its own temporary Prefect server, as a user's
    run has), then what was left and what the next run made of it."""
    root = tmp_path_factory.mktemp("killed-run")
    ws = Workspace(root, api_url=None)
    seen: dict = {"ws": ws}
    try:
        with slowed(LocalSite(SAMPLE), 0.25) as site:
            victim = ws.start(site, "killed.log")
            wait_for(lambda: article_hits(site) >= 6, 90, "six articles fetched")
            seen["crawl_children"] = {
                pid: cmd for pid, cmd in processes_with(str(root)).items() if "spiders.crawl" in cmd
            }
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            killed_at = time.monotonic()
            children = list(seen["crawl_children"])
            wait_for(lambda: not set(children) & set(processes_with(str(root))), 30, "the crawl")
            seen["child_stopped_after"] = time.monotonic() - killed_at
            # the supervised child (SIGTERMed when `baotinh run` died) ends as interrupted
            wait_for(lambda: not ours(root), 30, "the run's child process")
            time.sleep(1.0)  # a temporary Prefect server would have stopped by now
            left = processes_with(str(root))
            seen["servers_left"] = {p: c for p, c in left.items() if "uvicorn" in c}
            seen["others_left"] = {p: c for p, c in left.items() if "uvicorn" not in c}
            seen["frontier"] = (ws.state / "frontier.json").read_text(encoding="utf-8")
            seen["after_kill"] = ws.leftovers()
            ws.env["PREFECT_API_URL"] = api_url
            seen["rerun"] = ws.run(site)
        seen["statuses"] = ws.statuses()
        seen["snapshot"] = snapshot(ws.db)
        seen["after_rerun"] = ws.leftovers()
        seen["run_folders"] = ws.run_folders()
        yield seen
    finally:
        kill_all(list(processes_with(str(root))))


def test_kill_9_of_the_run_stops_its_crawl(killed_run) -> None:
    assert len(killed_run["crawl_children"]) == 1  # the Scrapy child was running
    assert killed_run["child_stopped_after"] < 15  # PR_SET_PDEATHSIG: SIGTERM, closes its WARC
    # SIGTERMed, the crawl usually finishes its downloads and closes its archive; when it
    # dies abruptly instead, its .open archive is unlocked and salvaged by the next run
    # (test_kill_9_of_the_run_is_completed_by_the_next asserts nothing is left open then).
    assert '"listings"' in killed_run["frontier"]


def test_kill_9_of_the_run_is_completed_by_the_next(killed_run, reference) -> None:
    rerun = killed_run["rerun"]
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert killed_run["statuses"] == ["interrupted", "completed"]
    assert killed_run["snapshot"] == reference
    assert_archives_match_what_was_loaded(killed_run["ws"])
    assert killed_run["after_rerun"] == []  # no open archive, scratch or temporary file


def test_kill_9_of_the_run_leaves_no_run_folder(killed_run) -> None:
    assert killed_run["run_folders"] == []


def test_kill_9_of_the_run_leaves_no_prefect_server(killed_run) -> None:
    """`baotinh run` only supervises: its child gets SIGTERM when it dies and stops the
    temporary Prefect server it started (baotinh.supervise)."""
    assert killed_run["servers_left"] == {}


def test_kill_9_of_the_run_leaves_no_process_of_ours(killed_run) -> None:
    """Nothing but Prefect's server: no crawl, no worker of the load (multiprocessing)."""
    assert killed_run["others_left"] == {}


def test_kill_9_of_the_crawl_child_fails_the_run_with_why(
    ws: Workspace, reference, prefect_harness
) -> None:
    """The flow lives, its Scrapy child is SIGKILLed: the run fails and says so; its
    archive is locked no more and the next run salvages, loads and completes it."""
    outcome: dict = {}
    with slowed(LocalSite(SAMPLE), 0.25) as site:

        def run() -> None:
            try:
                pipeline(site="baonghean", base_url=site.url, db=str(ws.db), data_dir=str(ws.data))
            except CrawlFailed as exc:
                outcome["error"] = str(exc)

        thread = threading.Thread(target=run)
        thread.start()
        try:
            wait_for(lambda: article_hits(site) >= 6, 90, "six articles fetched")
            child = [p for p, cmd in processes_with(str(ws.root)).items() if "spiders.crawl" in cmd]
            assert len(child) == 1
            assert salvage_interrupted(ws.archive) == []  # being written: locked, left alone
            os.kill(child[0], signal.SIGKILL)
        finally:
            thread.join(timeout=120)
        assert "the crawl exited with status -9: killed by SIGKILL" in outcome["error"]
        (status, error), *_ = rows(ws.db, "SELECT status, error FROM crawl_runs")
        assert status == "failed" and "killed by SIGKILL" in error
        assert len(list(ws.archive.glob(f"*{OPEN_SUFFIX}"))) == 1  # left for the next run

        summary = pipeline(
            site="baonghean", base_url=site.url, db=str(ws.db), data_dir=str(ws.data)
        )
    # The killed run loaded what it had processed while crawling (streaming); this one loads
    # the salvaged archive's remainder and the rest: together, every article once.
    assert 0 < summary["articles_new"] <= ARTICLES
    records = rows(ws.db, "SELECT records FROM archive_files")
    assert len(records) == 2 and sum(r[0] for r in records) == ARTICLES  # none fetched twice
    assert snapshot(ws.db) == reference
    assert ws.statuses() == ["failed", "completed"]
    assert_archives_match_what_was_loaded(ws)
    assert list(ws.archive.glob(f"*{OPEN_SUFFIX}")) == [] and ws.leftovers() == []


def test_kills_at_every_stage_then_a_rerun_equal_one_clean_run(ws: Workspace, reference) -> None:
    """A crash taking the run and its crawl at once, then the crawl alone SIGKILLed, then the
    run SIGKILLed as its load begins; then a run to the end: the tables are those of one
    clean run, each archive was loaded once and completely."""
    with slowed(LocalSite(SAMPLE), 0.15) as site:
        victim = ws.start(site, "crash.log")
        wait_for(lambda: article_hits(site) >= 3, 90, "three articles")
        kill_all([victim.pid, *crawls(ws)])
        victim.wait()
        wait_stopped(ws)

        before = article_hits(site)
        site.delay = 0.6  # type: ignore[attr-defined]
        second = ws.start(site, "child-killed.log")
        wait_for(lambda: article_hits(site) >= before + 3, 90, "three more articles")
        child = crawls(ws)
        assert len(child) == 1
        kill_all(child)
        site.delay = 0.15  # type: ignore[attr-defined]
        assert second.wait(timeout=60) == 1
        assert "killed by SIGKILL" in ws.log("child-killed.log")

        loading = ws.start(site, "kill-in-load.log")
        wait_for(lambda: "Spider closed" in ws.log("kill-in-load.log"), 90, "the third crawl")
        loading.kill()
        loading.wait()
        wait_stopped(ws)
        final = ws.run(site)
        fetched = [p for p in site.paths_hit() if p.endswith(".html")]
    assert final.returncode == 0, final.stderr[-3000:]
    assert snapshot(ws.db) == reference
    statuses = ws.statuses()  # the run killed as its load began may have been marked failed
    assert statuses[:2] == ["interrupted", "failed"] and statuses[-1] == "completed", statuses
    assert len(statuses) == 4 and set(statuses[2:3]) <= {"interrupted", "failed"}, statuses
    assert len(set(fetched)) == ARTICLES  # some twice: served to a crawl killed before archiving
    assert_archives_match_what_was_loaded(ws)
    assert ws.leftovers() == []


def ours(ws: Workspace | Path) -> dict[int, str]:
    """The runs and crawls of a test still alive (Prefect servers and worker pools aside:
    see the tests of what a killed run leaves running)."""
    root = str(ws.root if isinstance(ws, Workspace) else ws)
    mine = ("spiders.crawl", "baotinh.cli")
    return {pid: cmd for pid, cmd in processes_with(root).items() if any(m in cmd for m in mine)}


def wait_stopped(ws: Workspace, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while left := ours(ws):
        assert time.monotonic() < deadline, f"still running: {left}"
        time.sleep(0.05)


def crawls(ws: Workspace) -> list[int]:
    return [pid for pid, cmd in processes_with(str(ws.root)).items() if "spiders.crawl" in cmd]


def test_sigterm_of_the_run_ends_it_interrupted_and_the_next_completes_it(
    ws: Workspace, reference
) -> None:
    """`kill PID` of `baotinh run`: passed to its child, whose crawl stops and saves its
    frontier; the run is recorded `interrupted` with why, exits 143, leaves no process."""
    with slowed(LocalSite(SAMPLE), 0.25) as site:
        victim = ws.start(site, "term.log")
        wait_for(lambda: article_hits(site) >= 4, 90, "four articles fetched")
        victim.send_signal(signal.SIGTERM)
        assert victim.wait(timeout=60) == 143, ws.log("term.log")[-3000:]
        wait_for(lambda: not processes_with(str(ws.root)), 15, "every process of the run")
        ((status, error),) = rows(ws.db, "SELECT status, error FROM crawl_runs")
        assert status == "interrupted" and "SIGTERM" in error
        assert "baotinh: terminated" in ws.log("term.log")
        rerun = ws.run(site)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert ws.statuses() == ["interrupted", "completed"]
    assert snapshot(ws.db) == reference
    assert ws.leftovers() == []


def test_kill_9_of_the_supervised_child_ends_the_command_and_its_server(
    tmp_path: Path,
) -> None:
    """The work of `baotinh run` dies outright (SIGKILL): the command exits 137 and ends
    what was left of the child's process group, its temporary Prefect server included."""
    ws = Workspace(tmp_path, api_url=None)  # a temporary server, as a user's run has
    try:
        with slowed(LocalSite(SAMPLE), 0.25) as site:
            victim = ws.start(site, "child.log")
            wait_for(lambda: article_hits(site) >= 4, 90, "four articles fetched")
            running = processes_with(str(tmp_path))
            assert any("uvicorn" in cmd for cmd in running.values())  # the temporary server
            # the supervised child; a page worker being launched shows the same command line
            (child,) = [
                pid
                for pid, cmd in running.items()
                if "baotinh.cli" in cmd and parent_of(pid) == victim.pid
            ]
            os.kill(child, signal.SIGKILL)
            assert victim.wait(timeout=30) == 137
            wait_for(lambda: not processes_with(str(tmp_path)), 20, "every process of the run")
    finally:
        kill_all(list(processes_with(str(tmp_path))))


def test_interrupting_a_fan_out_interrupts_every_paper(ws: Workspace, prefect_harness) -> None:
    """Ctrl-C reaches only the fan-out's thread; its papers, crawling in other threads, stop
    too (their crawls save their frontiers) and are recorded `interrupted`."""
    from flows.pipeline import crawl_papers
    from samples.server import open_samples

    papers = ["mau-cantho", "mau-tuyenquang"]  # their articles end in .html: slowed
    with open_samples(papers) as sites:
        for site in sites.values():
            slowed(site, 1.0)

        def interrupt() -> None:
            try:
                wait_for(lambda: all(article_hits(s) >= 2 for s in sites.values()), 90, "crawls")
            finally:
                os.kill(os.getpid(), signal.SIGINT)

        timer = threading.Thread(target=interrupt)
        timer.start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            crawl_papers(
                sites=papers, db=str(ws.db), data_dir=str(ws.data),
                registry=str(REPO / "samples" / "papers.toml"),
                base_urls={key: site.url for key, site in sites.items()}, label="interrupted",
            )  # fmt: skip
        timer.join()
        elapsed = time.monotonic() - started
    statuses = rows(ws.db, "SELECT site_key, status, error FROM crawl_runs ORDER BY site_key")
    assert [(key, status) for key, status, _ in statuses] == [
        (key, "interrupted") for key in papers
    ], statuses
    assert all("interrupted" in error for *_, error in statuses)
    (loaded,) = rows(ws.db, "SELECT count(*) FROM articles")[0]
    assert loaded < 20 and elapsed < 60  # stopped: not all 20 articles of the two
    assert crawls(ws) == []
    for key in papers:  # each crawl saved where it was, for the next run to go on from
        assert (ws.data / "state" / "crawl" / key / "frontier.json").is_file()


# --- overlap ----------------------------------------------------------------------------------


def test_two_runs_of_one_paper_never_collide(ws: Workspace, reference) -> None:
    """The second run skips the paper with one clear line naming the first; the first loads
    everything; nothing is marked interrupted, no archive is taken over."""
    with slowed(LocalSite(SAMPLE), 3.0) as site:  # the first crawl lasts while the second runs
        first = ws.start(site, "first.log")
        wait_for(lambda: article_hits(site) >= 2, 90, "the first run's crawl")
        second = ws.run(site)
        assert first.poll() is None  # they did overlap
        site.delay = 0  # type: ignore[attr-defined]
        assert first.wait(timeout=120) == 0, ws.log("first.log")[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"baonghean is being crawled by pid {first.pid}; this run skips it" in second.stderr
    assert ws.statuses() == ["completed"]
    assert snapshot(ws.db) == reference
    assert_archives_match_what_was_loaded(ws)


def test_a_query_during_a_load_answers_and_the_load_finishes(ws: Workspace, reference) -> None:
    """`baotinh query` in a loop while a run loads: every query answers (waiting for the
    writer's batch if need be), and the run completes."""
    with LocalSite(SAMPLE) as site:
        loader = ws.start(site, "load.log")
        answers = []
        query = ws.command("query", "SELECT count(*) FROM articles", "--db", str(ws.db))
        while loader.poll() is None:
            if ws.db.exists():
                answers.append(
                    subprocess.run(query, env=ws.env, capture_output=True, text=True, timeout=90)
                )
            time.sleep(0.05)
    assert loader.returncode == 0, ws.log("load.log")[-3000:]
    assert len(answers) >= 2
    assert [a.returncode for a in answers] == [0] * len(answers), [a.stderr for a in answers]
    counts = [int(next(t for t in a.stdout.split() if t.isdigit())) for a in answers]
    assert counts == sorted(counts) and set(counts) <= set(range(ARTICLES + 1))
    assert ws.statuses() == ["completed"]
    assert snapshot(ws.db) == reference


# --- full disks -------------------------------------------------------------------------------


def test_a_full_disk_under_the_archive_fails_the_run_with_why(ws: Workspace, reference) -> None:
    """The crawl cannot write its WARC past 40 kB: it stops at once, the run fails naming
    the error, nothing unarchived counts as fetched; once there is room, a run completes."""
    ws.limit_file_size("spiders.crawl", 40_000)
    with LocalSite(SAMPLE) as site:
        full = ws.run(site)
        ws.lift_limits()
        later = ws.run(site)
    assert full.returncode == 1
    assert "archive write failed: [Errno 27] File too large" in full.stderr
    assert "run failed" in full.stderr and "the crawl exited with status 1" in full.stderr
    runs = rows(ws.db, "SELECT status, error FROM crawl_runs ORDER BY started_at")
    assert runs[0][0] == "failed" and "archive write failed" in runs[0][1]
    assert later.returncode == 0, later.stderr[-3000:]
    assert [r[0] for r in runs[1:]] == ["completed"]
    assert snapshot(ws.db) == reference
    assert_archives_match_what_was_loaded(ws)
    assert ws.leftovers() == []


# --- robots.txt -------------------------------------------------------------------------------


def test_robots_disallow_all_fetches_nothing(ws: Workspace, prefect_harness) -> None:
    with LocalSite(SAMPLE) as site:
        site.overrides["/robots.txt"] = Canned(
            200, b"User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"}
        )
        try:
            summary = pipeline(
                site="baonghean", base_url=site.url, db=str(ws.db), data_dir=str(ws.data)
            )
        except Exception as exc:
            summary = {"error": str(exc)}
        hits = site.paths_hit()
    assert hits == ["/robots.txt"]
    assert rows(ws.db, "SELECT count(*) FROM pages")[0][0] == 0
    assert rows(ws.db, "SELECT count(*) FROM articles")[0][0] == 0
    status, fetched = rows(ws.db, "SELECT status, pages_fetched FROM crawl_runs")[0]
    assert fetched == 0, summary
    assert status in ("completed", "failed"), summary
