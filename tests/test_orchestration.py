"""Orchestration under Prefect's test harness: retries of an unreachable site, the global
crawl limit, a paper already being crawled, a timeout that kills the crawl, the artifacts.

Every paper is a real loopback server, every crawl a real Scrapy subprocess."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest

import flows.pipeline
from flows.locks import paper_lock
from flows.pipeline import CRAWL_LIMIT, crawl_papers, pipeline
from registry.config import Config
from samples.server import SAMPLES_DIR, LocalSite, open_samples

REPO = Path(__file__).resolve().parents[1]
REGISTRY = str(REPO / "samples" / "papers.toml")


def crawls_of(folder: Path) -> list[int]:
    """Pids of Scrapy crawls whose command line names ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "spiders.crawl" in command and str(folder) in command:
            found.append(int(entry.name))
    return found


def artifact(key: str, flow_run_id) -> object:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    with get_client(sync_client=True) as client:
        (found,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )
    data = found.data
    return json.loads(data) if found.type == "table" and isinstance(data, str) else data


def test_an_unreachable_site_is_retried_then_fails_with_its_reason(
    prefect_harness, tmp_path: Path, monkeypatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, TaskRunFilter

    monkeypatch.setattr(
        flows.pipeline, "crawl", flows.pipeline.crawl.with_options(retry_delay_seconds=0)
    )
    # A loopback site is final at once (the demo, the tests); here it stands for a live one.
    monkeypatch.setattr(flows.pipeline, "is_loopback", lambda url: False)
    with LocalSite(SAMPLES_DIR / "mau-cantho") as gone:
        closed = gone.url
    state = pipeline(
        site="mau-cantho", base_url=closed, db=str(tmp_path / "w.duckdb"),
        data_dir=str(tmp_path / "data"), registry=REGISTRY, return_state=True,
    )  # fmt: skip
    assert state.is_failed()
    with pytest.raises(flows.pipeline.SiteUnreachable, match="no answer from the site"):
        state.result()
    with get_client(sync_client=True) as client:
        (task_run,) = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            ),
            task_run_filter=TaskRunFilter(name={"any_": ["crawl-mau-cantho"]}),
        )
    assert task_run.run_count == 1 + flows.pipeline.CRAWL_RETRIES
    assert task_run.state.is_failed()


def test_the_global_limit_keeps_crawls_apart(prefect_harness, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate

    papers = ["mau-cantho", "mau-tuyenquang"]
    with get_client(sync_client=True) as client:
        client.create_global_concurrency_limit(
            GlobalConcurrencyLimitCreate(name=CRAWL_LIMIT, limit=1)
        )
    try:
        with open_samples(papers) as sites:
            crawl_papers(
                sites=papers, db=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"),
                registry=REGISTRY, base_urls={k: s.url for k, s in sites.items()},
                concurrency=2, label="limit", artifact_prefix="limit-test",
            )  # fmt: skip
            spans = sorted(
                (min(h.at for h in s.hits), max(h.at for h in s.hits)) for s in sites.values()
            )
    finally:
        with get_client(sync_client=True) as client:
            client.delete_global_concurrency_limit_by_name(CRAWL_LIMIT)
    (_, first_end), (second_start, _) = spans
    assert second_start >= first_end, spans  # one paper crawled at a time


def test_a_timeout_stops_the_crawl_and_the_paper_fails(prefect_harness, tmp_path: Path) -> None:
    """A site that accepts connections and never answers: the crawl would wait 30 s a try."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    base = f"http://127.0.0.1:{silent.getsockname()[1]}"
    data = tmp_path / "data"
    try:
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="1 of 1 papers failed: mau-cantho"):
            crawl_papers(
                sites=["mau-cantho"], db=str(tmp_path / "w.duckdb"), data_dir=str(data),
                registry=REGISTRY, base_urls={"mau-cantho": base}, timeout_minutes=0.1,
                label="timeout", artifact_prefix="timeout-test",
            )  # fmt: skip
        assert time.monotonic() - started < 25
    finally:
        silent.close()
    deadline = time.monotonic() + 15
    while crawls_of(data) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert crawls_of(data) == []


def test_a_busy_paper_is_skipped_and_every_artifact_is_published(
    prefect_harness, tmp_path: Path
) -> None:
    db, data = tmp_path / "w.duckdb", tmp_path / "data"
    with (
        open_samples(["mau-cantho", "mau-hagiang"]) as sites,
        paper_lock(Config.load(db, data).state_dir, "mau-cantho"),
    ):
        state = crawl_papers(
            sites=["mau-cantho", "mau-hagiang"], db=str(db), data_dir=str(data),
            registry=REGISTRY, base_urls={k: s.url for k, s in sites.items()},
            label="busy", artifact_prefix="busy-test", return_state=True,
        )  # fmt: skip
        assert sites["mau-cantho"].paths_hit() == []
    assert state.is_completed(), state.message  # a skipped paper is not a failure
    run_id = state.state_details.flow_run_id
    table = {row["site"]: row for row in artifact("busy-test-papers", run_id)}
    assert table["mau-cantho"]["status"] == "skipped"
    assert f"pid {os.getpid()}" in table["mau-cantho"]["error"]
    hagiang = table["mau-hagiang"]
    assert (hagiang["status"], hagiang["health"], hagiang["error"]) == ("completed", "ok", None)
    assert hagiang["articles_new"] > 0 and hagiang["figures"] > 0 and hagiang["duration_s"] > 0
    markdown = artifact("busy-test-figures", run_id)
    assert markdown.startswith("# busy-test: 2 papers, 0 failed")
    assert "## Notable new figures" in markdown and "baomau-hagiang.test" in markdown
    assert "Hà Giang" in markdown or "Tuyên Quang" in markdown
    assert artifact("busy-test-progress", run_id) == 100.0
