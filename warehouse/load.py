"""The idempotent loader: cleaned and extracted pages in, rows in DuckDB out.

An article's identity is its canonical URL (``article_id`` is a hash of it). Loading the
same pages again changes nothing; a newer fetch whose text differs updates the article in
place (``version`` + 1) and replaces its date mentions and figures; an older fetch never
overwrites a newer one. Each batch is one transaction, ingested from Arrow tables.

A page is only trusted to write the article its canonical URL names when it was fetched from
that URL, from a URL the article's pages already came from, from a URL with the same article
id, or carries the article's title: a page whose canonical link names another, already known,
article is a skip instead ("canonical names another article: ..."), never an overwrite.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from transforms import neardup
from transforms.canonical import article_ids
from transforms.models import Article, DateMention, Figure
from transforms.urls import normalize_url
from warehouse.records import UNSIGNED, FetchedPage, LoadCounts, PageResult
from warehouse.stories import link_signed, story_mates
from warehouse.summary import mark_pending, slices_of

__all__ = ["FetchedPage", "LoadCounts", "PageResult", "article_id", "load_results"]


@dataclass
class _Plan:
    write: list[tuple[PageResult, int, int, datetime]] = field(default_factory=list)
    touch: list[tuple[int, datetime]] = field(default_factory=list)
    replaced_ids: list[int] = field(default_factory=list)


def article_id(url: str) -> int:
    """A stable signed 64-bit id for a canonical URL."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _signature(result: PageResult) -> neardup.Signature | None:
    """The article text's signature: the worker's, or computed here for a result that came
    unsigned (built outside the page workers)."""
    if result.signature == UNSIGNED:
        return neardup.signature(result.article.text)
    return result.signature


def text_sha1(article: Article) -> str:
    content = "\x1f".join([article.title or "", article.lead or "", article.body])
    return hashlib.sha1(content.encode("utf-8")).hexdigest()


# One loading transaction at a time per process. The papers of a fan-out load from threads
# of one process, each on its own connection; DuckDB's optimistic concurrency aborts one of two
# transactions that touch the same rows ("Conflict on tuple deletion"), and the series
# summary and story tables are shared by every paper. Across processes the file lock
# serialises writers already.
_LOADING = threading.Lock()


def load_results(
    con: duckdb.DuckDBPyConnection,
    site_key: str,
    results: Sequence[PageResult],
    extractor_version: str,
    *,
    force: bool = False,
) -> LoadCounts:
    """Load one batch in one transaction; returns what changed.

    ``force`` rewrites the extraction of articles whose text did not change (reprocessing
    with code that changed without a new extractor version).
    """
    with _LOADING:
        return _load_results_locked(con, site_key, results, extractor_version, force=force)


def _load_results_locked(
    con: duckdb.DuckDBPyConnection,
    site_key: str,
    results: Sequence[PageResult],
    extractor_version: str,
    *,
    force: bool,
) -> LoadCounts:
    results = _refuse_foreign(con, results)
    good = [r.article for r in results if r.article is not None]
    counts = LoadCounts(
        skipped=len(results) - len(good),
        articles=len(good),
        titled=sum(1 for a in good if a.title),
        dated=sum(1 for a in good if a.published is not None),
    )
    latest = _latest_per_article(results)
    existing = _existing(con, list(latest))
    plan = _plan(latest, existing, extractor_version, counts, force=force)
    now = datetime.now(UTC)

    con.execute("BEGIN TRANSACTION")
    try:
        _insert(con, "pages", _page_rows(site_key, results), on_conflict="DO NOTHING")
        _insert(
            con, "articles", _article_rows(site_key, plan, extractor_version, now), "OR REPLACE"
        )
        _touch(con, plan.touch)
        written = [aid for _, aid, *_ in plan.write]
        # the series summary's slices this batch changes, left pending (the views compute
        # them live) until the run's end refreshes them: where the figures about to be
        # replaced were, and the articles whose story linking may change (the written
        # ones' story mates, before and after)
        old_slices = slices_of(con, plan.replaced_ids)
        mates = story_mates(con, written)
        link_signed(con, [(aid, _signature(r), r.article.published) for r, aid, *_ in plan.write])
        for table in ("date_mentions", "figures"):
            _delete_children(con, table, plan.replaced_ids)
        dates = [row for r, aid, *_ in plan.write for row in _date_rows(aid, r.dates)]
        figures = [row for r, aid, *_ in plan.write for row in _figure_rows(aid, r.figures)]
        _insert(con, "date_mentions", dates)
        _insert(con, "figures", figures)
        if written:
            mark_pending(con, set(written) | mates | story_mates(con, written), old_slices)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    counts.date_mentions, counts.figures = len(dates), len(figures)
    return counts


