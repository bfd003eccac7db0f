"""Readers for ``baotinh import``: pages and texts that other people collected.

Three formats, recognised by their content (the extension only breaks a tie):

* WARC / WARC.gz from other crawlers (e.g. Common Crawl's CC-NEWS): HTTP 200 responses with
  an HTML content type whose URL belongs to a registered paper, decoded like a browser would
  (HTTP charset, then BOM and ``<meta charset>``: w3lib's ``html_to_unicode``). Responses of
  other domains are not read; they are reported once per file, as one :class:`ImportSkip`
  with their ``count``.
* JSONL dumps, one object a line: ``{"url"?, "published"?, "title"?, "text"}`` (``html``
  instead of, or beside, ``text`` is accepted). A bad line is an :class:`ImportSkip`.
* Text files in the form `` date YYYY-MM <article text>``: a line starting with a space,
  the word ``date``, a space, the year-month and a space, then the article; a short first
  line without closing punctuation is its title. Several such blocks may share a file.

Gzip-compressed files of any format are read as such. Nothing here raises on bad content:
what cannot be read is yielded as an :class:`ImportSkip` with the reason.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Literal

from w3lib.encoding import html_to_unicode
from warcio.archiveiterator import ArchiveIterator

from spiders.warc import (
    DamagedWarc,
    cut_short,
    parsed_records,
    record_span,
    unread_after,
    warc_date,
)

SourceFormat = Literal["warc", "jsonl", "text"]
PublishedGrain = Literal["month", "day", "time"]
Registered = Callable[[str], str | None]

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024
_DATE_LINE = re.compile(r"^ date (\d{4})-(\d{2})(?: |$)", re.MULTILINE)
_DATE_LINE_BYTES = re.compile(rb"(?m)^ date \d{4}-\d{2}(?: |\r?$)")
_TITLE_MAX_WORDS = 30
_NOT_TITLE_ENDINGS = (".", ",", ":", ";", "…")


@dataclass(frozen=True)
class ImportRecord:
    """One article-like record of an imported file.

    ``locator`` is the record's byte offset (WARC) or line number (JSONL, text; from 1).
    ``html`` is set for WARC records and JSONL lines with ``html``; ``text`` for JSONL and
    text files. ``published_grain`` says how precise ``published`` is: ``month`` (a
    ``date`` on the 1st, from `` date YYYY-MM ``), ``day`` (a ``date``) or ``time`` (a
    ``datetime``). ``content_sha1`` identifies the content (the HTTP body for WARC, else the
    text or HTML), for idempotence when there is no URL.
    """

    source_path: Path
    source_format: SourceFormat
    locator: int
    url: str | None
    site_key: str | None
    html: str | None
    text: str | None
    title: str | None
    published: date | datetime | None
    published_grain: PublishedGrain | None
    fetched_at: datetime | None
    content_sha1: str


@dataclass(frozen=True)
class ImportSkip:
    """Records of an imported file that were not read, and why.

    ``count`` is 1 except for the per-file tally of WARC responses of unregistered
    domains (``locator`` None), and ``locator`` is None for what concerns the whole file.
    """

    source_path: Path
    source_format: SourceFormat | None
    locator: int | None
    reason: str
    url: str | None = None
    count: int = 1

    def describe(self) -> str:
        """One line for a person: ``skipped: data.warc.gz (warc, offset 1234): reason``,
        ``skipped 3 records: …`` for a tally, and the record's URL after the reason."""
        where = [self.source_format] if self.source_format else []
        if self.locator is not None:
            unit = "offset" if self.source_format == "warc" else "line"
            where.append(f"{unit} {self.locator}")
        place = f"{self.source_path} ({', '.join(where)})" if where else str(self.source_path)
        what = "skipped" if self.count == 1 else f"skipped {self.count} records"
        url = f" <{self.url}>" if self.url else ""
        return f"{what}: {place}: {self.reason}{url}"

    __str__ = describe


ImportItem = ImportRecord | ImportSkip


