"""Processing that starts with the first archived page, not after the last.

A crawl writes its WARC file record by record, each record a gzip member of its own
(``<run>.warc.gz.open`` until the crawl closes it). :func:`follow_pages` reads that file
while it grows: a record is read only once its gzip member is complete (its trailer has been
written), so a half-written record is never parsed; when the crawl is over the file is read
to its end under whichever name it then has.

The file is scanned in small pieces, never read whole: the memory this takes does not
depend on how far the processing is behind the crawl (the backlog can be hundreds of MB),
and no allocation is large enough to push glibc's malloc into keeping it (freeing a large
buffer raises its mmap threshold, after which the heap keeps tens of MB it never returns).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from spiders.warc import ArchivedPage, read_page_at

_READ = 1 << 16  # compressed bytes read from the file at a time
_INFLATE = 1 << 16  # at most this much inflated (and discarded) at a time


def complete_members(path: Path, start: int) -> list[int]:
    """Offsets of the gzip members that start at or after ``start`` and are complete, plus
    the offset where the last complete one ends (the next start)."""
    with path.open("rb") as fh:
        return [start, *member_ends(fh, start)]


def member_ends(fh: BinaryIO, start: int) -> Iterator[int]:
    """The end offset of each complete gzip member from ``start`` on, found while reading
    (bytes appended meanwhile are read too); stops at the first incomplete or broken one."""
    fh.seek(start)
    position = start  # the file offset of the first byte not given to the inflater yet
    inflater = zlib.decompressobj(wbits=31)
    pending = b""
    while True:
        if not pending:
            pending = fh.read(_READ)
            if not pending:
                return  # the end of the file: a member not complete yet, or none
        try:
            inflated = inflater.decompress(pending, _INFLATE)
            while len(inflated) == _INFLATE and not inflater.unconsumed_tail:
                inflated = inflater.decompress(b"", _INFLATE)  # output zlib still holds
        except zlib.error:
            return  # not a member boundary yet (a partial write): wait for more bytes
        if inflater.eof:
            position += len(pending) - len(inflater.unused_data)
            yield position
            pending = inflater.unused_data
            inflater = zlib.decompressobj(wbits=31)
        else:
            tail = inflater.unconsumed_tail
            position += len(pending) - len(tail)
            pending = tail


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
    with path.open("rb") as fh:
        start = offset
        for end in member_ends(fh, offset):
            page = read_page_at(path, start) if _is_response(path, start) else None
            yield end, page if page is not None and page.kind in kinds else None
            start = end


def _is_response(path: Path, offset: int) -> bool:
    """The member at ``offset`` is a WARC response record (its header says so)."""
    with path.open("rb") as fh:
        fh.seek(offset)
        head = zlib.decompressobj(wbits=31).decompress(fh.read(4096), 2048)
    return b"WARC-Type: response" in head
