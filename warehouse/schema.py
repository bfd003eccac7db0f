"""The DuckDB schema: numbered migrations in ``warehouse/sql/NNN_*.sql``, applied in order.

Each applied version is recorded in ``schema_migrations``, so opening an old file upgrades
it and opening a current one changes nothing. Views (``sql/views.sql``) hold no data and
are recreated after migrating; reference tables (provinces, the starter indicator map) are
refreshed from code when their source changed (:mod:`warehouse.provinces`).

Every connection shows times in Vietnam time: ``TimeZone`` is ``Asia/Ho_Chi_Minh`` (the
ICU extension is built into the duckdb wheel), so a ``TIMESTAMPTZ`` prints as
``2021-12-18 08:30:00+07``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)
_MIGRATING = threading.Lock()
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("sql").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The single value a query returns (its result is read to the end, as DuckDB 2 needs)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty database."""
    exists = scalar(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    )
    if not exists:
        return 0
    return scalar(con, "SELECT coalesce(max(version), 0) FROM schema_migrations")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations this file lacks, each in its own transaction; returns the version.

    Every shipped migration not listed in ``schema_migrations`` is applied, in order, so a
    migration that arrives after a higher-numbered one (parallel work) is not skipped.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    for version, name, sql in migrations():
        if version in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    current = schema_version(con)
    if current >= 4:
        from warehouse.provinces import refresh_reference

        refresh_reference(con)
    _refresh_views(con)
    if current >= 6:
        from warehouse.summary import ensure_built

        ensure_built(con)  # an upgraded file: summarise the figures it holds
    return current