def read_import(path: Path, registered: Registered) -> Iterator[ImportItem]:
    """The records of an imported file, in file order, with a skip for each unreadable one."""
    source_format = detect_format(path)
    if source_format == "warc":
        yield from _read_warc(path, registered)
    elif source_format == "jsonl":
        yield from _read_jsonl(path, registered)
    elif source_format == "text":
        yield from _read_text(path)
    else:
        yield ImportSkip(path, None, None, "unrecognised format (not WARC, JSONL or date text)")


def detect_format(path: Path) -> SourceFormat | None:
    """``warc``, ``jsonl`` or ``text`` from the file's first bytes (decompressed), else None."""
    head = _head(path)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"WARC/"):
        return "warc"
    if start.startswith(b"{"):
        return "jsonl"
    if _DATE_LINE_BYTES.search(head):
        return "text"
    suffixes = [s.lower() for s in path.suffixes]
    if ".jsonl" in suffixes or ".ndjson" in suffixes:
        return "jsonl"  # a first line that is bad JSON: reported line by line
    return None


def _head(path: Path) -> bytes:
    """The first bytes of the (decompressed) content, as many as a damaged file allows."""
    chunks: list[bytes] = []
    try:
        with _open(path) as fh:
            while sum(map(len, chunks)) < _SNIFF_BYTES and (chunk := fh.read(4096)):
                chunks.append(chunk)
    except (OSError, EOFError):
        pass  # a truncated gzip member: judge by what was read
    return b"".join(chunks)


def _open(path: Path) -> BinaryIO:
    with path.open("rb") as fh:
        compressed = fh.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _sha1(content: bytes | str) -> str:
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    return hashlib.sha1(data).hexdigest()


# WARC


def _read_warc(path: Path, registered: Registered) -> Iterator[ImportItem]:
    foreign = 0
    read_to = 0  # where the last complete record ends
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for record in parsed_records(records):
                item = None
                if record.rec_type == "response":
                    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
                    site_key = registered(url) if url.startswith(("http://", "https://")) else ""
                    if site_key is None:
                        foreign += 1
                    elif site_key:  # "": dns:, whois: and other non-web responses
                        item = _warc_item(path, records, record, url, site_key)
                offset, end = record_span(records)
                if damage := cut_short(record, offset):
                    yield ImportSkip(path, "warc", offset, damage)
                    break  # a cut file: nothing follows
                if item is not None:
                    yield item
                read_to = end
            else:
                at = unread_after(fh, read_to)
                if at is not None:  # warcio stops quietly at a truncated gzip member
                    yield ImportSkip(path, "warc", at, f"damaged WARC at offset {at}, rest unread")
        except (DamagedWarc, EOFError, OSError, ValueError) as exc:
            at = unread_after(fh, read_to) or read_to
            yield ImportSkip(path, "warc", at, f"damaged WARC at offset {at}: {exc}")
    if foreign:
        yield ImportSkip(path, "warc", None, "unregistered domain", count=foreign)


def _warc_item(path: Path, records: ArchiveIterator, record, url: str, site_key: str) -> ImportItem:
    http = record.http_headers
    status = int(http.get_statuscode() or 0) if http else 0
    content_type = http.get_header("Content-Type") if http else None
    if status != 200:
        return ImportSkip(path, "warc", records.get_record_offset(), f"HTTP {status}", url)
    if content_type and not _is_html_type(content_type):
        offset = records.get_record_offset()
        return ImportSkip(path, "warc", offset, f"not HTML: {content_type}", url)
    try:
        body = record.content_stream().read()  # before the offset: that call drains it
    except Exception as exc:  # a bad Content-Encoding, a truncated payload
        return ImportSkip(path, "warc", records.get_record_offset(), f"unreadable body: {exc}", url)
    offset = records.get_record_offset()
    if not content_type and not _looks_like_html(body):
        return ImportSkip(path, "warc", offset, "not HTML: no content type", url)
    _, html = html_to_unicode(content_type, body)
    return ImportRecord(
        source_path=path,
        source_format="warc",
        locator=offset,
        url=url,
        site_key=site_key,
        html=html,
        text=None,
        title=None,
        published=None,
        published_grain=None,
        fetched_at=warc_date(record.rec_headers.get_header("WARC-Date")),
        content_sha1=_sha1(body),
    )


def _is_html_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in {"text/html", "application/xhtml+xml"}


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


# JSONL


class _BadLine(ValueError):
    """Why a JSONL line is not a record."""


