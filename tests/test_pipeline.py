"""The Prefect flow end to end: sample site on 127.0.0.1 → Scrapy → WARC → clean → extract → DuckDB.

Flows run under Prefect's test harness (a real temporary Prefect server); the crawl is a real
Scrapy subprocess; the warehouse is a real DuckDB file.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from flows.crawl import CrawlFailed, run_crawl
from flows.pipeline import pipeline
from samples.server import SAMPLE_SITES, Canned, LocalSite
from warehouse.schema import connect

SAMPLE = SAMPLE_SITES / "baonghean"
STABLE = {
    "articles": "SELECT url, title, published_at, published_source, author, lead, body, version"
    " FROM articles",
    "figures": "SELECT a.url, f.seq, f.text, f.value, f.unit, f.period_value, f.indicator"
    " FROM figures f JOIN articles a USING (article_id)",
    "date_mentions": "SELECT a.url, d.seq, d.text, d.value, d.grain"
    " FROM date_mentions d JOIN articles a USING (article_id)",
    "pages": "SELECT DISTINCT regexp_replace(url, '^https?://[^/]+', '') AS path, skip_reason"
    " FROM pages",
}


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((SAMPLE / "expected.json").read_text(encoding="utf-8"))


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """The rows that must not depend on when or in how many steps the data was loaded."""
    with connect(db) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in STABLE.items()}


def run(site: LocalSite, tmp: Path, **options) -> dict[str, object]:
    return pipeline(
        site="baonghean",
        base_url=site.url,
        db=str(tmp / "w.duckdb"),
        data_dir=str(tmp / "data"),
        **options,
    )


@pytest.fixture(scope="module")
def reference(prefect_harness, tmp_path_factory) -> tuple[Path, dict, dict]:
    """One clean run on a fresh warehouse: its folder, summary and snapshot."""
    tmp = tmp_path_factory.mktemp("reference")
    with LocalSite(SAMPLE) as site:
        summary = run(site, tmp)
    return tmp, summary, snapshot(tmp / "w.duckdb")


def test_a_full_run_loads_every_sample_article(reference, expected: dict) -> None:
    _, summary, rows = reference
    articles = expected["articles"]
    assert summary["articles_new"] == len(articles)
    assert summary["pages_skipped"] == 0 and summary["articles_updated"] == 0
    assert summary["figures"] > 0 and summary["date_mentions"] > 0

    loaded = {row[0]: row for row in rows["articles"]}
    assert set(loaded) == {a["canonical"] for a in articles}
    for a in articles:
        _, title, published, _, author, lead, body, version = loaded[a["canonical"]]
        assert title == a["title"] and author == a["author"] and version == 1
        if a["published"]:
            assert published == datetime.fromisoformat(a["published"])
        else:
            assert published is None
        assert a["lead_snippet"] in (lead or "")
        assert all(snippet in body for snippet in a["body_snippets"])

    figures = {(row[0], row[2], row[3], row[4]) for row in rows["figures"]}
    wanted = [(a["canonical"], f) for a in articles for f in a["figures"]]
    found = [(u, f) for u, f in wanted if (u, f["text"], f["value"], f["unit"]) in figures]
    assert len(found) >= 0.95 * len(wanted), [f for u, f in wanted if (u, f) not in found][:10]


def test_the_run_is_recorded(reference) -> None:
    tmp, summary, _ = reference
    with connect(tmp / "w.duckdb") as con:
        runs = con.execute(
            "SELECT run_id, status, articles_new, figures, warc_file FROM crawl_runs"
        ).fetchall()
        archived = con.execute("SELECT warc_file, records FROM archive_files").fetchall()
    assert runs == [
        (
            summary["run_id"],
            "completed",
            summary["articles_new"],
            summary["figures"],
            archived[0][0],
        )
    ]
    assert archived[0][1] == summary["articles_new"]


def test_a_second_run_adds_nothing(reference, prefect_harness) -> None:
    tmp, _, before = reference
    with LocalSite(SAMPLE) as site:
        summary = run(site, tmp)
        article_hits = [p for p in site.paths_hit() if p.endswith(".html")]
    assert summary["articles_new"] == 0 and summary["articles_updated"] == 0
    assert article_hits == []  # incremental: known articles are not fetched again
    assert snapshot(tmp / "w.duckdb") == before


def test_a_run_killed_after_the_crawl_is_finished_by_the_next(
    reference, prefect_harness, tmp_path: Path
) -> None:
    _, _, wanted = reference
    with LocalSite(SAMPLE) as site:
        # The crawl of a run that then died: its WARC is on disk, nothing is loaded.
        warc = tmp_path / "data" / "archive" / "baonghean" / "20200101T000000Z-dead.warc.gz"
        outcome = run_crawl(
            "baonghean", base_url=site.url, warc=warc, known=set(), since=None,
            max_articles=None, log=logging.getLogger("dead-run"),
        )  # fmt: skip
        assert outcome.returncode == 0 and warc.exists()
        summary = run(site, tmp_path)
    assert summary["articles_new"] == len(wanted["articles"])
    assert snapshot(tmp_path / "w.duckdb") == wanted


def test_a_changed_article_is_updated_in_place(prefect_harness, tmp_path: Path, expected) -> None:
    target = expected["articles"][2]
    page = (SAMPLE / target["path"].lstrip("/")).read_text(encoding="utf-8")
    snippet = target["body_snippets"][0]
    edited = page.replace(snippet, snippet + " (đã cập nhật thêm số liệu mới)", 1)
    assert edited != page
    with LocalSite(SAMPLE) as site:
        run(site, tmp_path)
        site.overrides[target["path"]] = Canned(
            200, edited.encode(), {"Content-Type": "text/html; charset=utf-8"}
        )
        summary = run(site, tmp_path, mode="full")
    assert (summary["articles_new"], summary["articles_updated"]) == (0, 1)
    with connect(tmp_path / "w.duckdb") as con:
        versions = dict(con.execute("SELECT url, version FROM articles").fetchall())
        body = con.execute(
            "SELECT body FROM articles WHERE url = ?", [target["canonical"]]
        ).fetchall()
    assert versions.pop(target["canonical"]) == 2 and set(versions.values()) == {1}
    assert "đã cập nhật thêm số liệu mới" in body[0][0]


def test_a_killed_process_leaves_a_state_the_next_run_completes(
    reference, tmp_path: Path, api_url: str
) -> None:
    """SIGKILL `baotinh run` as soon as its crawl has archived the pages, then run it again
    (both against the harness's Prefect server)."""
    _, _, wanted = reference
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    archive = tmp_path / "data" / "archive" / "baonghean"
    with LocalSite(SAMPLE) as site:
        command = [
            sys.executable, "-m", "baotinh.cli", "run", "--base-url", site.url,
            "--db", str(tmp_path / "w.duckdb"), "--data-dir", str(tmp_path / "data"),
        ]  # fmt: skip
        victim = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while not list(archive.glob("*.warc.gz")) and time.monotonic() < deadline:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert snapshot(tmp_path / "w.duckdb") == wanted


def test_the_demo_query_returns_the_yearly_series(reference, expected: dict) -> None:
    from baotinh.cli import EXAMPLE_QUERY
    from warehouse.query import run_query

    tmp, _, _ = reference
    columns, rows = run_query(tmp / "w.duckdb", EXAMPLE_QUERY)
    series = next(s for s in expected["series"] if s["unit"] == "VND")
    got = {str(row[columns.index("year")]): row[columns.index("value")] for row in rows}
    assert got == {year: float(value) for year, value in series["values"].items()}


def test_an_unreachable_site_fails_the_run_and_says_why(prefect_harness, tmp_path: Path) -> None:
    with LocalSite(SAMPLE) as site:
        closed = site.url  # the server stops at the end of this block: nothing listens there
    with pytest.raises(CrawlFailed, match="no answer from the site"):
        pipeline(
            site="baonghean", base_url=closed, db=str(tmp_path / "w.duckdb"),
            data_dir=str(tmp_path / "data"),
        )  # fmt: skip
    with connect(tmp_path / "w.duckdb") as con:
        status, error = con.execute("SELECT status, error FROM crawl_runs").fetchall()[0]
    assert status == "failed" and "no answer" in error


def test_a_replay_of_a_long_url_list_loads_what_the_archive_holds(
    reference, prefect_harness, tmp_path: Path
) -> None:
    """`baotinh run --replay FILE --urls LIST` with a list far beyond what fits in a Prefect
    parameter (512 KB): the list travels as a file, and every archived article is loaded."""
    from baotinh.cli import main

    tmp, _, wanted = reference
    warcs = sorted((tmp / "data" / "archive" / "baonghean").glob("*.warc.gz"))
    with connect(tmp / "w.duckdb") as con:
        archived = [url for (url,) in con.execute("SELECT url FROM articles").fetchall()]
    padding = "x" * 1900
    absent = [f"https://baonghean.vn/khong-co-{i}-{padding}.html" for i in range(320)]
    listed = tmp_path / "urls.txt"
    listed.write_text("\n".join(archived + absent) + "\n", encoding="utf-8")
    assert listed.stat().st_size > 600_000
    code = main(
        ["run", "--site", "baonghean", *(a for w in warcs for a in ("--replay", str(w))),
         "--urls", str(listed),
         "--db", str(tmp_path / "w.duckdb"), "--data-dir", str(tmp_path / "data")]
    )  # fmt: skip
    assert code == 0
    rows = snapshot(tmp_path / "w.duckdb")
    assert rows["articles"] == wanted["articles"] and rows["figures"] == wanted["figures"]
