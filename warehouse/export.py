"""Every table of the warehouse as Parquet, partitioned by paper and year.

``DIR/<table>/paper=<site_key>/year=<yyyy>/data_0.parquet`` (Hive partitioning, read by
pandas, Polars, R arrow, DuckDB and Superset as one dataset with ``paper`` and ``year``
columns). The year is that of the row's own time in Vietnam time (an article's
publication, a page's fetch, a run's start); rows of an article (figures, date mentions,
story rows) take their article's paper and year. Tables with neither paper nor time
(provinces, the indicator map, bookkeeping) are one file each: ``DIR/<table>.parquet``.

An export lists what it wrote in ``DIR/.baotinh-export.json`` (its manifest). It replaces only
what the manifest of an earlier export lists, and refuses (deleting nothing) a folder that is
not empty and holds no manifest, or a listed folder holding a file the export did not write.
The tables are written into a hidden folder inside ``DIR`` first and moved into place when
all are written: a failed export leaves the earlier one as it was. An export holds an
``flock`` on ``DIR`` itself while it runs (it dies with the process): a second export into
the same folder is refused meanwhile, and the hidden folders that killed exports left behind
are removed by the next one, as no other export can be using them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.schema import connect

MANIFEST = ".baotinh-export.json"
_STAGING = ".baotinh-export-"  # the hidden folder an export writes into before moving in
_NOTHING = "move it away or export to another folder (nothing was changed)"

# A table's time column, for its year partition.
_TIME = {
    "articles": "published_at",
    "pages": "fetched_at",
    "crawl_runs": "started_at",
    "archive_files": "loaded_at",
}


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY ordinal_position)"
        " FROM information_schema.columns c"
        " JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)"
        " WHERE t.table_type = 'BASE TABLE' AND t.table_schema = 'main'"
        " GROUP BY table_name ORDER BY table_name"
    ).fetchall()
    return dict(rows)


def _select(table: str, columns: list[str]) -> tuple[str, bool]:
    """The SELECT giving ``table``'s rows with ``paper`` and ``year``; False: no partitions."""
    if "site_key" in columns and table in _TIME:
        year = f"year({_TIME[table]})"
        return f"SELECT *, site_key AS paper, {year} AS year FROM {table}", True
    if "site_key" in columns:
        return f"SELECT *, site_key AS paper FROM {table}", True
    if "article_id" in columns and table != "articles":
        return (
            f"SELECT t.*, a.site_key AS paper, year(a.published_at) AS year FROM {table} AS t"
            " LEFT JOIN articles AS a USING (article_id)",
            True,
        )
    return f"SELECT * FROM {table}", False


def export_parquet(db_path: Path, out_dir: Path) -> dict[str, int]:
    """Write every table under ``out_dir`` (replacing an earlier export); rows per table."""
    with connect(db_path, read_only=True) as con:  # a missing warehouse: nothing is created
        _previous(out_dir)  # a file, or a folder an export did not write: nothing is created
        created = not out_dir.exists()
        out_dir.mkdir(parents=True, exist_ok=True)
        with _sole_export(out_dir) as sole:
            try:
                return _export(con, out_dir, sole)
            finally:
                if created and not any(out_dir.iterdir()):
                    out_dir.rmdir()  # a failed first export leaves no empty folder behind


def _export(con: duckdb.DuckDBPyConnection, out_dir: Path, sole: bool) -> dict[str, int]:
    """Stage every table in a hidden folder of ``out_dir``, then move them into place."""
    tables = _tables(con)
    names = {t: t if _select(t, c)[1] else f"{t}.parquet" for t, c in tables.items()}
    previous = _previous(out_dir)  # under the lock: another export may have just ended
    for name in names.values():
        if name not in previous and os.path.lexists(out_dir / name):
            raise ValueError(f"{out_dir / name} was not written by an export; {_NOTHING}")
    if sole:
        _remove_staging(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=out_dir))
    try:
        counts = {t: _write(con, t, c, staging / names[t]) for t, c in tables.items()}
        _replace(out_dir, staging, previous, counts)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


