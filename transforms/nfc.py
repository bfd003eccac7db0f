"""NFC normalisation of long text that is mostly NFC already; no I/O.

``unicodedata.normalize("NFC", text)`` checks the text first and returns it unchanged when
every character passes; a single combining mark anywhere (a page of precomposed Vietnamese
with a few letters typed as base + mark, seen on real pages) makes it normalise the whole
text, about ten times the check's cost on a page of 200,000 characters. :func:`to_nfc` cuts
long text before spaces into pieces of about :data:`PIECE` characters and normalises each:
only the pieces holding such a character are rebuilt.

A space is a safe place to cut: its canonical combining class is 0, it composes with
nothing before it and nothing is reordered across it, so ``NFC(a + b) == NFC(a) + NFC(b)``
whenever ``b`` starts with a space (an NFC boundary, Unicode UAX #15).
"""

from __future__ import annotations

import unicodedata

PIECE = 4096  # characters; a piece ends at the first space after this many


def to_nfc(text: str, piece: int = PIECE) -> str:
    """``unicodedata.normalize("NFC", text)``, piece by piece when ``text`` is long."""
    size = len(text)
    if size <= 2 * piece or text.isascii():
        return unicodedata.normalize("NFC", text)
    pieces = []
    start = 0
    while start < size:
        cut = text.find(" ", start + piece)
        if cut == -1:
            cut = size
        pieces.append(unicodedata.normalize("NFC", text[start:cut]))
        start = cut
    return "".join(pieces)
