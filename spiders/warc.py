"""Raw pages kept as WARC files (ISO 28500), so articles can be re-extracted without crawling.

Writing happens inside the crawl (see :mod:`spiders.middlewares`); reading happens in the
flow, with no Scrapy involved. A crawl writes ``<run_id>.warc.gz.open`` and renames it to
``<run_id>.warc.gz`` when it closes cleanly; a crawl that dies leaves the ``.open`` file,
whose complete records are still read (a truncated last record is skipped with a warning).
The writing process holds an ``flock`` on its ``.open`` file, so a file still being written
(by a crawl whose flow died but which is still shutting down) is never adopted.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from transforms.encoding import decode_html

log = logging.getLogger(__name__)

KIND_HEADER = "BaoTinh-Page-Kind"  # article | listing | feed | sitemap | robots
SITE_HEADER = "BaoTinh-Site"
OPEN_SUFFIX = ".open"
# Headers that describe the transfer, not the payload we store (already decoded).
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class ArchivedPage:
    """One HTTP response read back from a WARC file."""

    warc_file: str
    offset: int
    url: str
    fetched_at: datetime
    status: int
    kind: str
    site: str | None
    content_type: str | None
    body: bytes

    @property
    def text(self) -> str:
        """The body as NFC text, in the encoding that reads it (HTTP or meta charset, BOM,
        windows-1258, TCVN3, VNI, a detector's guess: :mod:`transforms.encoding`).

        Raises :class:`~transforms.encoding.UndecodablePage` rather than give mojibake.
        """
        return decode_html(self.body, self.content_type)


class GzipMembers:
    """A binary file that gzips what is written to it, one gzip member per record, as WARC
    readers expect (warcio's writer flushes after each record).

    warcio's own gzip compresses at level 9: on HTML that costs 2.7 times the CPU of the
    usual level 6 for about 1% less space, and the crawl process is CPU-bound.
    """

    LEVEL = 6

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._compressor = self._member()
        self._written = False

    def _member(self) -> zlib._Compress:
        return zlib.compressobj(self.LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> int:
        self._out.write(self._compressor.compress(data))
        self._written = True
        return len(data)

    def flush(self) -> None:
        """End the current record's gzip member (if anything was written to it)."""
        if self._written:
            self._out.write(self._compressor.flush())
            self._compressor, self._written = self._member(), False


class WarcArchive:
    """Appends request/response record pairs to one gzip-compressed WARC file.

    The ``.open`` file is locked (``flock``) from creation to close. Any I/O error (a full
    disk, a file size limit) propagates: the caller must stop writing and fail.
    """

    def __init__(self, path: Path) -> None:
        self.final_path = path
        self.open_path = path.with_name(path.name + OPEN_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = self.open_path.open("ab")
        fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh name: never contended
        self._writer = WARCWriter(GzipMembers(self._fh), gzip=False)
        self.records = 0

    def write(
        self,
        *,
        url: str,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        body: bytes,
        request_headers: list[tuple[str, str]],
        method: str = "GET",
        kind: str,
        site: str | None,
        fetched_at: datetime | None = None,
    ) -> None:
        """Write a response record and the request record that produced it."""
        when = (fetched_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        extra = {"WARC-Date": when, KIND_HEADER: kind}
        if site:
            extra[SITE_HEADER] = site
        kept = [(k, v) for k, v in headers if k.lower() not in _TRANSFER_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        response = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1"),
            warc_headers_dict=extra,
        )
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        request = self._writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(f"{method} /{path} HTTP/1.1", request_headers),
            warc_headers_dict={"WARC-Date": when},
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        self._writer.write_record(response)
        self._writer.write_record(request)
        self._fh.flush()
        self.records += 1

    def close(self) -> Path | None:
        """Close the file and give it its final name; returns that path (None if empty).

        The rename happens while the lock is held. If the last bytes cannot be written (a
        full disk), the error propagates and the file keeps its ``.open`` name: its complete
        records are salvaged by the next run.
        """
        if self._fh.closed:
            return None
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            if self.records == 0:
                self.open_path.unlink()
                return None
            self.open_path.replace(self.final_path)
            return self.final_path
        finally:
            self._fh.close()  # releases the lock

    def abandon(self) -> None:
        """Stop writing after an error: close the file, keeping its ``.open`` name."""
        if not self._fh.closed:
            # The buffered tail may not be writable: the complete records stay readable.
            with contextlib.suppress(OSError):
                self._fh.close()


def salvage_interrupted(folder: Path) -> list[Path]:
    """Give the WARC files of crawls that died their final names, so they get loaded.

    A ``.open`` file whose lock is held belongs to a crawl that is still writing (the crawl
    of a killed flow, shutting down): it is left alone, and gets its final name itself.
    """
    salvaged = []
    for path in sorted(folder.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        try:
            fh = path.open("rb")
        except FileNotFoundError:
            continue  # its crawl closed it meanwhile
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("%s is still being written by a live crawl; left alone", path.name)
                continue
            try:
                same = os.fstat(fh.fileno()).st_ino == path.stat().st_ino
            except FileNotFoundError:
                same = False
            if not same:
                continue  # renamed by its crawl between our open and our lock
            path.replace(final)
        salvaged.append(final)
    return salvaged


class DamagedWarc(Exception):
    """warcio could not parse a record of a WARC file (the message says why)."""


def parsed_records(records: ArchiveIterator) -> Iterator[ArcWarcRecord]:
    """The records warcio parses, until one it cannot: that raises :class:`DamagedWarc`.

    warcio fails on malformed input with whatever error its code meets (an
    ``AttributeError`` for a response without a target URI, for one), so any error counts.
    """
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise DamagedWarc(f"{type(exc).__name__}: {exc}") from exc
        yield record


def record_span(records: ArchiveIterator) -> tuple[int, int]:
    """Where the current record starts and ends in the file (reading the rest of it)."""
    try:
        offset = records.get_record_offset()
        return offset, offset + records.get_record_length()
    except Exception as exc:  # see parsed_records
        raise DamagedWarc(f"{type(exc).__name__}: {exc}") from exc


def cut_short(record: ArcWarcRecord, offset: int) -> str | None:
    """Why a record read to its end is incomplete, or None if it is whole.

    warcio reads the last record of a cut file short without a word: its payload ends
    before its declared Content-Length, or (cut in its headers) it has none.
    """
    stream = record.raw_stream
    declared = (record.rec_headers.get_header("Content-Length") or "").strip()
    if not declared.isdigit() or not isinstance(stream, LimitReader):
        return f"damaged WARC, record at offset {offset} has no valid Content-Length"
    if stream.limit:
        return f"damaged WARC, truncated at offset {offset}: {stream.limit} bytes missing"
    return None


def unread_after(fh: BinaryIO, end: int) -> int | None:
    """Where what follows the record ending at ``end`` starts (past the blank lines between
    uncompressed records), or None if nothing does: warcio stops quietly at a gzip member
    too short to hold a record's headers."""
    fh.seek(end)
    rest = fh.read(64)
    return end + len(rest) - len(rest.lstrip()) if rest.strip() else None


def read_pages(path: Path, kinds: frozenset[str] | None = None) -> Iterator[ArchivedPage]:
    """The HTTP responses stored in a WARC file, in order, optionally of some kinds only."""
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        read_to = 0
        try:
            for record in parsed_records(records):
                kind = record.rec_headers.get_header(KIND_HEADER) or "unknown"
                wanted = record.rec_type == "response" and (kinds is None or kind in kinds)
                wanted = wanted and record.http_headers is not None  # not dns: and the like
                body = record.content_stream().read() if wanted else b""  # before the span
                offset, read_to = record_span(records)
                if damage := cut_short(record, offset):
                    log.warning("%s: %s; earlier records kept", path, damage)
                    return
                if wanted:
                    try:
                        page = _archived_page(path, offset, record, kind, body)
                    except ValueError as exc:  # another tool's record we cannot place
                        log.warning("%s: record at offset %d skipped: %s", path, offset, exc)
                        continue
                    yield page
            if (at := unread_after(fh, read_to)) is not None:
                log.warning("%s: damaged WARC at offset %d; earlier records kept", path, at)
        except (DamagedWarc, EOFError, OSError) as exc:
            log.warning("%s: stopped at a damaged record (%s); earlier records kept", path, exc)


def read_page_at(path: Path, offset: int) -> ArchivedPage:
    """The response record starting at ``offset`` in a WARC file."""
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        kind = record.rec_headers.get_header(KIND_HEADER) or "unknown"
        return _archived_page(path, offset, record, kind, record.content_stream().read())


def warc_date(value: str | None) -> datetime | None:
    """A record's ``WARC-Date`` (UTC, as WARC says, when it names no zone); None if absent
    or not a date."""
    try:
        moment = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _archived_page(path: Path, offset: int, record, kind: str, body: bytes) -> ArchivedPage:
    """The page of a response record; ValueError when it has no target URI or no valid
    WARC-Date (both mandatory in WARC, missing from some other tools' files)."""
    http = record.http_headers
    url = record.rec_headers.get_header("WARC-Target-URI")
    date = record.rec_headers.get_header("WARC-Date")
    if not url:
        raise ValueError("no WARC-Target-URI")
    fetched_at = warc_date(date)
    if fetched_at is None:
        raise ValueError(f"no valid WARC-Date ({date!r})")
    return ArchivedPage(
        warc_file=path.name.removesuffix(OPEN_SUFFIX),
        offset=offset,
        url=url,
        fetched_at=fetched_at,
        status=int(http.get_statuscode() or 0),
        kind=kind,
        site=record.rec_headers.get_header(SITE_HEADER),
        content_type=http.get_header("Content-Type"),
        body=body,
    )
