"""Paragraph, sentence and clause boundaries of an article text, as character offsets.

Paragraphs are lines. A sentence ends at ``. ! ? …`` followed by space and a capital,
digit or quote (not after a short abbreviation such as "TP." or "ThS.", but after a unit
or currency code such as "USD." or "ha."), or at a line end.
A clause ends at ``, ; :`` followed by space, at a bracket, or at a spaced dash. Numbers
("1,5", "3.959") never split anything because their separators are not followed by space.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

UPPER = "".join(c for c in map(chr, range(0x41, 0x1F00)) if c.isupper())  # Latin capitals
_SENTENCE_END = re.compile(
    rf"(?<=[.!?…])[\"'”»)]*[ \t]+(?=[\"'“«(\[]?[{UPPER}\d])|\n",
)
# _SENTENCE_END with its mark matched instead of looked behind for, and without the line
# ends (taken from the paragraphs), so that the engine can jump from one mark to the next
# (a lookbehind or an alternation first makes it try every position): the sentence starts
# where a match ends all the same, a mark is never inside a previous match (those end in a
# space, a tab or a newline), and no match holds a newline.
_SENTENCE_MARK = re.compile(rf"[.!?…][\"'”»)]*[ \t]+(?=[\"'“«(\[]?[{UPPER}\d])")
_NEWLINE = re.compile(r"\n")
# ", " ";  " ":" then spaces, a bracket, a spaced dash, a newline: each end's first character
# is matched first, from a set (the engine jumps between those), then what follows it
_CLAUSE_END = re.compile(
    r"[,;:()\[\] \t\n](?:(?<=[,;:])[ \t]+|(?<=[ \t])[-–—][ \t]|(?<=[()\[\]\n]))"
)
_ABBREVIATION = re.compile(r"(?:\b[A-ZĐ][A-Za-zĐđ]{0,3}|\b[A-ZĐ]\.[A-ZĐ]{1,3})\.$")
# Capitalised words that end sentences although they look like abbreviations: currency
# codes and unit symbols ("đạt 250 triệu USD. Từ ngày ...").
_NOT_ABBREVIATION = re.compile(
    r"\b(?:USD|VND|VNĐ|EUR|JPY|CNY|GBP|KRW|AUD|SGD|THB|CAD|CHF|HKD|TWD|MW|KW|GW|MWh|kWh|GWh|"
    r"TEU|DWT|CCU|CO2|GDP|GRDP|FDI|ODA|PCI|PAPI|HDI)\.$"
)


@dataclass(frozen=True)
class Segments:
    """Sorted start offsets of paragraphs, sentences and clauses of one text."""

    text: str
    paragraphs: list[int]
    sentences: list[int]
    clauses: list[int]
    # (start, end) of pieces, trailing space excluded, by kind and index: computed once
    _spans: dict[str, dict[int, tuple[int, int]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def _span(self, kind: str, starts: list[int], pos: int) -> tuple[int, int]:
        """The trimmed span of the piece of ``starts`` holding ``pos``; each piece's span
        is worked out when first asked for (few of them are)."""
        i = bisect_right(starts, pos) - 1
        if i < 0:
            i = 0
        spans = self._spans.get(kind)
        if spans is None:
            spans = self._spans[kind] = {}
        else:
            span = spans.get(i)
            if span is not None:
                return span
        span = spans[i] = _trimmed_span(self.text, starts, i)
        return span

    def paragraph(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the paragraph holding ``pos``, trailing space excluded."""
        return self._span("p", self.paragraphs, pos)

    def sentence(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the sentence holding ``pos``, trailing space excluded."""
        return self._span("s", self.sentences, pos)

    def clause(self, pos: int, sentence: tuple[int, int] | None = None) -> tuple[int, int]:
        """``(start, end)`` of the clause holding ``pos`` (never crosses a sentence);
        ``sentence``: the sentence holding ``pos`` when already known."""
        s_start, s_end = sentence or self.sentence(pos)
        start, end = self._span("c", self.clauses, pos)
        return (start if start > s_start else s_start), (end if end < s_end else s_end)


def _trimmed_span(text: str, starts: list[int], i: int) -> tuple[int, int]:
    """``_trimmed_spans(text, starts)[i]``, alone."""
    start = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    if end <= start:
        return start, end
    # str.rstrip() cuts what isspace() sees
    return start, (start + len(text[start:end].rstrip()) if text[end - 1].isspace() else end)


def _trimmed_spans(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """``(start, end)`` from each start to the next (or the text's end), trailing space cut."""
    ends = starts[1:]
    ends.append(len(text))
    return [
        # str.rstrip() cuts what isspace() sees
        (start, start + len(text[start:end].rstrip()) if text[end - 1].isspace() else end)
        if end > start
        else (start, end)
        for start, end in zip(starts, ends, strict=True)
    ]


def _abbreviation_before(text: str, end: int) -> bool:
    lo = max(0, end - 6)
    if not _ABBREVIATION.search(text, lo, end):
        return False
    return not _NOT_ABBREVIATION.search(text, max(0, end - 5), end)


def segment(text: str) -> Segments:
    """Boundaries of ``text``."""
    paragraphs = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    ends = [
        m.end()
        for m in _SENTENCE_MARK.finditer(text)
        if not _abbreviation_before(text, m.start() + 1)
    ]
    sentences = [0, *sorted(ends + paragraphs[1:])]
    clauses = sorted({0, *sentences, *[m.end() for m in _CLAUSE_END.finditer(text)]})
    return Segments(text, paragraphs, sentences, clauses)