@contextmanager
def _sole_export(out_dir: Path) -> Iterator[bool]:
    """Hold an ``flock`` on ``out_dir`` for the export, or refuse if another export holds it.

    Yields True when held: no other export uses ``out_dir``. False where the file system
    has no ``flock`` for folders: the export then runs unguarded.
    """
    fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            raise ValueError(
                f"another export is writing to {out_dir}; wait for it to end (nothing was changed)"
            ) from None
        except OSError:
            held = False
        yield held
    finally:
        os.close(fd)


def _remove_staging(out_dir: Path) -> None:
    """Remove the hidden folders of exports killed while writing (called under the lock)."""
    for path in out_dir.iterdir():
        if path.name.startswith(_STAGING) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _write(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], target: Path) -> int:
    """Write ``table`` to ``target`` (a folder of partitions, or one file); its row count."""
    sql, partitioned = _select(table, columns)
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    if partitioned and rows == 0:
        return rows
    keys = "paper, year" if "year" in sql.split("FROM")[0] else "paper"
    options = f"FORMAT parquet, PARTITION_BY ({keys})" if partitioned else "FORMAT parquet"
    con.execute(f"COPY ({sql}) TO '{_quote(target)}' ({options})")
    return rows


def _previous(out_dir: Path) -> set[str]:
    """The entries of ``out_dir`` an earlier export wrote (to be replaced); refuses the rest."""
    if not out_dir.exists():
        return set()
    if not out_dir.is_dir():
        raise ValueError(f"{out_dir} is not a folder")
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        # a hidden folder an export was writing when it was killed is ours, not the user's
        if any(not p.name.startswith(_STAGING) for p in out_dir.iterdir()):
            raise ValueError(
                f"{out_dir} is not empty and holds no earlier export ({MANIFEST});"
                " give a new or empty folder (nothing was changed)"
            )
        return set()
    try:
        files = set(json.loads(manifest.read_text(encoding="utf-8"))["files"])
        entries = {Path(f).parts[0] for f in files}
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"{manifest} is damaged ({exc}); {_NOTHING}") from None
    for entry in entries:
        if entry in ("..", ".", MANIFEST) or Path(entry).is_absolute():
            raise ValueError(f"{manifest} lists {entry!r}, not a file of an export; {_NOTHING}")
        for path in _files(out_dir / entry):
            if path.relative_to(out_dir).as_posix() not in files:
                raise ValueError(f"{path} was not written by an export; {_NOTHING}")
    return entries


def _files(path: Path) -> list[Path]:
    """Every file (or link) at or under ``path``; links are not followed."""
    if not path.is_dir() or path.is_symlink():
        return [path] if os.path.lexists(path) else []
    found = []
    for folder, dirs, names in os.walk(path):
        found += [Path(folder, n) for n in names]
        found += [Path(folder, d) for d in dirs if Path(folder, d).is_symlink()]
    return found


def _replace(out_dir: Path, staging: Path, previous: set[str], counts: dict[str, int]) -> None:
    """Move the earlier export aside, the new one in, and write its manifest; on a failure
    the earlier export is put back."""
    written = sorted(p.name for p in staging.iterdir())
    files = sorted(p.relative_to(staging).as_posix() for n in written for p in _files(staging / n))
    aside = staging / ".earlier"
    aside.mkdir()
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for name in sorted(previous):
            if os.path.lexists(out_dir / name):
                os.rename(out_dir / name, aside / name)
                moved_out.append(name)
        for name in written:
            os.rename(staging / name, out_dir / name)
            moved_in.append(name)
        text = json.dumps({"tables": counts, "files": files}, indent=1)
        (staging / MANIFEST).write_text(text + "\n", encoding="utf-8")
        os.replace(staging / MANIFEST, out_dir / MANIFEST)
    except BaseException:
        for name in moved_in:
            os.rename(out_dir / name, staging / name)
        for name in moved_out:
            os.rename(aside / name, out_dir / name)
        raise


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