def _refuse_foreign(
    con: duckdb.DuckDBPyConnection, results: Sequence[PageResult]
) -> list[PageResult]:
    """Turn pages whose canonical URL names another known article into skips.

    A page is foreign when its fetched URL (normalised, host ignored) is not its canonical
    URL; it may still write the article when the article is unknown, when its fetched URL is
    one the article's pages came from, when both URLs carry the same article id, or when its
    title is the article's.
    """
    foreign = [r for r in results if r.article is not None and not _fetched_as_canonical(r)]
    if not foreign:
        return list(results)
    known = _known_articles(con, list({article_id(r.article.url) for r in foreign}))
    for r in results:  # the same batch's own pages of those articles count as known
        if r.article is not None and _fetched_as_canonical(r):
            entry = known.setdefault(article_id(r.article.url), (r.article.title, set()))
            entry[1].add(_place(r.article.url))
    foreign_ids = {id(r) for r in foreign}
    out = []
    for result in results:
        if id(result) in foreign_ids:
            reason = _foreign_reason(result, known.get(article_id(result.article.url)))
            if reason:
                result = replace(result, article=None, dates=(), figures=(), skip_reason=reason)
        out.append(result)
    return out


def _foreign_reason(result: PageResult, known: tuple[str | None, set[tuple]] | None) -> str | None:
    if known is None:
        return None
    title, places = known
    article = result.article
    if _place(result.page.url) in places or _same_title(article.title, title):
        return None
    if article_ids(result.page.url) & article_ids(article.url):
        return None
    return (
        f"canonical names another article: {article.url} is known from other URLs as "
        f"{title!r}; this page is {article.title!r}"
    )


def _known_articles(
    con: duckdb.DuckDBPyConnection, ids: list[int]
) -> dict[int, tuple[str | None, set[tuple]]]:
    """Title and fetched places (path, query) of known articles, by id."""
    rows = con.execute(
        "SELECT article_id, title, url FROM articles WHERE article_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall()
    known = {aid: (title, {_place(url)}) for aid, title, url in rows}
    pages = con.execute(
        "SELECT article_id, url FROM pages WHERE article_id IN (SELECT unnest(?))", [ids]
    ).fetchall()
    for aid, url in pages:
        if aid in known:
            known[aid][1].add(_place(url))
    return known


def _fetched_as_canonical(result: PageResult) -> bool:
    return _place(result.page.url) == _place(result.article.url)


def _place(url: str) -> tuple[str, str]:
    """Path and query of a normalised URL: the same article on a mirror or a subdomain."""
    parts = urlsplit(normalize_url(url) if "://" in url else url)
    return parts.path.rstrip("/") or "/", parts.query


def _same_title(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _latest_per_article(results: Sequence[PageResult]) -> dict[int, PageResult]:
    latest: dict[int, PageResult] = {}
    for result in results:
        if result.article is None:
            continue
        key = article_id(result.article.url)
        if key not in latest or result.page.fetched_at > latest[key].page.fetched_at:
            latest[key] = result
    return latest


def _existing(con: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, tuple]:
    if not ids:
        return {}
    rows = con.execute(
        "SELECT article_id, text_sha1, extractor_version, version, first_seen_at,"
        " last_fetched_at FROM articles WHERE article_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _plan(
    latest: dict[int, PageResult],
    existing: dict[int, tuple],
    extractor_version: str,
    counts: LoadCounts,
    *,
    force: bool = False,
) -> _Plan:
    plan = _Plan()
    for aid, result in latest.items():
        fetched = result.page.fetched_at
        old = existing.get(aid)
        if old is None:
            plan.write.append((result, aid, 1, fetched))
            counts.new += 1
            continue
        old_sha, old_version_tag, version, first_seen, last_fetched = old
        if fetched < last_fetched:
            counts.unchanged += 1  # an older copy than the one loaded: never overwrite
            continue
        content_changed = text_sha1(result.article) != old_sha
        if content_changed or force or extractor_version != old_version_tag:
            plan.write.append((result, aid, version + int(content_changed), first_seen))
            plan.replaced_ids.append(aid)
            counts.updated += 1
        else:
            counts.unchanged += 1
            if fetched > last_fetched:
                plan.touch.append((aid, fetched))
    return plan


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], on_conflict: str = ""
) -> None:
    if not rows:
        return
    batch = pa.Table.from_pylist(rows)
    con.register("_batch", batch)
    try:
        columns = ", ".join(batch.column_names)
        verb = "INSERT OR REPLACE" if on_conflict == "OR REPLACE" else "INSERT"
        tail = f"ON CONFLICT {on_conflict}" if on_conflict.startswith("DO") else ""
        con.execute(f"{verb} INTO {table} ({columns}) SELECT {columns} FROM _batch {tail}")
    finally:
        con.unregister("_batch")


