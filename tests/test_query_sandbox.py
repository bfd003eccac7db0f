"""`baotinh query` reads the warehouse and nothing else: no file is read, written or attached."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from transforms.models import Article
from warehouse.load import FetchedPage, PageResult, load_results
from warehouse.query import QueryError, run_query
from warehouse.schema import connect


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sandbox") / "w.duckdb"
    url = "https://baonghean.vn/a-1.html"
    article = Article(
        url, "Tiêu đề", datetime(2024, 1, 1, 1, 30, tzinfo=UTC), "meta", None, None, "Thân"
    )
    page = FetchedPage("x.warc.gz", 0, url, datetime(2024, 1, 1, tzinfo=UTC), 200, "s")
    with connect(path) as con:
        load_results(con, "baonghean", [PageResult(page, article)], "1")
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_text('/etc/shadow')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "COPY (SELECT 1) TO '{tmp}/out.csv'",
        "COPY articles TO '{tmp}/articles.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '{tmp}/dump'",
        "ATTACH '{tmp}/other.duckdb' AS other (READ_WRITE)",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET enable_external_access",
        "SET lock_configuration = false",
        "SELECT * FROM glob('/etc/*')",
    ],
)
def test_files_other_than_the_warehouse_are_refused(db: Path, tmp_path: Path, sql: str) -> None:
    with pytest.raises(QueryError):
        run_query(db, sql.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_writes_to_the_warehouse_are_refused(db: Path) -> None:
    with pytest.raises(QueryError, match="read-only"):
        run_query(db, "DELETE FROM articles")


@pytest.mark.parametrize(
    "view",
    ["figure_facts", "story_figure_facts", "indicator_series", "indicator_latest",
     "articles_per_month", "stories", "article_story", "indicator_lookup", "paper_provinces",
     "indicator_series_live", "series_key_names", "series_stale", "series_stale_live"],
)  # fmt: skip
def test_every_view_works_in_the_sandbox(db: Path, view: str) -> None:
    run_query(db, f"SELECT * FROM {view}")


def test_times_are_shown_in_vietnam_time(db: Path) -> None:
    _, rows = run_query(
        db, "SELECT published_at::VARCHAR, current_setting('TimeZone') FROM articles"
    )
    assert rows == [("2024-01-01 08:30:00+07", "Asia/Ho_Chi_Minh")]


ROOT = Path(__file__).resolve().parents[1]


def _cli(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "baotinh.cli", "query", *args],
        input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_sql_errors_are_one_clear_line(db: Path) -> None:
    done = _cli("--db", str(db), "SELECT * FROM nowhere")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "baotinh: error: Catalog Error: Table with name nowhere does not exist!"
    ]
    done = _cli("--db", str(db), "COPY articles TO '/tmp/x.csv'")
    assert done.returncode == 2 and "Permission Error" in done.stderr
    assert "Traceback" not in done.stderr


def test_sql_from_a_file_and_output_formats(db: Path, tmp_path: Path) -> None:
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT url, title FROM articles", encoding="utf-8")
    done = _cli("--db", str(db), "-f", str(sql), "--format", "json")
    assert json.loads(done.stdout) == [{"url": "https://baonghean.vn/a-1.html", "title": "Tiêu đề"}]
    out = tmp_path / "r.csv"
    done = _cli("--db", str(db), "-f", str(sql), "--format", "csv", "--out", str(out))
    assert out.read_text(encoding="utf-8").splitlines()[0] == "url,title"


def test_parquet_is_written_by_python_not_by_duckdb(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    done = _cli("--db", str(db), "SELECT url, published_at FROM articles", "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = pq.read_table(out)
    assert table.column_names == ["url", "published_at"] and table.num_rows == 1


def test_the_prompt_answers_each_statement_and_survives_errors(db: Path) -> None:
    done = _cli("--db", str(db), stdin="SELECT 1 AS a;\nSELECT * FROM nowhere;\nSELECT\n 2 AS b;\n")
    assert done.returncode == 2  # like `-f -`: SQL piped in that failed is not a success
    assert "(1 row)" in done.stdout and done.stdout.count("(1 row)") == 2
    assert "nowhere does not exist" in done.stderr


def test_each_statement_of_the_prompt_gets_its_own_out_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    piped = "SELECT 1 AS a;\nSELECT * FROM nowhere;\nSELECT 3 AS c;\nSELECT 4 AS d"
    done = _cli("--db", str(db), "--format", "csv", "--out", str(out), stdin=piped)
    assert done.returncode == 2  # the second failed
    written = {p.name: p.read_text(encoding="utf-8").split() for p in tmp_path.iterdir()}
    assert written == {"r.csv": ["a", "1"], "r-3.csv": ["c", "3"], "r-4.csv": ["d", "4"]}


def test_ctrl_c_at_the_prompt_drops_the_statement_and_the_prompt_goes_on(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At a terminal, Ctrl-C (KeyboardInterrupt, while typing or while a statement runs)
    drops the statement and the prompt goes on; SIGTERM still ends it. The prompt runs in
    this process, its terminal played by a script of lines and interrupts."""
    from baotinh.commands import query
    from baotinh.supervise import Terminated

    script = iter(["SELECT 'half'", KeyboardInterrupt, "SELECT 'after' || 'typing' AS x;",
                   "SELECT 'slow';", "SELECT 'after' || 'running' AS y;", EOFError])  # fmt: skip
    answered = []

    def typed(prompt: str) -> str:
        line = next(script)
        if isinstance(line, type):
            raise line
        return line

    def answer(db: Path, sql: str, fmt: str, out: str | None) -> bool:
        if "'slow'" in sql:
            raise KeyboardInterrupt  # Ctrl-C while it runs (run_query re-raises it)
        answered.append(sql)
        return real_answer(db, sql, fmt, out)

    real_answer = query._answer_or_say
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", typed)
    monkeypatch.setattr(query, "_answer_or_say", answer)
    assert query._prompt(db, "table", None) == 0
    assert answered == ["SELECT 'after' || 'typing' AS x;", "SELECT 'after' || 'running' AS y;"]
    out, err = capsys.readouterr()
    assert "aftertyping" in out and "afterrunning" in out
    assert err.count("(cancelled)") == 2

    script = iter(["SELECT 1", Terminated])
    with pytest.raises(Terminated):  # SIGTERM is not a Ctrl-C: the prompt ends
        query._prompt(db, "table", None)


