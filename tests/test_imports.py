"""Readers for ``baotinh import``: WARC from other crawlers, JSONL dumps, dated text files."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from spiders.imports import ImportRecord, ImportSkip, detect_format, read_import
from spiders.warc import WarcArchive, read_page_at, read_pages

T0 = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
HOA = "Nông dân Nghi Lộc thu hoạch dưa lưới, lãi hơn 200 triệu đồng mỗi vụ"


def registered(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    return "baonghean" if host == "baonghean.vn" or host.endswith(".baonghean.vn") else None


def _records(items: list) -> list[ImportRecord]:
    return [i for i in items if isinstance(i, ImportRecord)]


def _skips(items: list) -> list[ImportSkip]:
    return [i for i in items if isinstance(i, ImportSkip)]


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def _cp1258(text: str) -> bytes:
    """Windows-1258: letters with their vowel marks (ê, ơ, ă…), tone marks as combining ones."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append((base + "".join(c for c in parts if c in _TONES)).encode("cp1258"))
    return b"".join(out)


def _page(title: str, body: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>{title}</title></head><body><p>{body}</p></body></html>"


@pytest.fixture
def warc(tmp_path: Path) -> Path:
    archive = WarcArchive(tmp_path / "cc-news.warc.gz")

    def put(url: str, body: bytes, content_type: str | None, status: int = 200) -> None:
        headers = [("Content-Type", content_type)] if content_type else []
        archive.write(
            url=url,
            status=status,
            reason="OK" if status == 200 else "Not Found",
            headers=headers,
            body=body,
            request_headers=[("Host", urlsplit(url).hostname)],
            kind="article",
            site=None,
            fetched_at=T0,
        )

    utf8 = _page(HOA, "Mô hình nhà màng cho thu nhập ổn định.").encode("utf-8")
    put("https://baonghean.vn/dua-luoi-1.html", utf8, "text/html; charset=utf-8")
    put("https://vnexpress.net/tin-khac.html", utf8, "text/html; charset=utf-8")  # foreign
    put("https://baonghean.vn/anh.jpg", b"\xff\xd8\xff\xe0", "image/jpeg")
    put("https://baonghean.vn/mat-roi.html", b"<html>404</html>", "text/html", status=404)
    meta_1258 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    old = _page("Tin cũ", "Huyện Quỳnh Lưu nuôi trồng thủy sản đạt kết quả khả quan.", meta_1258)
    put("https://baonghean.vn/tin-cu.html", _cp1258(old), "text/html")
    meta_utf8 = '<meta charset="utf-8">'
    plain = _page("Ghi chép", "Đường lên bản Mường Lống mùa hoa đào.", meta_utf8).encode()
    put("https://www.baonghean.vn/ghi-chep.html", plain, None)
    return archive.close()


def test_warc_keeps_registered_html_pages(warc: Path) -> None:
    items = list(read_import(warc, registered))
    records = _records(items)
    assert [r.url for r in records] == [
        "https://baonghean.vn/dua-luoi-1.html",
        "https://baonghean.vn/tin-cu.html",
        "https://www.baonghean.vn/ghi-chep.html",
    ]
    for record in records:
        assert record.source_format == "warc" and record.site_key == "baonghean"
        assert record.fetched_at == T0 and record.text is None and record.published is None
        stored = read_page_at(warc, record.locator)  # the locator is the record's offset
        assert stored.url == record.url
        assert record.content_sha1 == hashlib.sha1(stored.body).hexdigest()
    assert HOA in records[0].html
    assert "Quỳnh Lưu nuôi trồng thủy sản" in unicodedata.normalize("NFC", records[1].html)
    assert "Mường Lống mùa hoa đào" in records[2].html


def test_warc_skips_errors_non_html_and_counts_foreign_domains(warc: Path) -> None:
    skips = _skips(list(read_import(warc, registered)))
    reasons = {(s.url, s.reason) for s in skips if s.locator is not None}
    assert reasons == {
        ("https://baonghean.vn/anh.jpg", "not HTML: image/jpeg"),
        ("https://baonghean.vn/mat-roi.html", "HTTP 404"),
    }
    foreign = [s for s in skips if s.reason == "unregistered domain"]
    assert [(s.count, s.locator) for s in foreign] == [(1, None)]


def test_a_skip_reads_as_one_line_naming_file_format_place_reason_and_count(
    warc: Path, jsonl: Path, tmp_path: Path
) -> None:
    skips = _skips(list(read_import(warc, registered)))
    at = {s.reason: s.locator for s in skips}
    assert {str(s) for s in skips} == {
        f"skipped: {warc} (warc, offset {at['not HTML: image/jpeg']}): not HTML: image/jpeg"
        " <https://baonghean.vn/anh.jpg>",
        f"skipped: {warc} (warc, offset {at['HTTP 404']}): HTTP 404"
        " <https://baonghean.vn/mat-roi.html>",
        f"skipped: {warc} (warc): unregistered domain",
    }
    (bad_json,) = [s for s in _skips(list(read_import(jsonl, registered))) if s.locator == 5]
    assert bad_json.describe().startswith(f"skipped: {jsonl} (jsonl, line 5): not JSON")
    foreign = ImportSkip(warc, "warc", None, "unregistered domain", count=3)
    assert str(foreign) == f"skipped 3 records: {warc} (warc): unregistered domain"
    unknown = ImportSkip(tmp_path / "notes.txt", None, None, "unrecognised format")
    assert str(unknown) == f"skipped: {tmp_path / 'notes.txt'}: unrecognised format"


def test_warc_is_recognised_by_content(warc: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "download.bin"
    renamed.write_bytes(warc.read_bytes())
    assert detect_format(renamed) == "warc"
    assert len(_records(list(read_import(renamed, registered)))) == 3


def test_damaged_warc_keeps_earlier_records(warc: Path, tmp_path: Path) -> None:
    last = _records(list(read_import(warc, registered)))[-1].locator
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(warc.read_bytes()[: last + 60])  # into the last page's gzip member
    items = list(read_import(cut, registered))
    assert len(_records(items)) == 2
    assert any(s.reason.startswith("damaged WARC") for s in _skips(items))


def _plain_warc(path: Path, count: int, gzipped: bool) -> list[tuple[str, str]]:
    """A WARC of ``count`` baonghean.vn pages written by warcio; their (url, html)."""
    pages = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)
        for i in range(count):
            url = f"https://baonghean.vn/bai-{i}.html"
            html = _page(f"Bài {i}", f"Đoạn {i}: Nghệ An phát triển kinh tế bền vững. " * 20)
            body = html.encode("utf-8")
            headers = [("Content-Type", "text/html; charset=utf-8")]
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=BytesIO(body), length=len(body), http_headers=http
                )
            )
            pages.append((url, html))
    return pages


