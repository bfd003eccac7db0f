"""Reading a WARC file while a crawl writes it: every record once, never half a record."""

from __future__ import annotations

import random
import threading
import time
import tracemalloc
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


def test_records_larger_than_the_read_pieces_are_found_whole(tmp_path: Path) -> None:
    """The file is scanned in 64 KB pieces: a record that inflates to megabytes (or is
    megabytes compressed) still ends where it ends, and a cut one is never complete."""
    final = tmp_path / "run.warc.gz"
    archive = WarcArchive(final)
    write(archive, 0)
    archive.write(
        url="https://baomau.test/tin-so-1-1000001.html",
        status=200,
        reason="OK",
        headers=[("Content-Type", "text/html; charset=utf-8")],
        body=b"<p>" + b"a" * 5_000_000 + b"</p>" + random.Random(0).randbytes(200_000),
        request_headers=[("User-Agent", "test")],
        kind="article",
        site="test",
    )
    write(archive, 2)
    archive.close()
    offsets = complete_members(final, 0)
    assert offsets[-1] == final.stat().st_size and len(offsets) == 7
    assert complete_members(final, offsets[2]) == offsets[2:]
    whole = final.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    assert offsets[3] - offsets[2] > 200_000  # several read pieces
    for end in (offsets[3] - 1, (offsets[2] + offsets[3]) // 2, offsets[2] + 1):
        cut.write_bytes(whole[:end])
        assert complete_members(cut, 0) == offsets[:3]
    pages = list(follow_pages(final, final, lambda: True))
    assert [len(p.body) for p in pages] == [len(pages[0].body), 5_200_007, len(pages[0].body)]


def test_scanning_takes_the_same_small_memory_whatever_the_backlog(tmp_path: Path) -> None:
    """A crawl far ahead of the processing leaves a long unread tail: it is scanned in
    pieces, never read whole (nor inflated whole)."""
    final = tmp_path / "run.warc.gz"
    archive = WarcArchive(final)
    for n in range(8):
        archive.write(
            url=f"https://baomau.test/tin-so-{n}-1000{n:03d}.html",
            status=200,
            reason="OK",
            headers=[("Content-Type", "text/html; charset=utf-8")],
            body=random.Random(n).randbytes(500_000) + b"a" * 2_000_000,
            request_headers=[("User-Agent", "test")],
            kind="article",
            site="test",
        )
    archive.close()
    assert final.stat().st_size > 4_000_000
    tracemalloc.start()
    try:
        offsets = complete_members(final, 0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(offsets) == 17 and peak < 1_000_000
