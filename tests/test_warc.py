"""WARC archive: what is written is read back, damaged tails are survived, crashes salvaged."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from spiders.warc import OPEN_SUFFIX, WarcArchive, read_page_at, read_pages, salvage_interrupted

PAGE = (
    "<html><head><meta charset='windows-1258'></head><body><p>Hội nghị tổng kết</p></body></html>"
)


def _write(archive: WarcArchive, n: int, kind: str = "article") -> None:
    for i in range(n):
        archive.write(
            url=f"http://127.0.0.1:9/bai-{i}-10240{i:03d}.html",
            status=200,
            reason="OK",
            headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            body=PAGE.replace("tổng kết", f"lần {i}").encode("utf-8"),
            request_headers=[("User-Agent", "baotinh-test")],
            kind=kind,
            site="baonghean",
        )


def test_records_round_trip_with_kind_offset_and_decoded_text(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "run.warc.gz")
    _write(archive, 3)
    _write(archive, 1, kind="listing")
    final = archive.close()
    assert final == tmp_path / "run.warc.gz" and final.exists()

    pages = list(read_pages(final, kinds=frozenset({"article"})))
    assert [p.url.rsplit("/", 1)[1] for p in pages] == [
        f"bai-{i}-10240{i:03d}.html" for i in range(3)
    ]
    assert all(p.site == "baonghean" and p.status == 200 for p in pages)
    # the header says utf-8 and wins over the page's own wrong meta charset, as in Scrapy
    assert "Hội nghị lần 1" in pages[1].text
    again = read_page_at(final, pages[2].offset)
    assert again.body == pages[2].body and again.url == pages[2].url
    assert len(list(read_pages(final))) == 4


def test_every_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    """Readers seek to a record's offset and inflate one member: a member spanning two
    records, or an empty one between them, would break that."""
    archive = WarcArchive(tmp_path / "run.warc.gz")
    _write(archive, 3)
    final = archive.close()
    assert final is not None
    data = final.read_bytes()
    members = []
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    assert len(members) == 6  # a response and its request per page
    assert [m.split(b"\r\n", 1)[0] for m in members] == [b"WARC/1.0"] * 6
    assert [b"WARC-Type: response" in m for m in members] == [True, False] * 3
    assert gzip.decompress(final.read_bytes()) == b"".join(members)


def test_transfer_headers_are_not_kept_for_decoded_bodies(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "run.warc.gz")
    _write(archive, 1)
    raw = gzip.decompress(archive.close().read_bytes())
    assert b"Content-Encoding" not in raw
    assert f"Content-Length: {len(PAGE.replace('tổng kết', 'lần 0').encode())}".encode() in raw


def test_an_empty_crawl_leaves_no_file(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "empty.warc.gz")
    assert archive.close() is None
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_archive_yields_its_complete_records(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "cut.warc.gz")
    _write(archive, 4)
    path = archive.close()
    last = list(read_pages(path))[-1].offset
    path.write_bytes(path.read_bytes()[: last + 60])  # the crash hit the last response
    pages = list(read_pages(path))
    assert len(pages) == 3
    assert all("Hội nghị" in p.text for p in pages)


def test_archives_of_dead_crawls_are_salvaged(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "dead.warc.gz")
    _write(archive, 2)
    archive._fh.close()  # the process died: no close(), the file keeps its .open name
    assert (tmp_path / f"dead.warc.gz{OPEN_SUFFIX}").exists()
    salvaged = salvage_interrupted(tmp_path)
    assert salvaged == [tmp_path / "dead.warc.gz"]
    assert len(list(read_pages(salvaged[0]))) == 2
    assert salvage_interrupted(tmp_path) == []


def test_an_archive_still_being_written_is_not_salvaged(tmp_path: Path) -> None:
    """A crawl that outlives its flow keeps writing: its ``.open`` file is locked, not adopted."""
    live = WarcArchive(tmp_path / "live.warc.gz")
    _write(live, 2)
    dead = WarcArchive(tmp_path / "dead.warc.gz")
    _write(dead, 1)
    dead._fh.close()  # died: the lock went with its file descriptor
    assert salvage_interrupted(tmp_path) == [tmp_path / "dead.warc.gz"]
    assert (tmp_path / f"live.warc.gz{OPEN_SUFFIX}").exists()
    _write(live, 1)  # the live crawl goes on and names its file itself
    assert live.close() == tmp_path / "live.warc.gz"
    assert len(list(read_pages(tmp_path / "live.warc.gz"))) == 3
    assert salvage_interrupted(tmp_path) == []


def test_an_abandoned_archive_keeps_its_complete_records(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "full.warc.gz")
    _write(archive, 2)
    archive.abandon()  # a write failed: the crawl stops without giving it its final name
    assert archive.close() is None
    assert salvage_interrupted(tmp_path) == [tmp_path / "full.warc.gz"]
    assert len(list(read_pages(tmp_path / "full.warc.gz"))) == 2


def _foreign_record(writer, url: str, date: str | None):
    """A response record as another tool may write it: WARC-Date missing or not ISO."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders

    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=BytesIO(b"<html><p>Tin</p></html>"), http_headers=http
    )
    record.rec_headers.remove_header("WARC-Date")
    if date is not None:
        record.rec_headers.add_header("WARC-Date", date)
    return record


def test_records_without_a_usable_date_are_skipped_and_the_rest_read(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "other-tool.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, date in [
            ("https://baonghean.vn/a-1.html", "2024-05-01T02:03:04Z"),
            ("https://baonghean.vn/a-2.html", None),
            ("https://baonghean.vn/a-3.html", "yesterday"),
            ("https://baonghean.vn/a-4.html", "2024-05-01T02:03:04"),  # no zone: UTC
        ]:
            writer.write_record(_foreign_record(writer, url, date))
    pages = list(read_pages(path))
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["a-1.html", "a-4.html"]
    assert all(p.fetched_at.utcoffset() is not None for p in pages)
