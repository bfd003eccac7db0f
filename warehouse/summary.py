"""The series summary: ``indicator_series`` materialised in ``series_summary``.

Grouping every figure of the warehouse at each query took 13 s at ten million figures;
the summary holds the groups (one row per province, indicator, unit, change and period),
so the series views read a few hundred thousand rows instead.

Kept current in two steps. Each load batch only records, in its own transaction, the
``(indicator, province_2025, period_year)`` slices its articles touch (their figures
before and after, and the articles whose story the batch regrouped) in ``series_pending``
(:func:`mark_pending`); the views compute pending slices from the figures (exact, slower)
until :func:`refresh_pending`, called at the end of each run, recomputes them from the
figures of those slices only and clears them. Recomputing in the batch cost ~2 s per batch
at ten million figures and held the file's write lock that long.
Every (indicator_key, unit) pair summarised is listed in ``series_summary_keys`` with the
indicator it was summarised under (a batch lists new pairs under their name at the time);
an ``indicator_map`` edit that renames a pair makes the views compute the indicators
concerned from the figures (exact at once, slower) until the next refresh folds them in.
Changing a paper's provinces (``sites``) is not noticed: call :func:`rebuild` after it.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from warehouse.schema import memory_cap_mib

REFRESH_CHUNK = 2_000  # pending slices recomputed per transaction by refresh_pending
# What one statement of _insert_groups may group (whole slices: a slice can exceed it), per
# MiB of DuckDB's memory cap beyond GROUP_RESERVED_MIB: a figure counts 1 and a group
# GROUP_WEIGHT more (a group holds more memory than a figure). About 500,000 under the
# writers' 128 MB. Measured with one-figure groups: a statement of this cost 1.05M passed
# and 1.75M failed under 128 MB, 0.23M passed and 0.27M failed under 48 MB; about 24 MiB of
# a cap is not the groups', and these leave a margin of about two.
GROUP_BUDGET_PER_MIB = 5_000
GROUP_RESERVED_MIB = 24
GROUP_WEIGHT = 6

# Each figure of a series with its place, indicator (through _series_names) and story.
_POINTS = """
SELECT
    coalesce(f.place_province, p.paper_province)                           AS province,
    coalesce(ps.province_2025, f.place_province, p.paper_province_2025)    AS province_2025,
    n.indicator,
    f.indicator_key,
    f.unit,
    f.change,
    f.period_grain,
    f.period_value,
    f.period_value_to,
    f.period_first_day,
    f.period_last_day,
    f.value,
    f.article_id,
    coalesce(m.story_id, f.article_id)                                     AS story_id
FROM figures AS f
JOIN {names} AS n
    ON n.indicator_key = f.indicator_key AND n.unit IS NOT DISTINCT FROM f.unit
JOIN articles AS a USING (article_id)
JOIN paper_provinces AS p USING (site_key)
LEFT JOIN story_members AS m USING (article_id)
LEFT JOIN province_successors AS ps
    ON ps.province_before = coalesce(f.place_province, p.paper_province)
WHERE f.indicator_key IS NOT NULL AND {where}
"""

# The groups of _series_points, as indicator_series has them. Grouping on a hash of the
# group columns (gid), then taking them back with any_value, is several times faster than
# grouping on the ten (mostly text) columns when distinct counts are involved.
_GROUPS = """
WITH g AS (SELECT * FROM _series_points WHERE {points})
SELECT
    any_value(province), any_value(province_2025), any_value(indicator), min(indicator_key),
    any_value(unit), any_value(change), any_value(period_grain), any_value(period_value),
    any_value(period_value_to), any_value(period_first_day), any_value(period_last_day),
    year(any_value(period_first_day)),
    median(value), min(value), max(value), count(*),
    count(DISTINCT article_id), count(DISTINCT story_id)
FROM g
GROUP BY gid
"""

# The current indicator of each pair: indicator_map (a user's row first, then the pair's
# unit before '*'), else the key itself, as indicator_series names them.
_NAMES = """
CREATE OR REPLACE TEMP TABLE _series_names AS
SELECT k.indicator_key, k.unit,
       coalesce(iu.indicator, ia.indicator, k.indicator_key) AS indicator
