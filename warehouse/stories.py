"""Stories: near-duplicate articles (wire copy) grouped under one ``story_id``.

Each linked article has a row in ``story_members`` (its MinHash signature and story), its
LSH band keys in ``story_bands`` and its verified near-duplicates in ``story_links`` (both
ways). A story is a connected group of links, named after its earliest-published article
(then the smallest ``article_id``), so the groups do not depend on loading order; an
article that resembles two stories merges them. Candidates come from SQL joins on band
keys, so nothing of the warehouse is held in memory beyond the groups being relinked.

Signatures are stored (500 bytes an article as ``UINTEGER[]``) rather than recomputed:
verifying a candidate then needs no article text, and a changed text is recognised by its
signature without reading the old version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from transforms import neardup

ArticleText = tuple[int, str, datetime | None]  # article_id, text, published_at
# article_id, the text's signature (None: too short to sign), published_at
SignedArticle = tuple[int, neardup.Signature | None, datetime | None]

_BATCH = "_story_batch"


def link_stories(con: duckdb.DuckDBPyConnection, articles: Sequence[ArticleText]) -> int:
    """Link these articles to their near-duplicates; returns how many articles changed story.

    Runs in the caller's transaction (no BEGIN/COMMIT here). Linking the same article
    again with the same text and date changes nothing; a changed text replaces its band
    keys and links, and its old story is regrouped (it may split).
    """
    return link_signed(con, [(aid, neardup.signature(text), at) for aid, text, at in articles])


def link_signed(con: duckdb.DuckDBPyConnection, articles: Sequence[SignedArticle]) -> int:
    """:func:`link_stories` of articles whose texts are signed already (the page workers
    sign them with the extraction, off the loading thread)."""
    batch = _batch_table(articles)
    if batch.num_rows == 0:
        return 0
    con.register(_BATCH, batch)
    try:
        changed, resigned = _changed(con)
        if not changed:
            return 0
        seeds = set(changed) | story_mates(con, changed)
        before = _stories_of(con, seeds)
        _replace_members(con, changed, resigned)
    finally:
        con.unregister(_BATCH)
    _add_bands(con, resigned, batch)
    _add_links(con, _verified_pairs(con, resigned))
    groups = _components(con, seeds)
    before |= _stories_of(con, set().union(*groups) - seeds)  # untouched until regrouped
    after = _regroup(con, groups)
    return sum(1 for aid, story in after.items() if before.get(aid, aid) != story)


def _batch_table(articles: Sequence[SignedArticle]) -> pa.Table:
    latest = {aid: (sig, published) for aid, sig, published in articles}
    rows = []
    for aid, (sig, published) in latest.items():
        rows.append(
            {
                "article_id": aid,
                "published_at": published,
                "signature": list(sig) if sig is not None else None,
            }
        )
    schema = pa.schema(
        [
            ("article_id", pa.int64()),
            ("published_at", _timestamp_type(published for _, (_, published) in latest.items())),
            ("signature", pa.list_(pa.uint32())),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _timestamp_type(values: Iterable[datetime | None]) -> pa.DataType:
    aware = any(v is not None and v.tzinfo is not None for v in values)
    return pa.timestamp("us", tz="UTC") if aware else pa.timestamp("us")


def _changed(con: duckdb.DuckDBPyConnection) -> tuple[list[int], list[int]]:
    """Articles new or changed (text or date), and among them those whose text changed."""
    rows = con.execute(
        f"SELECT b.article_id, m.article_id IS NULL OR m.signature IS DISTINCT FROM b.signature"
        f" FROM {_BATCH} AS b LEFT JOIN story_members AS m USING (article_id)"
        f" WHERE m.article_id IS NULL OR m.signature IS DISTINCT FROM b.signature"
        f" OR m.published_at IS DISTINCT FROM b.published_at"
    ).fetchall()
    return [aid for aid, _ in rows], [aid for aid, resigned in rows if resigned]


def story_mates(con: duckdb.DuckDBPyConnection, ids: list[int]) -> set[int]:
    """Every member of the stories these articles belong to now (a relinking moves only
    those)."""
    if not ids:
        return set()
    rows = con.execute(
        "SELECT article_id FROM story_members WHERE story_id IN"
        " (SELECT story_id FROM story_members WHERE article_id IN (SELECT unnest(?)))",
        [ids],
    ).fetchall()
    return {aid for (aid,) in rows}


def _stories_of(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> dict[int, int]:
    rows = con.execute(
        "SELECT article_id, story_id FROM story_members WHERE article_id IN (SELECT unnest(?))",
        [list(ids)],
    ).fetchall()
    return dict(rows)


def _replace_members(
    con: duckdb.DuckDBPyConnection, changed: list[int], resigned: list[int]
) -> None:
    """New member rows (each its own story until regrouped); old keys and links dropped."""
    if resigned:
        con.execute("DELETE FROM story_bands WHERE article_id IN (SELECT unnest(?))", [resigned])
        con.execute(
            "DELETE FROM story_links WHERE article_id IN (SELECT unnest(?))"
            " OR other_id IN (SELECT unnest(?))",
            [resigned, resigned],
        )
    con.execute("DELETE FROM story_members WHERE article_id IN (SELECT unnest(?))", [changed])
    con.execute(
        "INSERT INTO story_members (article_id, story_id, published_at, signature, linked_at)"
        f" SELECT article_id, article_id, published_at, signature, ? FROM {_BATCH}"
        " WHERE article_id IN (SELECT unnest(?))",
        [datetime.now(UTC), changed],
    )


def _add_bands(con: duckdb.DuckDBPyConnection, resigned: list[int], batch: pa.Table) -> None:
    wanted = set(resigned)
    rows = [
        {"article_id": aid, "band": band, "key": key}
        for aid, sig in zip(
            batch.column("article_id").to_pylist(),
            batch.column("signature").to_pylist(),
            strict=True,
        )
        if aid in wanted and sig is not None
        for band, key in neardup.band_keys(sig)
    ]
    _insert(con, "story_bands", rows)


def _verified_pairs(con: duckdb.DuckDBPyConnection, ids: list[int]) -> list[tuple[int, int, float]]:
    """Pairs sharing a band key with one of ``ids``, kept when their signatures agree."""
    if not ids:
        return []
    rows = con.execute(
        "SELECT DISTINCT least(n.article_id, o.article_id), greatest(n.article_id, o.article_id)"
        " FROM story_bands AS n JOIN story_bands AS o"
        " ON o.band = n.band AND o.key = n.key AND o.article_id <> n.article_id"
        " WHERE n.article_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall()
    if not rows:
        return []
    signatures = _signatures(con, {aid for pair in rows for aid in pair})
    pairs = []
    for a, b in rows:
        score = neardup.similarity(signatures[a], signatures[b])
        if score >= neardup.THRESHOLD:
            pairs.append((a, b, score))
    return pairs


def _signatures(con: duckdb.DuckDBPyConnection, ids: set[int]) -> dict[int, list[int]]:
    rows = con.execute(
        "SELECT article_id, signature FROM story_members WHERE article_id IN (SELECT unnest(?))",
        [list(ids)],
    ).fetchall()
    return dict(rows)


def _add_links(con: duckdb.DuckDBPyConnection, pairs: list[tuple[int, int, float]]) -> None:
    rows = [
        {"article_id": x, "other_id": y, "similarity": score}
        for a, b, score in pairs
        for x, y in ((a, b), (b, a))
    ]
    _insert(con, "story_links", rows)


def _components(con: duckdb.DuckDBPyConnection, seeds: set[int]) -> list[set[int]]:
    """The connected groups of links that contain the seeds, walked in SQL rounds."""
    parent = {aid: aid for aid in seeds}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    frontier = list(seeds)
    while frontier:
        edges = con.execute(
            "SELECT article_id, other_id FROM story_links WHERE article_id IN (SELECT unnest(?))",
            [frontier],
        ).fetchall()
        frontier = []
        for a, b in edges:
            if b not in parent:
                parent[b] = b
                frontier.append(b)
            parent[find(a)] = find(b)
    groups: dict[int, set[int]] = {}
    for aid in parent:
        groups.setdefault(find(aid), set()).add(aid)
    return list(groups.values())


def _regroup(con: duckdb.DuckDBPyConnection, groups: list[set[int]]) -> dict[int, int]:
    """Give each group the id of its earliest-published member; returns every member's story."""
    rows = [{"article_id": aid, "grp": n} for n, group in enumerate(groups) for aid in group]
    if not rows:
        return {}
    con.register("_story_groups", pa.Table.from_pylist(rows))
    try:
        con.execute(
            "UPDATE story_members SET story_id = s.story_id FROM ("
            " SELECT g.article_id, first_value(m.article_id) OVER (PARTITION BY g.grp"
            " ORDER BY m.published_at ASC NULLS LAST, m.article_id) AS story_id"
            " FROM _story_groups AS g JOIN story_members AS m USING (article_id)) AS s"
            " WHERE story_members.article_id = s.article_id"
            " AND story_members.story_id <> s.story_id"
        ).fetchall()
    finally:
        con.unregister("_story_groups")
    return _stories_of(con, (r["article_id"] for r in rows))


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    con.register("_story_rows", pa.Table.from_pylist(rows))
    try:
        columns = ", ".join(rows[0])
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _story_rows")
    finally:
        con.unregister("_story_rows")
