"""Every table of the warehouse as Parquet, partitioned by paper and year.

``DIR/<table>/paper=<site_key>/year=<yyyy>/data_0.parquet`` (Hive partitioning, read by
pandas, Polars, R arrow, DuckDB and Superset as one dataset with ``paper`` and ``year``
columns). The year is that of the row's own time in Vietnam time (an article's
publication, a page's fetch, a run's start); rows of an article (figures, date mentions,
story rows) take their article's paper and year. Tables with neither paper nor time
(provinces, the indicator map, bookkeeping) are one file each: ``DIR/<table>.parquet``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from warehouse.schema import connect

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
    """Write every table under ``out_dir`` (replacing earlier exports); rows per table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    with connect(db_path, read_only=True) as con:
        for table, columns in _tables(con).items():
            sql, partitioned = _select(table, columns)
            counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            target = out_dir / table if partitioned else out_dir / f"{table}.parquet"
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            if partitioned and counts[table] == 0:
                continue
            keys = "paper, year" if "year" in sql.split("FROM")[0] else "paper"
            options = f"FORMAT parquet, PARTITION_BY ({keys})" if partitioned else "FORMAT parquet"
            con.execute(f"COPY ({sql}) TO '{_quote(target)}' ({options})")
    return counts


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
