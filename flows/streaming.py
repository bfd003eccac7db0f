"""Processing that starts with the first archived page, not after the last.

A crawl writes its WARC file record by record, each record a gzip member of its own
(``<run>.warc.gz.open`` until the crawl closes it). :func:`follow_pages` reads that file
while it grows: a record is read only once its gzip member is complete (its trailer has been
written), so a half-written record is never parsed; when the crawl is over the file is read
to its end under whichever name it then has.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

from spiders.warc import ArchivedPage, read_page_at

_CHUNK = 1 << 20


def complete_members(path: Path, start: int) -> list[int]:
    """Offsets of the gzip members that start at or after ``start`` and are complete, plus
    the offset where the last complete one ends (the next start)."""
    offsets = [start]
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read()
    position = 0
    while position < len(data):
        inflater = zlib.decompressobj(wbits=31)
        try:
            while not inflater.eof and position < len(data):
                chunk = data[position : position + _CHUNK]
                inflater.decompress(chunk)
                used = len(chunk) - len(inflater.unused_data)
                position += used
                if inflater.eof:
                    break
        except zlib.error:
            break  # not a member boundary yet (a partial write): wait for more bytes
        if not inflater.eof:
            break
        offsets.append(start + position)
    return offsets


def follow_pages(
    open_path: Path,
    final_path: Path,
    crawl_done: Callable[[], bool],
    kinds: frozenset[str] = frozenset({"article"}),
    poll: float = 0.2,
) -> Iterator[ArchivedPage]:
    """The responses of a WARC file that a crawl is still writing, as they are completed.

    Ends when ``crawl_done()`` is true and the file (renamed to ``final_path`` on a clean
    close, left as ``open_path`` otherwise) has been read to its end.
    """
    offset = 0
    while True:
        done = crawl_done()  # read before the file, so nothing written after it is missed
        path = final_path if final_path.exists() else open_path
        try:
            for end, page in _read_from(path, offset, kinds):
                offset = end
                if page is not None:
                    yield page
        except FileNotFoundError:  # renamed (closed) between the check and the read
            continue
        if done:
            return
        time.sleep(poll)


def _read_from(
    path: Path, offset: int, kinds: frozenset[str]
) -> Iterator[tuple[int, ArchivedPage | None]]:
    """(the offset after each complete record, its page if wanted) from ``offset`` on."""
    if not path.exists():
        return
    boundaries = complete_members(path, offset)
    for start, end in pairwise(boundaries):
        page = read_page_at(path, start) if _is_response(path, start) else None
        yield end, page if page is not None and page.kind in kinds else None


def _is_response(path: Path, offset: int) -> bool:
    """The member at ``offset`` is a WARC response record (its header says so)."""
    with path.open("rb") as fh:
        fh.seek(offset)
        head = zlib.decompressobj(wbits=31).decompress(fh.read(4096), 2048)
    return b"WARC-Type: response" in head