FROM ({pairs}) AS k
LEFT JOIN indicator_lookup AS iu ON iu.indicator_key = k.indicator_key AND iu.unit = k.unit
LEFT JOIN indicator_lookup AS ia ON ia.indicator_key = k.indicator_key AND ia.unit = '*'
"""


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM series_summary_state").fetchall()[0][0])


def ensure_built(con: duckdb.DuckDBPyConnection) -> None:
    """Build the summary of a warehouse that has none yet (upgraded from version 5 or less)."""
    if is_built(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        rebuild(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def rebuild(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute the whole summary from the figures (in the caller's transaction); rows."""
    _names(con, "SELECT DISTINCT indicator_key, unit FROM figures WHERE indicator_key IS NOT NULL")
    con.execute("DELETE FROM series_summary")
    _points(con, "_series_names", "true")
    _insert_groups(con)
    _keep_names(con)
    con.execute("DELETE FROM series_pending")
    con.execute("DELETE FROM series_summary_state")
    con.execute("INSERT INTO series_summary_state VALUES (current_timestamp)")
    _drop(con)
    return con.execute("SELECT count(*) FROM series_summary").fetchall()[0][0]


def slices_of(con: duckdb.DuckDBPyConnection, article_ids: Iterable[int]) -> set[tuple]:
    """The ``(indicator, province_2025, period_year)`` slices the figures of these articles
    are in now (indicators as indicator_map names them now)."""
    ids = list(set(article_ids))
    if not ids:
        return set()
    _names(con, _PAIRS_OF_ARTICLES, ids=ids)
    return _slices(con, ids)


def mark_pending(
    con: duckdb.DuckDBPyConnection, article_ids: Iterable[int], old_slices: Iterable[tuple] = ()
) -> int:
    """Record as pending the slices these articles' figures are in now and ``old_slices``
    (where figures deleted since were), in the caller's (the batch's) transaction; a pair of
    their figures that no summary row names yet is listed in ``series_summary_keys`` under
    its name now, so that the views find its figures. Returns the slices newly pending."""
    ids = list(set(article_ids))
    slices = set(old_slices)
    if ids:
        _names(con, _PAIRS_OF_ARTICLES, ids=ids)
        slices |= _slices(con, ids)
        con.execute(
            "INSERT INTO series_summary_keys SELECT indicator_key, unit, indicator"
            " FROM _series_names AS n WHERE NOT EXISTS (SELECT 1 FROM series_summary_keys AS k"
            " WHERE k.indicator_key = n.indicator_key AND k.unit IS NOT DISTINCT FROM n.unit)"
        )
    _drop(con)
    if not slices:
        return 0
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _series_slices"
        " (indicator VARCHAR, province_2025 VARCHAR, period_year BIGINT)"
    )
    con.executemany("INSERT INTO _series_slices VALUES (?, ?, ?)", sorted(slices, key=str))
    added = con.execute(
        "INSERT INTO series_pending (indicator, province_2025, period_year)"
        " SELECT * FROM _series_slices AS s WHERE NOT EXISTS"
        " (SELECT 1 FROM series_pending AS p WHERE p.indicator = s.indicator"
        " AND p.province_2025 IS NOT DISTINCT FROM s.province_2025"
        " AND p.period_year IS NOT DISTINCT FROM s.period_year)"
    ).fetchall()[0][0]
    _drop(con)
    return added


def pending(con: duckdb.DuckDBPyConnection) -> int:
    """The slices waiting for :func:`refresh_pending`."""
    return con.execute("SELECT count(*) FROM series_pending").fetchall()[0][0]


def refresh_pending(con: duckdb.DuckDBPyConnection, chunk: int = REFRESH_CHUNK) -> int:
    """Recompute the pending slices and every indicator an ``indicator_map`` edit renamed,
    and clear them; returns the summary rows written.

    Called at the end of each run, so a run that died with slices pending has them
    refreshed by the next one (the views are exact meanwhile). The slices are done ``chunk``
    at a time, each chunk in a transaction of its own that also clears them: a slice is
    summarised from its own figures, so a refresh stopped between chunks leaves only exact
    state (done slices summarised, the rest pending), and a refresh after a large import
    holds a bounded number of slices at once (each slice's figures still come whole). One
    summary writer at a time per process: it waits for a loading batch of another thread,
    and they wait for it.
    """
    from warehouse.load import _LOADING  # the loader's lock (load imports this module)

    if chunk < 1:
        raise ValueError(f"a refresh chunk holds at least one slice, not {chunk}")
    written = 0
    with _LOADING:
        while True:
            con.execute("BEGIN TRANSACTION")
            try:
                if not is_built(con):
                    written = rebuild(con)  # it clears series_pending
                    more = False
                else:
                    slices = _take_pending(con, chunk)
                    _names(con, "SELECT indicator_key, unit FROM series_summary_keys")
                    written += _recompute(con, slices)
                    more = slices == chunk
                    _drop(con)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            if not more:
                return written


