"""Every user mistake ends with one clear line on stderr and a non-zero exit; the traceback
only with ``--debug`` (issue 7). The real command, in a subprocess."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.schema import WRITER_MEMORY, connect

ROOT = Path(__file__).resolve().parents[1]


def baotinh(*args: str, stdin: bytes = b"", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "baotinh.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "BAOTINH_DEBUG": "", **(env or {})},
        timeout=120,
    )


def one_line_error(done: subprocess.CompletedProcess, *words: str) -> str:
    err = done.stderr.decode()
    assert done.returncode != 0, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, err
    return err


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("wh") / "w.duckdb"
    with connect(db):
        pass
    return db


def test_extract_on_a_directory(tmp_path: Path) -> None:
    one_line_error(baotinh("extract", str(tmp_path)), str(tmp_path), "directory")


def test_extract_on_a_missing_file(tmp_path: Path) -> None:
    one_line_error(baotinh("extract", str(tmp_path / "nope.txt")), "nope.txt")


def test_extract_on_non_utf8_text_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "tin-cu.txt"
    source.write_bytes("Thu ngân sách năm 2021 tăng".encode("cp1258"))
    one_line_error(baotinh("extract", str(source)), "tin-cu.txt", "UTF-8")
    one_line_error(baotinh("extract", "-", stdin=source.read_bytes()), "standard input")


def test_extract_html_reads_a_page_in_another_encoding(tmp_path: Path) -> None:
    from transforms.encoding import encode_cp1258

    page = tmp_path / "trang.html"
    text = "Sáng 18/12, huyện tổ chức 589 buổi tuyên truyền cho 87.323 lượt người dân. " * 3
    html = f"<html><body><article><h1>Huyện tổ chức tuyên truyền</h1><p>{text}</p></article>"
    page.write_bytes(encode_cp1258(html + "</body></html>"))
    done = baotinh("extract", "--html", "--published", "2021-12-20", str(page))
    assert done.returncode == 0, done.stderr.decode()
    assert "lượt người" in done.stdout.decode()


def test_url_without_html_is_refused() -> None:
    done = baotinh("extract", "--url", "https://baonghean.vn/a-1.html", "-", stdin=b"x")
    one_line_error(done, "--url", "--html")


def test_bad_arguments_are_one_line() -> None:
    one_line_error(baotinh("extract", "--published", "2021-13-01", "-"), "--published")
    one_line_error(baotinh("no-such-command"), "no-such-command")


def test_sql_errors_are_one_line(warehouse: Path) -> None:
    one_line_error(baotinh("query", "SELEC 1", "--db", str(warehouse)), "SELEC")


def test_a_damaged_database_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 100)
    one_line_error(baotinh("query", "SELECT 1", "--db", str(bad)), "bad.duckdb")


def test_a_closed_pipe_ends_quietly(warehouse: Path) -> None:
    command = [sys.executable, "-m", "baotinh.cli", "query", "SELECT * FROM range(200000)"]
    reader = subprocess.Popen(["head", "-1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    writer = subprocess.Popen(
        [*command, "--db", str(warehouse)], stdout=reader.stdin, stderr=subprocess.PIPE, cwd=ROOT
    )
    reader.stdin.close()
    _, err = writer.communicate(timeout=120)
    assert reader.stdout.read().strip() == b"range"
    reader.stdout.close()
    reader.wait(timeout=10)
    assert writer.returncode != 0
    assert err.decode().strip() == ""


def test_an_interrupt_exits_130_with_one_line() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "baotinh.cli", "extract", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    time.sleep(3)  # started and waiting on standard input
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    process.stdin.close()
    assert process.returncode == 130
    assert err.decode().strip() == "baotinh: interrupted"


def test_debug_shows_the_traceback(tmp_path: Path, warehouse: Path) -> None:
    done = baotinh("--debug", "extract", str(tmp_path))
    assert done.returncode != 0 and "Traceback" in done.stderr.decode()
    done = baotinh("query", "SELEC 1", "--db", str(warehouse), env={"BAOTINH_DEBUG": "1"})
    assert done.returncode != 0 and "Traceback" in done.stderr.decode()


def test_conditions_that_cannot_be_staged_as_root_are_one_line() -> None:
    """A read-only database folder (root may write anywhere, so it is described directly)."""
    import duckdb

    from baotinh.cli import describe

    denied = PermissionError(13, "Permission denied", "/ro/w.duckdb")
    assert describe(denied) == (2, "error: Permission denied: /ro/w.duckdb")
    code, line = describe(duckdb.IOException('IO Error: Cannot open file "/ro/w.duckdb"\nmore'))
    assert code == 2 and line == 'error: database: IO Error: Cannot open file "/ro/w.duckdb"'
    assert describe(RuntimeError("paper x failed"))[0] == 1


def test_a_huge_error_message_is_cut_to_one_readable_line() -> None:
    """A server's reply can quote a whole request (a 422 quoting 1 MB of parameters)."""
    from baotinh.cli import MESSAGE_CHARS, describe

    code, message = describe(ValueError("Client error 422: " + "x" * 100_000 + "\nsecond"))
    assert code == 2 and message.startswith("error: Client error 422: xxx")
    assert len(message) <= MESSAGE_CHARS + len("error: ") and message.endswith("…")
    assert describe(ValueError("short"))[1] == "error: short"