@pytest.fixture
def copy(db: Path, tmp_path: Path) -> Path:
    """A warehouse of this test's own, in tmp_path."""
    path = tmp_path / "w.duckdb"
    shutil.copy(db, path)
    return path


@pytest.mark.parametrize(
    "out",
    ["w.duckdb", "./w.duckdb", "../{dir}/w.duckdb", "link.duckdb", "hard.duckdb",
     "w.duckdb.wal", "w.duckdb.tmp/x.csv", ".w.duckdb.readers/x.csv", "x.parquet"],
)  # fmt: skip
def test_out_never_overwrites_the_warehouse(copy: Path, out: str) -> None:
    (copy.parent / "link.duckdb").symlink_to(copy.name)
    os.link(copy, copy.parent / "hard.duckdb")
    (copy.parent / "x.parquet").symlink_to(copy)
    before = copy.read_bytes()
    done = _cli("--db", "w.duckdb", "SELECT 1", "--out", out.format(dir=copy.parent.name),
                cwd=copy.parent)  # fmt: skip
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("baotinh: error: --out ")
    assert line.endswith("is a file of the warehouse w.duckdb; write elsewhere")
    assert copy.read_bytes() == before
    assert sorted(p.name for p in copy.parent.iterdir()) == [
        "hard.duckdb", "link.duckdb", "w.duckdb", "x.parquet"
    ]  # fmt: skip


BIG = "SELECT count(DISTINCT h) FROM (SELECT md5(range::varchar) h FROM range(2000000))"


