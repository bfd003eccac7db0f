"""Reading a WARC file while a crawl writes it: every record once, never half a record."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flows.streaming import complete_members, follow_pages
from spiders.warc import WarcArchive


def write(archive: WarcArchive, n: int, kind: str = "article") -> None:
    archive.write(
        url=f"https://baomau.test/tin-so-{n}-1000{n:03d}.html",
        status=200,
        reason="OK",
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=f"<html><body><p>Bài số {n}</p></body></html>".encode() * 50,
        request_headers=[("User-Agent", "test")],
        kind=kind,
        site="test",
    )


def test_pages_are_read_while_the_archive_grows_each_once(tmp_path: Path) -> None:
    final = tmp_path / "run.warc.gz"
    archive = WarcArchive(final)
    done = threading.Event()

    def crawl() -> None:
        for n in range(40):
            write(archive, n, "listing" if n % 10 == 0 else "article")
            time.sleep(0.01)
        archive.close()
        done.set()

    writer = threading.Thread(target=crawl)
    writer.start()
    seen, first_at = [], None
    for page in follow_pages(archive.open_path, final, done.is_set, poll=0.02):
        if first_at is None:
            first_at = done.is_set()
        seen.append(page.url)
    writer.join()
    wanted = [f"https://baomau.test/tin-so-{n}-1000{n:03d}.html" for n in range(40) if n % 10]
    assert seen == wanted
    assert first_at is False  # the first page came while the crawl was still writing


def test_a_half_written_record_is_not_read(tmp_path: Path) -> None:
    final = tmp_path / "run.warc.gz"
    archive = WarcArchive(final)
    for n in range(3):
        write(archive, n)
    archive.close()
    whole = final.read_bytes()
    offsets = complete_members(final, 0)
    assert offsets[-1] == len(whole) and len(offsets) == 7  # 3 × (response + request) + end
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: offsets[4] + (offsets[5] - offsets[4]) // 2])
    assert complete_members(cut, 0) == offsets[:5]
    pages = list(follow_pages(cut, tmp_path / "absent.warc.gz", lambda: True))
    assert [p.url for p in pages] == [
        "https://baomau.test/tin-so-0-1000000.html",
        "https://baomau.test/tin-so-1-1000001.html",
    ]