def _take_pending(con: duckdb.DuckDBPyConnection, chunk: int) -> int:
    """Move the first ``chunk`` pending slices (in a fixed order) from ``series_pending`` to
    ``_series_slices``; returns how many there were."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _series_slices AS"
        " SELECT DISTINCT indicator, province_2025, period_year FROM series_pending"
        " ORDER BY ALL LIMIT $chunk",
        {"chunk": chunk},
    )
    con.execute(
        "DELETE FROM series_pending AS p WHERE EXISTS (SELECT 1 FROM _series_slices AS s"
        " WHERE s.indicator = p.indicator AND s.province_2025 IS NOT DISTINCT FROM p.province_2025"
        " AND s.period_year IS NOT DISTINCT FROM p.period_year)"
    )
    return con.execute("SELECT count(*) FROM _series_slices").fetchall()[0][0]


def _recompute(con: duckdb.DuckDBPyConnection, slices: int) -> int:
    """Recompute the ``slices`` slices of ``_series_slices`` and the indicators renamed since
    they were summarised, naming the pairs of ``_series_names`` (every pair summarised, and
    any new one)."""
    renamed = {
        name
        for pair in con.execute(
            "SELECT k.indicator, n.indicator FROM series_summary_keys AS k JOIN _series_names AS n"
            " ON n.indicator_key = k.indicator_key AND n.unit IS NOT DISTINCT FROM k.unit"
            " WHERE n.indicator <> k.indicator"
        ).fetchall()
        for name in pair
    }
    if not slices and not renamed:  # no figure of a series touched: no new pair either
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE _series_renamed (indicator VARCHAR)")
    if renamed:
        con.executemany("INSERT INTO _series_renamed VALUES (?)", [[n] for n in sorted(renamed)])
    wanted = (
        "(s.indicator IN (SELECT indicator FROM _series_renamed)"
        " OR (s.indicator, s.province_2025, {year}) IN"
        " (SELECT (indicator, province_2025, period_year) FROM _series_slices))"
    )
    con.execute(f"DELETE FROM series_summary AS s WHERE {wanted.format(year='s.period_year')}")
    # read only the figures of the pairs named as a wanted indicator and, unless an
    # indicator is redone everywhere, those that can be in a wanted province
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _series_use AS SELECT * FROM _series_names"
        " WHERE indicator IN (SELECT indicator FROM _series_renamed"
        " UNION SELECT indicator FROM _series_slices)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _series_where AS SELECT DISTINCT province_2025 AS p"
        " FROM _series_slices"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _series_years AS SELECT DISTINCT period_year AS y"
        " FROM _series_slices"
    )
    _points(con, "_series_use", "true" if renamed else _IN_PROVINCES)
    year = "year(s.period_first_day)"
    con.execute(f"DELETE FROM _series_points AS s WHERE NOT {wanted.format(year=year)}")
    written = _insert_groups(con)
    _keep_names(con)
    return written


def _insert_groups(con: duckdb.DuckDBPyConnection) -> int:
    """Insert the groups of ``_series_points`` into ``series_summary``, whole slices packed
    into ranges of at most :func:`group_budget` (a figure counts 1, a group ``GROUP_WEIGHT``
    more) and grouped one statement each; returns the rows written.

    A median keeps every value of its group in memory (DuckDB cannot spill it) and each
    group holds its columns and distinct counts, so one statement over all the figures of a
    rebuild or a large refresh ran out of the writers' memory cap: two million figures in
    a few groups each, or a million figures each in a group of its own (a day's figure),
    at 128 MB. No group crosses a slice, so grouping the slices a range at a time gives the
    same rows.
    """
    ranges = con.execute(
        "SELECT min(slice), max(slice) FROM ("
        " SELECT slice, (sum(cost) OVER (ORDER BY slice ROWS UNBOUNDED PRECEDING) - cost)"
        " // $budget AS batch FROM ("
        "  SELECT slice, sum(n) + $weight * count(*) AS cost FROM ("
        "   SELECT slice, gid, count(*) AS n FROM _series_points GROUP BY slice, gid"
        "  ) GROUP BY slice"
        " )"
        ") GROUP BY batch ORDER BY batch",
        {"budget": group_budget(con), "weight": GROUP_WEIGHT},
    ).fetchall()
    if len(ranges) <= 1:
        sql = f"INSERT INTO series_summary {_GROUPS.format(points='true')}"
        return con.execute(sql).fetchall()[0][0]
    sql = f"INSERT INTO series_summary {_GROUPS.format(points='slice BETWEEN $lo AND $hi')}"
    return sum(con.execute(sql, {"lo": lo, "hi": hi}).fetchall()[0][0] for lo, hi in ranges)


def group_budget(con: duckdb.DuckDBPyConnection) -> int:
    """What one grouping statement may hold under this connection's memory cap (see
    :data:`GROUP_BUDGET_PER_MIB`): the budget follows ``$BAOTINH_MEMORY_LIMIT``."""
    return int(max(1.0, memory_cap_mib(con) - GROUP_RESERVED_MIB) * GROUP_BUDGET_PER_MIB)


# The (indicator_key, unit) pairs of some articles' figures.
_PAIRS_OF_ARTICLES = (
    "SELECT DISTINCT indicator_key, unit FROM figures"
    " WHERE indicator_key IS NOT NULL AND article_id IN (SELECT unnest($ids::BIGINT[]))"
)

# Figures that can be in a slice of _series_slices (a superset: the exact test follows): of
# a year of _series_years, and in a province of _series_where: their text names it or one
# that became part of it, or they name none and their paper's is.
_IN_PROVINCES = """(
    year(f.period_first_day) IN (SELECT y FROM _series_years)
    OR (f.period_first_day IS NULL AND EXISTS (SELECT 1 FROM _series_years WHERE y IS NULL))
) AND (
    f.place_province IN (SELECT p FROM _series_where)
    OR f.place_province IN (SELECT province_before FROM province_successors
                            WHERE province_2025 IN (SELECT p FROM _series_where))
    OR (f.place_province IS NULL AND f.article_id IN (
        SELECT a.article_id FROM articles AS a
        JOIN paper_provinces AS pp USING (site_key)
        LEFT JOIN province_successors AS s ON s.province_before = pp.paper_province
        WHERE coalesce(s.province_2025, pp.paper_province_2025) IN (SELECT p FROM _series_where)
    ))
)"""


def _slices(con: duckdb.DuckDBPyConnection, ids: list[int]) -> set[tuple]:
    sql = _POINTS.format(names="_series_names", where="f.article_id IN (SELECT unnest($ids))")
    rows = con.execute(
        f"SELECT DISTINCT indicator, province_2025, year(period_first_day) FROM ({sql})",
        {"ids": ids},
    ).fetchall()
    return set(rows)


def _names(con: duckdb.DuckDBPyConnection, pairs: str, **params: object) -> None:
    con.execute(_NAMES.format(pairs=pairs), params or None)


def _points(con: duckdb.DuckDBPyConnection, names: str, where: str) -> None:
    """``_series_points``: the figures ``where`` selects, each with its group (``gid``: a
    hash of the group's columns) and its slice (hashed: a collision only puts two slices in
    the same statement of :func:`_insert_groups`)."""
    sql = _POINTS.format(names=names, where=where)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _series_points AS SELECT *,"
        " hash(province, province_2025, indicator, unit, change, period_grain, period_value,"
        " period_value_to, period_first_day, period_last_day) AS gid,"
        " hash(indicator, province_2025, year(period_first_day)) AS slice"
        f" FROM ({sql})"
    )


def _keep_names(con: duckdb.DuckDBPyConnection) -> None:
    """Every pair summarised, under the name it was summarised under (now: all of them)."""
    con.execute("DELETE FROM series_summary_keys")
    con.execute(
        "INSERT INTO series_summary_keys SELECT indicator_key, unit, indicator FROM _series_names"
    )


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("_series_names", "_series_points", "_series_use", "_series_slices",
                  "_series_renamed", "_series_where", "_series_years"):  # fmt: skip
        con.execute(f"DROP TABLE IF EXISTS {table}")
