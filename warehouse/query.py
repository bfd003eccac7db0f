"""Read-only, sandboxed SQL on the warehouse, rendered as a table, CSV, JSON or Parquet.

Queries run on a read-only connection with ``enable_external_access = false`` and
``lock_configuration = true``: the views and tables of the file work, but reading,
writing, attaching or exporting any other file (``read_text('/etc/shadow')``,
``COPY … TO``, ``ATTACH … (READ_WRITE)``) is refused, and the settings cannot be
switched back. Parquet output is written by Python from the result, not by DuckDB.

DuckDB always lets SQL reach its temporary directory (where a big query spills), which
is ``<db>.tmp/`` beside the file unless told otherwise. Each query therefore spills into
a private folder of its own in the system's temporary directory, made empty for it and
removed after it, so nothing a query writes there outlives it or is seen by another. The
folder is named after the query's process (``baotinh-query-<pid>-…``) and ``flock``-held
while in use: one that a killed query left is removed by the next query, once its process
is gone and no one holds its lock (only the user's own folders are looked at).

Several statements run in order and the result is the last one's, as DuckDB gives it
(``CREATE TEMP TABLE`` gives its count). Ctrl-C interrupts the query.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import shutil
import tempfile
import threading
from contextlib import suppress
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from warehouse.schema import connect, memory_limit, process_alive

FORMATS = ("table", "csv", "json", "parquet")
_SPILL = "baotinh-query-"
_SPILL_OWNER = re.compile(rf"{_SPILL}(\d+)-[^-]+")  # mkdtemp's suffix has no "-"
QUERIES = Path(__file__).resolve().parent / "queries"


class QueryError(ValueError, duckdb.Error):
    """The SQL failed; the message is its first line (a ValueError for the CLI, and still a
    ``duckdb.Error`` for callers that catch those)."""


def sandbox(con: duckdb.DuckDBPyConnection, spill: Path) -> None:
    """No file but the warehouse itself (and ``spill``, an empty private folder where a big
    query spills), and no way to change that on this connection.

    ``$BAOTINH_MEMORY_LIMIT`` (e.g. ``2GB``) caps DuckDB's memory on a shared machine.
    """
    memory_limit(con, default=None)
    con.execute("SET temp_directory = ?", [str(spill)])
    con.execute("SET enable_progress_bar = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET allow_community_extensions = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET lock_configuration = true")


def run_query(db_path: Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql`` on a read-only, sandboxed connection."""
    columns, table = _run(db_path, sql, params, arrow=False)
    return columns, table


def run_query_arrow(db_path: Path, sql: str, params: list | None = None):  # -> pa.Table
    """The result of ``sql`` as an Arrow table (for Parquet output)."""
    return _run(db_path, sql, params, arrow=True)[1]


def _run(db_path: Path, sql: str, params: list | None, arrow: bool) -> tuple[list[str], object]:
    _remove_dead_spills(Path(tempfile.gettempdir()))
    spill = Path(tempfile.mkdtemp(prefix=f"{_SPILL}{os.getpid()}-"))
    held = os.open(spill, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with suppress(OSError):  # no flock there: the owner's pid still guards it
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with connect(db_path, read_only=True) as con:
            sandbox(con, spill)
            return _interruptible(con, lambda: _execute(con, sql, params, arrow))
    finally:
        shutil.rmtree(spill, ignore_errors=True)
        os.close(held)


def _remove_dead_spills(tmp: Path) -> None:
    """Remove the spill folders in ``tmp`` that killed queries of this user left: the
    process named in the folder's name is gone and no one holds the folder's lock."""
    for path in tmp.glob(f"{_SPILL}*"):
        owner = _SPILL_OWNER.fullmatch(path.name)
        if owner is None or int(owner[1]) == os.getpid() or process_alive(int(owner[1])):
            continue  # an older name without its owner, this process's, or a live one's
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone already, or not a folder
        try:
            if os.fstat(fd).st_uid != os.getuid():
                continue  # another user's
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # in use after all (a process of another pid namespace)
            except OSError:
                pass  # no flock there: the dead pid decides
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)


def _execute(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | None, arrow: bool
) -> tuple[list[str], object]:
    """Every statement of ``sql`` in order; the columns and rows of the last one."""
    try:
        statements = con.extract_statements(sql)
        if not statements:
            raise QueryError("no SQL statement")
        for statement in statements[:-1]:
            con.execute(statement).complete()  # its rows are not read
        relation = con.sql(statements[-1].query, params=params or None)
        if arrow:
            if relation is None:
                raise QueryError("the statement returns no rows to write")
            table = relation.to_arrow_table()
            return table.column_names, table
        if relation is None:
            return [], []
        return relation.columns, relation.fetchall()
    except duckdb.Error as exc:
        raise QueryError(one_line(exc)) from None


INTERRUPT_POLL = 0.1  # seconds between two interrupts of a query that goes on


def _interruptible(con: duckdb.DuckDBPyConnection, work):  # work() -> its result
    """``work()`` in a thread of its own, so that Ctrl-C (or SIGTERM made an exception),
    which Python handles in this thread only, interrupts the query at once and is raised
    again once the query has stopped, instead of being lost or seen as a failed query."""
    outcome: dict[str, object] = {}
    done = threading.Event()  # not Thread.join: a join Ctrl-C broke says the thread ended

    def target() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="baotinh-query", daemon=True).start()
    try:
        done.wait()
    except KeyboardInterrupt:
        while not done.is_set():
            with suppress(duckdb.Error):  # refused while the connection is between calls
                con.interrupt()
            with suppress(KeyboardInterrupt):  # another Ctrl-C: it is stopping already
                done.wait(INTERRUPT_POLL)
        raise
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]


def one_line(exc: BaseException) -> str:
    """The first line of an error, e.g. ``Catalog Error: Table with name x does not exist!``."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def example_queries() -> dict[str, str]:
    """The example queries shipped in ``warehouse/queries/``, by file stem."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("*.sql"))}


def write_parquet(table, path: Path) -> None:  # table: pa.Table
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def render(columns: list[str], rows: list[tuple], fmt: str = "table", max_width: int = 60) -> str:
    if fmt == "json":
        records = [dict(zip(columns, map(_plain, row), strict=True)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(columns, rows, max_width)
    raise ValueError(f"unknown format {fmt!r}; choose one of table, csv, json")


def _table(columns: list[str], rows: list[tuple], max_width: int) -> str:
    cells = [[_cell(v, max_width) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    lines = [line(columns), "-+-".join("-" * w for w in widths)]
    lines += [line(row) for row in cells]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines)


def _cell(value: object, max_width: int) -> str:
    text = "NULL" if value is None else str(_plain(value))
    text = text.replace("\n", " ")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
