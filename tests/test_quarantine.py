"""Poison pages: worker processes under a time and memory budget quarantine a page that
hangs, eats memory, raises or kills its worker, and the other pages go on.

The workers are real processes (``forkserver``); the work functions below are module-level
so that they can be sent to them.
"""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.pagework import clean_and_extract
from flows.workers import Budget, PagePool, import_and_extract, imported_page
from registry import get_site
from samples.server import SAMPLE_SITES, LocalSite
from spiders.imports import read_import
from spiders.warc import ArchivedPage
from transforms.figures import MAX_SENTENCE_CHARS
from warehouse.load import PageResult
from warehouse.schema import connect

PAPER = get_site("baonghean")
SAMPLE = SAMPLE_SITES / "baonghean"


def page(name: str, body: bytes = b"<html><body><p>x</p></body></html>") -> ArchivedPage:
    return ArchivedPage(
        warc_file="t.warc.gz", offset=abs(hash(name)) % 10**9, url=f"https://baonghean.vn/{name}",
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC), status=200, kind="article", site="baonghean",
        content_type="text/html; charset=utf-8", body=body,
    )  # fmt: skip


def misbehave(p: ArchivedPage, paper, since) -> PageResult:
    """Behave as the page's name says."""
    name = p.url.rsplit("/", 1)[-1]
    if name == "hang":
        time.sleep(60)
    elif name == "hog":
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB
        del hoard
    elif name == "raise":
        raise RuntimeError("a bug on this page")
    elif name == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    return clean_and_extract(p, paper, since)


@pytest.fixture(scope="module")
def pool():
    with PagePool(workers=2, budget=Budget(seconds=2.0, memory_bytes=512 * 1024 * 1024)) as p:
        yield p


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("hang", "took more than 2 s"),
        ("hog", "ran out of its memory budget"),
        ("raise", "RuntimeError: a bug on this page"),
        ("kill", "killed its worker process"),
    ],
)
def test_a_poison_page_is_quarantined_and_its_neighbours_are_not(pool, name, reason) -> None:
    article = (SAMPLE / "thu-ngan-sach-nghe-an-nam-2024-lap-ky-luc-moi-10289125.html").read_bytes()
    pages = [page("before", article), page(name), page("after", article)]
    results = list(pool.map(misbehave, pages, PAPER, None))
    assert [r.page.url.rsplit("/", 1)[-1] for r in results] == ["before", name, "after"]
    assert results[1].quarantined and results[1].skip_reason == f"quarantined: {reason}"
    assert results[0].article is not None and results[2].article is not None
    assert results[0].figures and results[2].figures


def misbehave_import(job) -> PageResult:
    """An imported record, unless its title says to kill the worker."""
    record, _ = job
    if record.title == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    return import_and_extract(job)


def test_an_import_record_that_kills_its_worker_is_quarantined_as_an_import(
    pool, tmp_path: Path
) -> None:
    text = "Năm 2023, huyện Yên Thành trồng mới 1.200 ha rừng, tăng 8,5% so với năm trước."
    lines = [
        {"url": f"https://baonghean.vn/{title}-1{i}.html", "title": title, "text": text}
        for i, title in enumerate(["truoc", "kill", "sau"])
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    jobs = [(r, PAPER) for r in read_import(dump, lambda url: "baonghean")]
    results = list(pool.map(misbehave_import, jobs, describe=imported_page))
    before, killed, after = results
    assert before.article is not None and after.article is not None and after.figures
    assert killed.skip_reason == "quarantined: killed its worker process"
    assert (killed.page.url, killed.page.warc_offset) == (lines[1]["url"], 2)  # line 2
    assert killed.page.source == "import:jsonl" and killed.page.warc_file == str(dump.resolve())


def test_results_keep_the_order_of_the_pages(pool) -> None:
    pages = [page(f"p{i}") for i in range(40)]
    results = list(pool.map(misbehave, pages, PAPER, None))
    assert [r.page.warc_offset for r in results] == [p.offset for p in pages]
    assert all(r.skip_reason and r.skip_reason.startswith("not an article") for r in results)


def poison_page() -> bytes:
    """An article whose one sentence holds 40,000 numbers (each figure used to copy it)."""
    numbers = ", ".join(f"{i}.{i % 1000:03d} người" for i in range(1000, 41000))
    return (
        "<html><head><title>Bảng số liệu dân số các thôn bản năm 2023</title></head><body>"
        "<h1>Bảng số liệu dân số các thôn bản năm 2023</h1>"
        "<p>Theo số liệu thống kê năm 2023, dân số các thôn bản lần lượt là "
        f"{numbers}.</p></body></html>"
    ).encode()


def test_a_poison_page_in_a_run_is_quarantined_and_the_rest_loads(
    prefect_harness, tmp_path: Path, monkeypatch
) -> None:
    from flows import processing
    from flows.pipeline import pipeline

    monkeypatch.setattr(processing, "_POOL", PagePool(2, Budget(seconds=5.0)))
    poison = "/bang-so-lieu-dan-so-cac-thon-ban-nam-2023-10299999.html"
    index = (SAMPLE / "index.html").read_text(encoding="utf-8")
    with LocalSite(SAMPLE) as site:
        site.overrides[poison] = site.respond(
            "/thu-ngan-sach-nghe-an-nam-2024-lap-ky-luc-moi-10289125.html"
        )
        site.overrides[poison].body = poison_page()
        home = index.replace("</body>", f'<a href="{poison}">Bảng số liệu dân số</a></body>')
        site.overrides["/"] = site.respond("/")
        site.overrides["/"].body = home.encode()
        summary = pipeline(
            site="baonghean", base_url=site.url, db=str(tmp_path / "w.duckdb"),
            data_dir=str(tmp_path / "data"),
        )  # fmt: skip
    processing._POOL.close()
    with connect(tmp_path / "w.duckdb") as con:
        pages = con.execute("SELECT url, article_id, skip_reason FROM pages").fetchall()
        loaded = con.execute("SELECT count(*), sum(records) FROM archive_files").fetchall()
        longest = con.execute("SELECT max(length(sentence)) FROM figures").fetchall()[0][0]
    # Every other article loads; the page itself either loads with bounded sentences or is
    # quarantined; the archive is loaded, poison page included, not left pending.
    assert summary["articles_new"] in (24, 25)
    poisoned = [row for row in pages if row[0].endswith(poison)]
    assert len(poisoned) == 1
    assert poisoned[0][1] is not None or poisoned[0][2].startswith("quarantined:")
    assert longest <= MAX_SENTENCE_CHARS
    assert loaded == [(1, 25)]
