"""The fan-out over papers, health, the paper lock and reprocess, on the four sample papers.

Flows run under Prefect's test harness; every paper is a real server on loopback (each sample
paper on its own address, as ``serve_samples`` puts them), every crawl a real Scrapy
subprocess, the warehouse a real DuckDB file.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows.crawl import is_loopback
from flows.health import SiteBroken
from flows.locks import PaperBusy, paper_lock
from flows.pipeline import crawl_papers, pipeline
from flows.reprocess import reprocess
from registry import get_site
from registry.config import Config
from samples.server import SAMPLES_DIR, LocalSite, open_samples, sample_host, sample_keys
from warehouse.schema import connect

REPO = Path(__file__).resolve().parents[1]
REGISTRY = str(REPO / "samples" / "papers.toml")
PAPERS = ["mau-cantho", "mau-hagiang", "mau-nghean", "mau-tuyenquang"]
CONCURRENCY = 4  # children at once, as a live run does


def expected(key: str) -> dict:
    return json.loads((SAMPLES_DIR / key / "expected.json").read_text(encoding="utf-8"))


def canonical(key: str) -> set[str]:
    return {a["canonical"] for a in expected(key)["articles"]}


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect(db) as con:
        return con.execute(sql, params or []).fetchall()


def urls_by_paper(db: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for key, url in rows(db, "SELECT site_key, url FROM articles"):
        found.setdefault(key, set()).add(url)
    return found


@pytest.fixture(scope="module")
def fanout(prefect_harness, tmp_path_factory) -> SimpleNamespace:
    """One fan-out over the four sample papers into a fresh warehouse."""
    tmp = tmp_path_factory.mktemp("fanout")
    with open_samples(PAPERS) as sites:
        state = crawl_papers(
            sites=PAPERS,
            db=str(tmp / "w.duckdb"),
            data_dir=str(tmp / "data"),
            registry=REGISTRY,
            base_urls={key: site.url for key, site in sites.items()},
            label="fanout-test",
            artifact_prefix="fanout-test",
            concurrency=CONCURRENCY,
            return_state=True,
        )
    return SimpleNamespace(
        tmp=tmp,
        db=tmp / "w.duckdb",
        state=state,
        flow_run_id=state.state_details.flow_run_id,
    )


def test_the_fanout_loads_every_article_of_every_paper(fanout) -> None:
    assert fanout.state.is_completed(), fanout.state.message
    results = {r["site"]: r for r in fanout.state.result()}
    assert set(results) == set(PAPERS)
    for key in PAPERS:
        assert results[key]["articles_new"] == len(canonical(key)), key
        assert results[key]["health"] == "ok" and "failed" not in results[key]
    assert urls_by_paper(fanout.db) == {key: canonical(key) for key in PAPERS}


def test_one_crawl_run_per_paper_under_one_parent(fanout) -> None:
    runs = rows(
        fanout.db,
        "SELECT site_key, status, health, parent_run_id, articles_new FROM crawl_runs",
    )
    assert sorted(r[0] for r in runs) == PAPERS
    assert {(r[1], r[2]) for r in runs} == {("completed", "ok")}
    parents = {r[3] for r in runs}
    assert len(parents) == 1 and None not in parents
    assert {r[0]: r[4] for r in runs} == {key: len(canonical(key)) for key in PAPERS}


def test_child_runs_are_named_and_tagged_after_their_paper(fanout) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        children = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[fanout.flow_run_id])
            )
        )
    assert len(children) == len(PAPERS)
    recorded = {
        str(r[0]): r[1] for r in rows(fanout.db, "SELECT flow_run_id, site_key FROM crawl_runs")
    }
    for child in children:
        key = recorded[str(child.id)]  # the crawl_runs row names the Prefect run
        paper = get_site(key, REGISTRY)
        assert child.name.startswith(f"{key}-"), child.name
        assert {key, paper.province} <= set(child.tags), child.tags
        assert child.state is not None and child.state.is_completed()
    assert sorted(recorded.values()) == PAPERS


def test_the_parent_publishes_one_table_row_per_paper(fanout) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["fanout-test-papers"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[fanout.flow_run_id]),
            )
        )
    assert len(artifacts) == 1 and artifacts[0].type == "table"
    data = artifacts[0].data
    table = json.loads(data) if isinstance(data, str) else data
    assert sorted(row["site"] for row in table) == PAPERS
    for row in table:
        assert row["articles_new"] == len(canonical(row["site"])) and row["health"] == "ok"


def test_an_unreachable_paper_fails_alone_and_the_parent_names_it(
    prefect_harness, tmp_path: Path, monkeypatch
) -> None:
    import flows.pipeline

    # Retries of an unreachable site are tested in test_orchestration; here it fails at once.
    monkeypatch.setattr(flows.pipeline, "crawl", flows.pipeline.crawl.with_options(retries=0))
    broken = "mau-hagiang"
    with LocalSite(SAMPLES_DIR / broken) as gone:
        closed = gone.url  # nothing listens there once the block ends
    served = [key for key in PAPERS if key != broken]
    with open_samples(served) as sites:
        bases = {key: site.url for key, site in sites.items()} | {broken: closed}
        with pytest.raises(RuntimeError) as failure:
            crawl_papers(
                sites=PAPERS, db=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"),
                registry=REGISTRY, base_urls=bases, label="one-broken",
                artifact_prefix="one-broken", concurrency=CONCURRENCY,
            )  # fmt: skip
    message = str(failure.value)
    assert "1 of 4 papers failed" in message
    assert f"{broken}: " in message and "no answer from the site" in message
    assert not any(f"{key}:" in message for key in served)
    assert urls_by_paper(tmp_path / "w.duckdb") == {key: canonical(key) for key in served}
    runs = dict(
        (key, (status, error))
        for key, status, error in rows(
            tmp_path / "w.duckdb", "SELECT site_key, status, error FROM crawl_runs"
        )
    )
    assert runs[broken][0] == "failed" and "no answer from the site" in runs[broken][1]
    assert {runs[key] for key in served} == {("completed", None)}


def test_a_paper_whose_links_match_nothing_is_broken(prefect_harness, tmp_path: Path) -> None:
    """The entry's URL family no longer fits the site: listings parse, no article link."""
    entry = (REPO / "samples" / "papers.toml").read_text(encoding="utf-8")
    start = entry.index('[[paper]]\nkey = "mau-cantho"')
    block = entry[start : entry.index("[[paper]]", start + 1)]
    assert 'family = "post-id"' in block
    registry = tmp_path / "changed.toml"
    registry.write_text(block.replace('family = "post-id"', 'family = "htm-id"'), "utf-8")
    with LocalSite(SAMPLES_DIR / "mau-cantho") as site:
        state = pipeline(
            site="mau-cantho", base_url=site.url, db=str(tmp_path / "w.duckdb"),
            data_dir=str(tmp_path / "data"), registry=str(registry), return_state=True,
        )  # fmt: skip
    assert state.is_failed()
    with pytest.raises(SiteBroken, match="no article link"):
        state.result()
    ((status, health, reason, links, listings),) = rows(
        tmp_path / "w.duckdb",
        "SELECT status, health, health_reason, article_links, listing_pages FROM crawl_runs",
    )
    assert (status, health, links) == ("failed", "broken", 0) and listings > 0
    assert "no article link" in reason
    assert rows(tmp_path / "w.duckdb", "SELECT count(*) FROM articles") == [(0,)]