def _read_jsonl(path: Path, registered: Registered) -> Iterator[ImportItem]:
    number = 0
    try:
        with _open(path) as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                try:
                    yield _jsonl_record(path, number, raw, registered)
                except _BadLine as exc:
                    yield ImportSkip(path, "jsonl", number, str(exc))
    except (OSError, EOFError) as exc:  # a truncated or damaged gzip file
        yield ImportSkip(path, "jsonl", number + 1, f"damaged file, rest unread: {exc}")


def _jsonl_record(path: Path, number: int, raw: bytes, registered: Registered) -> ImportRecord:
    try:
        obj = json.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _BadLine(f"not UTF-8: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise _BadLine(f"not a JSON object but {type(obj).__name__}")
    text, html = _optional_str(obj, "text"), _optional_str(obj, "html")
    if not (text and text.strip()) and not (html and html.strip()):
        raise _BadLine("no text (nor html)")
    url = _optional_str(obj, "url") or None
    if url is not None and not url.startswith(("http://", "https://")):
        raise _BadLine(f"url: not an http(s) URL: {url[:80]!r}")
    published, grain = _published(obj.get("published"))
    content = text if text and text.strip() else html
    return ImportRecord(
        source_path=path,
        source_format="jsonl",
        locator=number,
        url=url,
        site_key=registered(url) if url else None,
        html=html if html and html.strip() else None,
        text=text if text and text.strip() else None,
        title=(_optional_str(obj, "title") or "").strip() or None,
        published=published,
        published_grain=grain,
        fetched_at=None,
        content_sha1=_sha1(unicodedata.normalize("NFC", content.strip())),
    )


def _optional_str(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _BadLine(f"{key}: not a string but {type(value).__name__}")
    return value


def _published(value: object) -> tuple[date | datetime | None, PublishedGrain | None]:
    """``YYYY-MM-DD`` (day), ``YYYY-MM`` (month) or an ISO datetime (time)."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        raise _BadLine(f"published: not a string but {type(value).__name__}")
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return date.fromisoformat(text + "-01"), "month"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text), "day"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", text):
            return datetime.fromisoformat(text.replace("Z", "+00:00")), "time"
    except ValueError as exc:
        raise _BadLine(f"published: not a date: {value[:40]!r} ({exc})") from exc
    raise _BadLine(f"published: not YYYY-MM-DD or an ISO datetime: {value[:40]!r}")


# Text in the seed's form


def _read_text(path: Path) -> Iterator[ImportItem]:
    try:
        with _open(path) as fh:
            content = fh.read().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        yield ImportSkip(path, "text", None, f"unreadable text file: {exc}")
        return
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    marks = list(_DATE_LINE.finditer(content))
    if content[: marks[0].start() if marks else len(content)].strip():
        yield ImportSkip(path, "text", 1, "text before the first ' date YYYY-MM ' line")
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(content)
        line = content.count("\n", 0, mark.start()) + 1
        yield _text_record(path, line, mark, content[mark.end() : end])


def _text_record(path: Path, line: int, mark: re.Match, block: str) -> ImportItem:
    try:
        published = date(int(mark.group(1)), int(mark.group(2)), 1)
    except ValueError as exc:  # month 13, year 0
        return ImportSkip(path, "text", line, f"not a month: {mark.group(0).strip()!r} ({exc})")
    paragraphs = [p.strip() for p in unicodedata.normalize("NFC", block).split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        return ImportSkip(path, "text", line, "no text after the date line")
    title, body = _split_title(paragraphs)
    return ImportRecord(
        source_path=path,
        source_format="text",
        locator=line,
        url=None,
        site_key=None,
        html=None,
        text="\n".join(body),
        title=title,
        published=published,
        published_grain="month",
        fetched_at=None,
        content_sha1=_sha1("\n".join(paragraphs)),
    )


def _split_title(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """A short first paragraph without closing punctuation, followed by more, is the title."""
    first = paragraphs[0]
    is_title = (
        len(paragraphs) > 1
        and len(first.split()) <= _TITLE_MAX_WORDS
        and not first.endswith(_NOT_TITLE_ENDINGS)
    )
    return (first, paragraphs[1:]) if is_title else (None, paragraphs)
