"""Bookkeeping of crawl runs, papers and archive files in the warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb

from registry import Site
from transforms.urls import normalize_url, rebase


def register_site(con: duckdb.DuckDBPyConnection, site: Site) -> None:
    """Insert or refresh a paper's row from the registry."""
    con.execute(
        "INSERT OR REPLACE INTO sites (site_key, name, province, domain, domains,"
        " provinces_before_2025, verified) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            site.key,
            site.name,
            site.province,
            site.domain,
            list(site.domains),
            list(site.provinces_before_2025),
            site.verified,
        ],
    )


def start_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    site_key: str,
    mode: str,
    base_url: str,
    since: date | None,
    flow_run_id: str | None,
    parent_run_id: str | None = None,
) -> None:
    con.execute(
        "INSERT INTO crawl_runs (run_id, site_key, flow_run_id, mode, base_url, since,"
        " started_at, status, parent_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
        [run_id, site_key, flow_run_id, mode, base_url, since, datetime.now(UTC), parent_run_id],
    )


def mark_interrupted_runs(con: duckdb.DuckDBPyConnection, site_key: str) -> None:
    """Runs still marked running belong to processes that died (one pipeline per paper)."""
    con.execute(
        "UPDATE crawl_runs SET status = 'interrupted' WHERE site_key = ? AND status = 'running'",
        [site_key],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, *, status: str, **counts: object
) -> None:
    """Close a run with its status, counts (column=value) and error, if any."""
    assignments = ", ".join(f"{column} = ?" for column in counts)
    sql = "UPDATE crawl_runs SET status = ?, finished_at = ?"
    sql += f", {assignments}" if assignments else ""
    con.execute(f"{sql} WHERE run_id = ?", [status, datetime.now(UTC), *counts.values(), run_id])


def known_article_urls(con: duckdb.DuckDBPyConnection, site: Site) -> set[str]:
    """Normalised URLs of this paper's articles already archived and loaded (or skipped)."""
    known = {
        row[0]
        for row in con.execute("SELECT url FROM articles WHERE site_key = ?", [site.key]).fetchall()
    }
    fetched = con.execute("SELECT DISTINCT url FROM pages WHERE site_key = ?", [site.key])
    known.update(normalize_url(rebase(row[0], site.origin)) for row in fetched.fetchall())
    return known


def loaded_archive_files(con: duckdb.DuckDBPyConnection, site_key: str) -> set[str]:
    rows = con.execute("SELECT warc_file FROM archive_files WHERE site_key = ?", [site_key])
    return {row[0] for row in rows.fetchall()}


def mark_archive_loaded(
    con: duckdb.DuckDBPyConnection, warc_file: str, site_key: str, records: int
) -> None:
    con.execute(
        "INSERT OR REPLACE INTO archive_files (warc_file, site_key, records, loaded_at)"
        " VALUES (?, ?, ?, ?)",
        [warc_file, site_key, records, datetime.now(UTC)],
    )