def test_a_held_lock_makes_a_second_run_of_the_paper_skip_at_once(
    prefect_harness, tmp_path: Path
) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    state_dir = Config.load(db, data).state_dir
    with LocalSite(SAMPLES_DIR / "mau-cantho") as site:
        options = dict(
            site="mau-cantho", base_url=site.url, db=str(db), data_dir=str(data),
            registry=REGISTRY,
        )  # fmt: skip
        with paper_lock(state_dir, "mau-cantho"):
            started = time.monotonic()
            state = pipeline(**options, return_state=True)
            assert time.monotonic() - started < 15  # no wait for the lock
            assert state.is_completed() and state.name == "Skipped", state
            assert "mau-cantho is being crawled by pid" in state.message
            assert state.result() == {"site": "mau-cantho", "skipped": state.message}
            assert site.paths_hit() == []
        assert not db.exists() or rows(db, "SELECT count(*) FROM articles") == [(0,)]
        summary = pipeline(**options)
    assert summary["articles_new"] == len(canonical("mau-cantho"))


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    holder = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from flows.locks import paper_lock\n"
        "with paper_lock(Path(sys.argv[1]), 'mau-cantho'):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(300)\n"
    )
    victim = subprocess.Popen(
        [sys.executable, "-c", holder, str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert victim.stdout is not None and victim.stdout.readline().strip() == "held"
        with (
            pytest.raises(PaperBusy, match=f"pid {victim.pid}"),
            paper_lock(tmp_path, "mau-cantho"),
        ):
            pass
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    assert (tmp_path / "locks" / "mau-cantho.lock").exists()  # the file stays, the lock not
    with paper_lock(tmp_path, "mau-cantho"):
        pass


def test_reprocess_rewrites_articles_and_retries_skipped_pages(
    fanout, prefect_harness, tmp_path: Path
) -> None:
    key = "mau-cantho"
    work = tmp_path / "copy"
    shutil.copytree(fanout.tmp, work)
    db = work / "w.duckdb"
    before = dict(rows(db, "SELECT url, updated_at FROM articles WHERE site_key = ?", [key]))
    figures_before = rows(db, "SELECT count(*) FROM figures")[0][0]
    skipped = rows(
        db, "SELECT count(*) FROM pages WHERE site_key = ? AND article_id IS NULL", [key]
    )[0][0]
    assert skipped >= 1  # the topic listing with an article-shaped URL
    # A page an earlier cleaner rejected: its article is gone, its page row says skipped.
    revived = sorted(before)[0]
    with connect(db) as con:
        (aid,) = con.execute("SELECT article_id FROM articles WHERE url = ?", [revived]).fetchone()
        for table in ("figures", "date_mentions", "articles"):
            con.execute(f"DELETE FROM {table} WHERE article_id = ?", [aid])
        con.execute(
            "UPDATE pages SET article_id = NULL, skip_reason = 'not an article: old cleaner'"
            " WHERE article_id = ?",
            [aid],
        )

    report = reprocess(site=key, db=str(db), data_dir=str(work / "data"), registry=REGISTRY)

    assert report == {
        key: {"pages": len(before) + skipped, "new": 1, "updated": len(before) - 1,
              "skipped": skipped}
    }  # fmt: skip
    after = dict(rows(db, "SELECT url, updated_at FROM articles WHERE site_key = ?", [key]))
    assert set(after) == set(before) == canonical(key)
    assert all(after[url] > before[url] for url in before)
    assert rows(db, "SELECT count(*) FROM figures")[0][0] == figures_before
    assert rows(db, "SELECT DISTINCT version FROM articles WHERE site_key = ?", [key]) == [(1,)]
    revived_page = rows(
        db,
        "SELECT p.article_id, p.skip_reason FROM pages p JOIN articles a"
        " ON a.warc_file = p.warc_file AND a.warc_offset = p.warc_offset WHERE a.url = ?",
        [revived],
    )
    assert revived_page == [(aid, None)]  # the index no longer calls the page skipped
    others = rows(db, "SELECT count(*) FROM articles WHERE site_key <> ?", [key])[0][0]
    assert others == sum(len(canonical(k)) for k in PAPERS if k != key)


def test_sample_addresses_count_as_loopback() -> None:
    """Else the sample papers are crawled with politeness delays (~40 s a paper)."""
    host = sample_host(sample_keys()[0])
    assert is_loopback(f"http://{host}:8080/")


def test_concurrent_writers_can_open_the_warehouse(tmp_path: Path) -> None:
    """The fan-out's children open the warehouse at once, in one process."""
    from concurrent.futures import ThreadPoolExecutor

    db = tmp_path / "w.duckdb"
    with connect(db):
        pass

    def open_once(_: int) -> None:
        with connect(db) as con:
            con.execute("SELECT count(*) FROM articles").fetchall()

    for _ in range(5):
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(open_once, range(8)))


def test_a_fanout_fetches_only_the_listed_articles_of_each_paper(
    prefect_harness, tmp_path: Path
) -> None:
    """``urls_files``: one paper's list names two articles, the other's is empty."""
    papers = ["mau-cantho", "mau-nghean"]
    wanted = sorted(canonical("mau-cantho"))[:2]
    listed = tmp_path / "cantho.txt"
    listed.write_text("# two articles\n" + "\n".join(wanted) + "\n\n", encoding="utf-8")
    empty = tmp_path / "nghean.txt"
    empty.write_text("", encoding="utf-8")
    with open_samples(papers) as sites:
        results = crawl_papers(
            sites=papers, db=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"),
            registry=REGISTRY, base_urls={key: site.url for key, site in sites.items()},
            urls_files={"mau-cantho": str(listed), "mau-nghean": str(empty)}, label="urls",
        )  # fmt: skip
        nghean_pages = [p for p in sites["mau-nghean"].paths_hit() if p.endswith(".html")]
    assert {r["site"]: r["articles_new"] for r in results} == {"mau-cantho": 2, "mau-nghean": 0}
    assert urls_by_paper(tmp_path / "w.duckdb") == {"mau-cantho": set(wanted)}
    assert nghean_pages == []