@pytest.mark.parametrize(
    "variable, value",
    [("BAOTINH_MEMORY_LIMIT", "plenty"), ("BAOTINH_WORKERS", "0"), ("BAOTINH_WORKERS", "two")],
)
def test_an_unusable_setting_stops_a_run_before_it_starts(
    tmp_path: Path, variable: str, value: str
) -> None:
    """Checked before the run's server, record or log exist: nothing is left behind."""
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    done = baotinh(
        "run", "--site", "baonghean", "--db", str(db), "--data-dir", str(data),
        env={variable: value},
    )  # fmt: skip
    one_line_error(done, f"{variable}={value!r}")
    assert done.returncode == 2
    assert not db.exists() and not data.exists()


def test_running_out_of_duckdb_memory_names_the_cap_and_how_to_raise_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import duckdb

    from baotinh.cli import describe

    con = duckdb.connect()
    con.execute("SET memory_limit = '4MB'")
    with pytest.raises(duckdb.OutOfMemoryException) as raised:
        con.execute("SELECT list(range) FROM range(10000000)").fetchall()
    monkeypatch.delenv("BAOTINH_MEMORY_LIMIT", raising=False)
    code, line = describe(raised.value)
    assert code == 2 and line.startswith("error: database: Out of Memory Error")
    hint = f"(writers cap it at {WRITER_MEMORY}: raise it with $BAOTINH_MEMORY_LIMIT, e.g. 512MB)"
    assert line.endswith(hint)
    monkeypatch.setenv("BAOTINH_MEMORY_LIMIT", "4MB")
    assert describe(raised.value)[1].endswith("($BAOTINH_MEMORY_LIMIT=4MB caps it: raise it)")
    assert "\n" not in line


def test_replaying_a_file_that_is_not_a_warc_stops_before_the_crawl(tmp_path: Path) -> None:
    """Checked before the crawl starts, rather than a crawl that replays nothing."""
    gz = tmp_path / "notwarc.gz"
    gz.write_bytes(gzip.compress(b"hello\n"))
    done = baotinh(
        "run", "--site", "baonghean", "--replay", str(gz),
        "--db", str(tmp_path / "w.duckdb"), "--data-dir", str(tmp_path / "data"),
    )  # fmt: skip
    err = done.stderr.decode()
    assert done.returncode != 0 and "Traceback" not in err and "crawling" not in err, err
    # the one line after Prefect's own: its temporary server starts before any command runs
    assert err.strip().splitlines()[-1].endswith(f"{gz} is not a WARC file"), err