def _refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate the views when ``views.sql`` differs from the one last applied.

    Views are DDL: recreating them on every connection made connections opened at once
    (the fan-out's children) fail with a catalog write-write conflict.
    """
    views = resources.files("warehouse").joinpath("sql", "views.sql").read_text(encoding="utf-8")
    digest = hashlib.sha1(views.encode("utf-8")).hexdigest()
    con.execute("CREATE TABLE IF NOT EXISTS schema_views (sha1 VARCHAR NOT NULL)")
    if scalar(con, "SELECT count(*) FROM schema_views WHERE sha1 = ?", [digest]):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(views)
        con.execute("DELETE FROM schema_views")
        con.execute("INSERT INTO schema_views VALUES (?)", [digest])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse file longer than this one would wait."""


TIME_ZONE = "Asia/Ho_Chi_Minh"

# How long a reader and a writer wait for a lock another process holds on the file.
READER_WAIT = 60.0
WRITER_WAIT = 900.0

# DuckDB's memory in a process that writes the warehouse. Left at DuckDB's default (80% of
# RAM), the checkpoints of a long load grew with the file: on a 10,000-article paper they
# held up to 170 MB more than the batches around them, against 60 MB at 2,000. Under this cap
# DuckDB evicts blocks it can read back and spills big sorts and aggregates to disk. Writers
# append batches and refresh slices of the summary; they need no more (64 MB was too little:
# a batch's joins with the articles of a million-article warehouse ran out of it).
WRITER_MEMORY = "128MB"
MEMORY_ENV = "BAOTINH_MEMORY_LIMIT"  # overrides it, and caps read-only queries too
_SIZE = re.compile(r"([\d.]+)\s*(bytes|[KMGTPE]iB)")  # as DuckDB reports it: "122.0 MiB"
_MIB = {
    "bytes": 2**-20,
    "KiB": 2**-10,
    "MiB": 1,
    "GiB": 2**10,
    "TiB": 2**20,
    "PiB": 2**30,
    "EiB": 2**40,
}


def memory_limit(con: duckdb.DuckDBPyConnection, default: str | None = WRITER_MEMORY) -> None:
    """Cap DuckDB's memory in this process (``$BAOTINH_MEMORY_LIMIT``, else ``default``;
    ``None``: DuckDB's own default). The cap is the database's, shared by its connections."""
    limit = os.environ.get(MEMORY_ENV) or default
    if not limit:
        return
    try:
        con.execute("SET memory_limit = ?", [limit])
    except duckdb.Error as exc:
        raise ValueError(
            f"{MEMORY_ENV}={limit!r} is not a size DuckDB reads (e.g. 512MB, 2GB): {exc}"
        ) from None


def memory_cap_mib(con: duckdb.DuckDBPyConnection) -> float:
    """DuckDB's memory cap in this process, in MiB (as DuckDB reports it, to one decimal)."""
    setting = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    size = _SIZE.fullmatch(setting.strip())
    if size is None:
        raise ValueError(f"DuckDB reports its memory limit as {setting!r}, not a size")
    return float(size[1]) * _MIB[size[2]]


@contextmanager
def connect(
    path: Path, *, read_only: bool = False, wait: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse file; a writable connection is migrated first.

    A DuckDB file has one writing process, and while it writes no other process can open
    it, even read-only. Writers (the loader) therefore hold it only for one batch at a time
    (or while batches follow each other closely: :class:`KeptOpen`), and both sides wait
    for the other's lock with backoff (``wait`` seconds at most: a minute for readers, a
    quarter of an hour for writers) instead of failing at once. A waiting process says so
    (a marker file), and a writer lets it in before its next batch.
    """
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}; run `baotinh demo` or `baotinh run`")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    limit = wait if wait is not None else (READER_WAIT if read_only else WRITER_WAIT)
    con = _open(path, read_only, limit)
    try:
        if not read_only:
            with _MIGRATING:  # connections of one process (threads) migrate one at a time
                migrate(con)
            # after migrating: an index a migration builds must fit in memory at once
            memory_limit(con)
        yield con
    finally:
        con.close()


def _open(path: Path, read_only: bool, limit: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + limit
    delay = 0.05
    warned = False
    marker = None
    try:
        while True:
            if not read_only:
                _yield_to_waiting(path, min(deadline, time.monotonic() + WRITER_YIELD))
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                con.execute(f"SET TimeZone = '{TIME_ZONE}'")
                return con
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                if time.monotonic() + delay > deadline:
                    raise WarehouseBusy(
                        f"{path} stayed locked by another process for {limit:.0f} s: {exc}"
                    ) from None
                if not warned:
                    log.warning("%s is locked by another process (a load?); waiting", path.name)
                    warned = True
                if marker is None:  # readers and other writers alike
                    marker = _announce_waiting(path)
                time.sleep(delay)
                # a reader polls often, to catch the gap a writer leaves between batches
                delay = min(delay * 2, READER_POLL if read_only else 1.0)
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)


# A waiting reader (or writer) leaves a marker file beside the warehouse; a writer about to
# open the file again (its next batch) first waits, up to WRITER_YIELD seconds, until no
# other live process is waiting. Without it a loader that reopens the file at once after
# each batch starved readers (a query waited 16 s under test).
READER_POLL = 0.05
WRITER_YIELD = 5.0


def _waiting_dir(path: Path) -> Path:
    """Where waiting processes leave their markers (named for readers, its first users)."""
    return path.parent / f".{path.name}.readers"


def _announce_waiting(path: Path) -> Path | None:
    folder = _waiting_dir(path)
    try:
        folder.mkdir(exist_ok=True)
        marker = folder / f"{os.getpid()}-{threading.get_ident()}"
        marker.touch()
        return marker
    except OSError:
        return None  # a read-only folder: readers still get in, only less promptly


def _yield_to_waiting(path: Path, until: float) -> None:
    while time.monotonic() < until and _others_waiting(path):
        time.sleep(0.02)


def _others_waiting(path: Path) -> bool:
    """Whether another live process is waiting for the file (see :func:`connect`)."""
    mine = str(os.getpid())  # this process's own marker (a writer waiting): not another
    try:
        pids = [m.name.split("-", 1)[0] for m in _waiting_dir(path).iterdir()]
    except OSError:
        return False
    return any(pid != mine and process_alive(pid) for pid in pids)


# Seconds after a batch's end, with no batch since, after which a kept-open file is let go:
# longer than a batch of pages takes to gather while a fast crawl feeds it (letting the file
# go checkpoints it, each time), short beside a polite crawl's pace. Processes that want the
# file say so and are let in at once.
KEEP_IDLE = 10.0


class KeptOpen:
    """Keeps the warehouse file open between the load batches of a run.

    Each batch still connects, loads in one transaction and closes (:func:`connect`), but
    while this holds a connection, DuckDB's database stays open in the process: a batch's
    connection is cheap and its close does not checkpoint (write the batch's log into the
    file), which was most of a batch's cost. The file is let go, so that other processes
    get in, as soon as another process says it is waiting (its marker), after :data:`KEEP_IDLE`
    seconds without a batch (a slow crawl, a pause; counted from a batch's end, so a batch
    that takes long is not taken for one), and at the end. Each batch runs inside
    :meth:`batch`, which opens the file again when no other process is waiting; it never
    waits for the file.
    """

    def __init__(self, path: Path, idle: float = KEEP_IDLE) -> None:
        self.path, self.idle = path, idle
        self._con: duckdb.DuckDBPyConnection | None = None
        self._used = time.monotonic()
        self._busy = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._run, name="warehouse-keep", daemon=True)
        self._watch.start()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Around one batch: the file held again if it was let go (and nobody waits for
        it), and not let go for idleness until the batch has ended."""
        with self._lock:
            self._busy = True
            if self._con is None and not _others_waiting(self.path):
                try:
                    self._con = duckdb.connect(str(self.path))
                except duckdb.IOException:
                    self._con = None  # another process has the file: batches wait as usual
                else:
                    memory_limit(self._con)
        try:
            yield
        finally:
            with self._lock:
                self._busy = False
                self._used = time.monotonic()

    def close(self) -> None:
        self._stop.set()
        self._watch.join()
        self._release()

    def __enter__(self) -> KeptOpen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while not self._stop.wait(READER_POLL):
            idle = not self._busy and time.monotonic() - self._used > self.idle
            if self._con is not None and (idle or _others_waiting(self.path)):
                self._release()

    def _release(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def process_alive(pid: int | str) -> bool:
    """Whether a process of this pid runs (one of another user's counts as running)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
