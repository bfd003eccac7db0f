"""Reference tables filled from code when a writer connects: provinces and the indicator map.

``provinces`` and ``province_successors`` come from :mod:`registry.provinces` (the
``vietnamadminunits`` package); ``indicators`` and the starter rows of ``indicator_map``
from ``transforms/data/indicators.toml``. Each is rewritten only when its content changed
(a digest is kept in ``schema_reference``), so connections opened together do not fight
over the catalog, and rows users added (``source = 'user'``) are never touched.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

import duckdb

from registry.provinces import provinces_before_2025, provinces_from_2025, successor
from transforms.indicators import starter_indicators
from transforms.lexicon import load_table


@cache  # from package data: computed once per process, not at every writer's connection
def _province_rows() -> tuple[list[tuple], list[tuple]]:
    units = [
        (p.era, p.code, p.name, p.full_name, p.key)
        for p in provinces_before_2025() + provinces_from_2025()
    ]
    successors = [(p.name, successor(p.name).name) for p in provinces_before_2025()]
    return units, successors


@cache
def _indicator_rows() -> tuple[list[tuple], list[tuple]]:
    named = {e["name"]: e.get("label_vi") for e in load_table("indicators.toml")["indicator"]}
    mapping = [(s.key, s.unit, s.indicator, s.phrase) for s in starter_indicators()]
    return sorted(named.items()), mapping


@cache
def _digests() -> dict[str, str]:
    return {"provinces": _digest(*_province_rows()), "indicators": _digest(*_indicator_rows())}


def _digest(*parts: object) -> str:
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def refresh_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the reference tables whose source changed since they were last written."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_reference (name VARCHAR PRIMARY KEY, sha1 VARCHAR)"
    )
    held = dict(con.execute("SELECT name, sha1 FROM schema_reference").fetchall())
    units, successors = _province_rows()
    named, mapping = _indicator_rows()
    wanted = _digests()
    stale = [name for name, digest in wanted.items() if held.get(name) != digest]
    if not stale:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        if "provinces" in stale:
            con.execute("DELETE FROM provinces")
            con.execute("DELETE FROM province_successors")
            con.executemany("INSERT INTO provinces VALUES (?, ?, ?, ?, ?)", units)
            con.executemany("INSERT INTO province_successors VALUES (?, ?)", successors)
        if "indicators" in stale:
            con.execute("DELETE FROM indicator_map WHERE source = 'starter'")
            con.execute("DELETE FROM indicators WHERE source = 'starter'")
            con.executemany(
                "INSERT INTO indicators VALUES (?, ?, 'starter') ON CONFLICT DO NOTHING", named
            )
            con.executemany(
                "INSERT INTO indicator_map VALUES (?, ?, ?, ?, 'starter') ON CONFLICT DO NOTHING",
                mapping,
            )
        for name in stale:
            con.execute(
                "INSERT OR REPLACE INTO schema_reference VALUES (?, ?)", [name, wanted[name]]
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