def test_spills_are_private_and_leave_nothing(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setenv("BAOTINH_MEMORY_LIMIT", "30MB")  # the query spills
    beside = copy.with_name("w.duckdb.tmp")
    with pytest.raises(QueryError, match="Permission Error"):
        run_query(copy, f"{BIG}; COPY (SELECT 'pwned' a) TO '{beside}/x.csv'")
    assert run_query(copy, BIG)[1] == [(2000000,)]
    beside.mkdir()  # a writer's spill folder: not the query's
    with pytest.raises(QueryError, match="Permission Error"):
        run_query(copy, f"COPY (SELECT 'pwned' a) TO '{beside}/x.csv'")
    assert list(beside.iterdir()) == [] and list(system_tmp.iterdir()) == []
    assert sorted(p.name for p in copy.parent.iterdir()) == [
        "system-tmp", "w.duckdb", "w.duckdb.tmp"
    ]  # fmt: skip


LONG = "SELECT sum(range) FROM range(100000000000)"


def _long_query(db: Path, system_tmp: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "baotinh.cli", "query", "--db", str(db), LONG],
        env={**os.environ, "TMPDIR": str(system_tmp)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _new_spill(query: subprocess.Popen, system_tmp: Path) -> Path:
    """The spill folder ``query`` made: the one new ``baotinh-query-*`` of ``system_tmp``."""
    known = set(system_tmp.glob("baotinh-query-*"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if found := set(system_tmp.glob("baotinh-query-*")) - known:
            (spill,) = found
            return spill
        assert query.poll() is None, "the query ended before making its spill folder"
        time.sleep(0.05)
    raise AssertionError("no spill folder of the query")


def test_a_killed_querys_spill_folder_is_removed_by_the_next_query_and_no_other(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    killed = _long_query(db, system_tmp)
    left = _new_spill(killed, system_tmp)
    killed.kill()  # kill -9: the folder stays
    killed.wait()
    assert left.is_dir()
    older = system_tmp / "baotinh-query-k1ll3d_x"  # an older name: whose, unknown
    older.mkdir()
    others = system_tmp / f"baotinh-query-{killed.pid}-others"  # another user's, owner dead
    if os.getuid() == 0:
        others.mkdir()
        os.chown(others, 65534, 65534)
    running = _long_query(db, system_tmp)
    try:
        live = _new_spill(running, system_tmp)
        monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
        assert run_query(db, "SELECT 42 AS answer")[1] == [(42,)]
        assert not left.exists()
        assert live.is_dir() and running.poll() is None  # a live query's: untouched
        assert older.is_dir()
        assert others.is_dir() or os.getuid() != 0
    finally:
        running.kill()
        running.wait()


def test_ctrl_c_interrupts_a_query(db: Path) -> None:
    query = subprocess.Popen(
        [sys.executable, "-m", "baotinh.cli", "query", "--db", str(db),
         "SELECT sum(range) FROM range(100000000000)"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(3)  # started, and running the query
        query.send_signal(signal.SIGINT)
        _, stderr = query.communicate(timeout=20)
    finally:
        query.kill()
    assert (query.returncode, stderr) == (130, "baotinh: interrupted\n")


@pytest.mark.parametrize("sql", ["   ", "-- only a comment", ";"])
def test_no_statement_is_one_clear_line(db: Path, sql: str) -> None:
    for args in ([sql], [sql, "--out", "x.parquet"]):
        done = _cli("--db", str(db), *args)
        assert (done.returncode, done.stderr) == (2, "baotinh: error: no SQL statement\n")


def test_several_statements_answer_with_the_last(db: Path) -> None:
    assert run_query(db, "SELECT 42 AS a; SELECT 43 AS b") == (["b"], [(43,)])
    sql = "SELECT 42 AS a; CREATE TEMP TABLE t AS SELECT 7 AS c; SELECT * FROM t"
    assert run_query(db, sql) == (["c"], [(7,)])


def test_a_sql_file_that_is_not_text_is_named(db: Path, tmp_path: Path) -> None:
    sql = tmp_path / "rand.bin"
    sql.write_bytes(b"SELECT \xff\xfe")
    done = _cli("--db", str(db), "-f", str(sql))
    assert done.returncode == 2
    assert done.stderr.startswith(f"baotinh: error: {sql} is not UTF-8 text")