def test_a_malformed_record_is_a_damaged_warc_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "liar.warc"
    pages = _plain_warc(path, 2, gzipped=False)
    good_end = path.stat().st_size
    liar = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999999\r\n\r\nabc"
    path.write_bytes(path.read_bytes() + liar)  # no WARC-Target-URI: warcio's AttributeError
    items = list(read_import(path, registered))
    assert [(r.url, r.html) for r in _records(items)] == pages
    (skip,) = _skips(items)
    assert skip.reason.startswith("damaged WARC") and skip.locator == good_end
    alone = tmp_path / "alone.warc"
    alone.write_bytes(liar)
    (skip,) = list(read_import(alone, registered))
    assert isinstance(skip, ImportSkip) and skip.reason.startswith("damaged WARC")
    assert list(read_pages(alone)) == []  # the replay's reader survives it too


@pytest.mark.parametrize("name", ["reg.warc", "reg.warc.gz"])
def test_a_truncated_warc_keeps_its_complete_records_only(
    tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / name
    pages = _plain_warc(path, 20, gzipped=name.endswith(".gz"))
    data = path.read_bytes()
    offsets = [r.locator for r in _records(list(read_import(path, registered)))]
    two_thirds = len(data) * 2 // 3
    eighth = offsets[8] - offsets[7]
    for size in (two_thirds, offsets[7] + eighth * 4 // 5, offsets[7] + eighth // 10):
        path.write_bytes(data[:size])  # into a record's payload, or its headers
        cut = max(i for i, offset in enumerate(offsets) if offset < size)
        items = list(read_import(path, registered))
        assert [(r.url, r.html) for r in _records(items)] == pages[:cut], size
        (skip,) = _skips(items)
        assert skip.locator == offsets[cut] and skip.reason.startswith("damaged WARC"), skip
        if size == two_thirds:
            assert f" at offset {offsets[cut]}" in skip.reason
        caplog.clear()
        assert [p.url for p in read_pages(path)] == [url for url, _ in pages[:cut]]
        assert "damaged WARC" in caplog.text  # a replay warns


JSONL_LINES = [
    {
        "url": "https://baonghean.vn/lua-he-thu.html",
        "published": "2023-08-20",
        "title": "Lúa hè thu được mùa",
        "text": "Toàn tỉnh gieo cấy 52.300 ha lúa hè thu.",
    },
    {"published": "2023-08-21T09:15:00+07:00", "text": "Sáng 21/8, huyện tổ chức hội nghị."},
    {"url": "https://baohatinh.vn/cau-moi.html", "html": "<html><p>Cầu mới thông xe.</p></html>"},
    "this is not json",
    ["một", "danh sách"],
    {"url": "https://baonghean.vn/trong.html", "title": "Không có nội dung"},
    {"published": "20/08/2023", "text": "Ngày viết kiểu khác."},
    {"url": "ftp://baonghean.vn/x", "text": "Giao thức lạ."},
    {"text": 42},
]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    lines = [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in JSONL_LINES]
    lines.insert(3, "")  # a blank line is no record and no skip, but counts as a line
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_good_lines(jsonl: Path) -> None:
    records = _records(list(read_import(jsonl, registered)))
    assert [(r.locator, r.url, r.site_key) for r in records] == [
        (1, "https://baonghean.vn/lua-he-thu.html", "baonghean"),
        (2, None, None),
        (3, "https://baohatinh.vn/cau-moi.html", None),
    ]
    first, second, third = records
    assert (first.published, first.published_grain) == (date(2023, 8, 20), "day")
    assert first.title == "Lúa hè thu được mùa" and first.html is None
    moment = datetime(2023, 8, 21, 9, 15, tzinfo=timezone(timedelta(hours=7)))
    assert (second.published, second.published_grain) == (moment, "time")
    assert second.content_sha1 == hashlib.sha1(JSONL_LINES[1]["text"].encode()).hexdigest()
    assert third.text is None and third.html.startswith("<html>")
    assert all(r.source_format == "jsonl" and r.fetched_at is None for r in records)


def test_jsonl_bad_lines_are_skips_with_line_numbers(jsonl: Path) -> None:
    skips = _skips(list(read_import(jsonl, registered)))
    found = {s.locator: s.reason for s in skips}
    assert sorted(found) == [5, 6, 7, 8, 9, 10]
    assert found[5].startswith("not JSON")
    assert found[6] == "not a JSON object but list"
    assert found[7] == "no text (nor html)"
    assert found[8].startswith("published:")
    assert found[9].startswith("url:")
    assert found[10] == "text: not a string but int"


def test_gzipped_jsonl_is_recognised_by_content(jsonl: Path, tmp_path: Path) -> None:
    packed = tmp_path / "dump.gz"
    packed.write_bytes(gzip.compress(jsonl.read_bytes()))
    assert detect_format(packed) == "jsonl"
    assert len(_records(list(read_import(packed, registered)))) == 3


DATED_TEXT = (
    " date 2022-03 Chiều 14/3, Ủy ban nhân dân huyện Tương Dương tổ chức hội nghị bàn giải"
    " pháp khắc phục sạt lở trên Quốc lộ 7A.\n\nTheo báo cáo, mùa mưa năm 2021 đã gây sạt lở"
    " 37 điểm với tổng khối lượng đất đá khoảng 15.000 m3.\n\nHuyện đề nghị tỉnh hỗ trợ 12 tỷ"
    " đồng để gia cố taluy trước mùa mưa bão.\n"
    " date 2023-07 \nNghệ An tổ chức kỳ thi tuyển sinh lớp 10\n\nSáng 2/6, hơn 31.000 thí sinh"
    " bước vào kỳ thi môn Ngữ văn.\n"
)


def test_dated_text_blocks_become_records_with_month_precision(tmp_path: Path) -> None:
    path = tmp_path / "bai.txt"
    path.write_text(DATED_TEXT, encoding="utf-8")
    items = list(read_import(path, registered))
    assert _skips(items) == []
    first, second = _records(items)
    assert (first.locator, first.published, first.published_grain) == (1, date(2022, 3, 1), "month")
    assert first.title is None  # a first sentence, not a headline
    assert first.text.startswith("Chiều 14/3, Ủy ban nhân dân huyện Tương Dương")
    assert first.text.count("\n") == 2 and "date" not in first.text
    assert (second.locator, second.published) == (6, date(2023, 7, 1))
    assert second.title == "Nghệ An tổ chức kỳ thi tuyển sinh lớp 10"
    assert second.text == "Sáng 2/6, hơn 31.000 thí sinh bước vào kỳ thi môn Ngữ văn."
    assert second.url is None and second.html is None and second.site_key is None
    assert first.content_sha1 != second.content_sha1


def test_a_month_only_date_is_marked_as_such_on_the_article(tmp_path: Path) -> None:
    from flows.pagework import VIETNAM, import_and_extract
    from registry import get_site

    path = tmp_path / "bai.txt"
    path.write_text(DATED_TEXT, encoding="utf-8")
    first, _ = _records(list(read_import(path, registered)))
    dated = import_and_extract(first, get_site("baonghean"))
    assert dated.article.published == datetime(2022, 3, 1, tzinfo=VIETNAM)
    assert dated.article.published_source == "import:month"  # the 1st stands for the month
    assert dated.page.source == "import:text" and dated.page.warc_offset == 1
    assert dated.figures or dated.dates  # extracted as a crawled article is
    exact = import_and_extract(
        replace(first, published=date(2022, 3, 14), published_grain="day"), get_site("baonghean")
    )
    assert exact.article.published_source == "import"


def test_a_bad_month_and_an_unknown_format_are_skips(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(" date 2022-13 Một bài viết.\n", encoding="utf-8")
    assert [s.reason for s in _skips(list(read_import(bad, registered)))] == [
        "not a month: 'date 2022-13' (month must be in 1..12)"
    ]
    unknown = tmp_path / "notes.txt"
    unknown.write_text("Chỉ là ghi chú, không có dòng ngày tháng.\n", encoding="utf-8")
    (skip,) = list(read_import(unknown, registered))
    assert isinstance(skip, ImportSkip) and skip.source_format is None


def test_a_year_0_is_a_skip_and_the_other_blocks_are_read(tmp_path: Path) -> None:
    path = tmp_path / "year0.txt"
    path.write_text(" date 0000-05 Tiêu đề\nthu ngân sách tăng.\n" + DATED_TEXT, encoding="utf-8")
    items = list(read_import(path, registered))
    assert [(s.locator, s.reason) for s in _skips(items)] == [
        (1, "not a month: 'date 0000-05' (year 0 is out of range)")
    ]
    assert [r.published for r in _records(items)] == [date(2022, 3, 1), date(2023, 7, 1)]


def test_the_real_seed_file_is_one_record(shared_dir: Path) -> None:
    seeds = sorted(p for p in (shared_dir / "seed").glob("*") if p.is_file())
    if not seeds:
        pytest.skip("no seed file")
    for path in seeds:
        first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
        year, month = map(int, re.match(r" date (\d{4})-(\d{2}) ", first_line).groups())
        items = list(read_import(path, registered))
        assert len(items) == 1, items
        (record,) = items
        assert isinstance(record, ImportRecord) and record.source_format == "text"
        assert (record.published, record.published_grain) == (date(year, month, 1), "month")
        assert record.locator == 1 and len(record.text) > 1000
        assert not record.text.startswith(" date")