def _touch(con: duckdb.DuckDBPyConnection, touched: list[tuple[int, datetime]]) -> None:
    for aid, fetched in touched:
        con.execute("UPDATE articles SET last_fetched_at = ? WHERE article_id = ?", [fetched, aid])


def _delete_children(con: duckdb.DuckDBPyConnection, table: str, ids: list[int]) -> None:
    if ids:
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [ids])


def _page_rows(site_key: str, results: Sequence[PageResult]) -> list[dict]:
    return [
        {
            "warc_file": r.page.warc_file,
            "warc_offset": r.page.warc_offset,
            "site_key": site_key,
            "url": r.page.url,
            "fetched_at": r.page.fetched_at,
            "status": r.page.status,
            "content_sha1": r.page.content_sha1,
            "source": r.page.source,
            "article_id": article_id(r.article.url) if r.article else None,
            "skip_reason": r.skip_reason,
        }
        for r in results
    ]


def _article_rows(site_key: str, plan: _Plan, extractor_version: str, now: datetime) -> list[dict]:
    rows = []
    for result, aid, version, first_seen in plan.write:
        article = result.article
        rows.append(
            {
                "article_id": aid,
                "url": article.url,
                "site_key": site_key,
                "title": article.title,
                "published_at": article.published,
                "published_source": article.published_source,
                "author": article.author,
                "lead": article.lead,
                "body": article.body,
                "text_sha1": text_sha1(article),
                "extractor_version": extractor_version,
                "version": version,
                "first_seen_at": first_seen,
                "last_fetched_at": result.page.fetched_at,
                "updated_at": now,
                "warc_file": result.page.warc_file,
                "warc_offset": result.page.warc_offset,
                "source": result.page.source,
            }
        )
    return rows


def _date_rows(aid: int, dates: Sequence[DateMention]) -> list[dict]:
    return [
        {
            "article_id": aid,
            "seq": seq,
            "text": d.text,
            "start_offset": d.start,
            "end_offset": d.end,
            "value": d.value,
            "value_to": d.value_to,
            "grain": d.grain,
            "first_day": d.first_day,
            "last_day": d.last_day,
            "relative": d.relative,
        }
        for seq, d in enumerate(dates)
    ]


def _figure_rows(aid: int, figures: Sequence[Figure]) -> list[dict]:
    rows = []
    for seq, f in enumerate(figures):
        period = f.period
        rows.append(
            {
                "article_id": aid,
                "seq": seq,
                "text": f.text,
                "start_offset": f.start,
                "end_offset": f.end,
                "value": float(f.value),
                "value_max": None if f.value_max is None else float(f.value_max),
                "unit": f.unit,
                "unit_text": f.unit_text,
                "kind": f.kind,
                "qualifier": f.qualifier,
                "change": f.change,
                "per": f.per,
                "group_id": f.group,
                "indicator": f.indicator,
                "sentence": f.sentence,
                "period_value": period.value if period else None,
                "period_value_to": period.value_to if period else None,
                "period_grain": period.grain if period else None,
                "period_first_day": period.first_day if period else None,
                "period_last_day": period.last_day if period else None,
                "period_rule": period.rule if period else None,
                "numerator": f.numerator,
                "denominator": f.denominator,
                "share": f.share,
                "indicator_key": f.indicator_key,
                "place_province": f.place_province,
                "place_rule": f.place_rule,
                "place_district": f.place_district,
            }
        )
    return rows
