"""The phrase that says what a figure measures (its indicator).

Two places hold it in Vietnamese news. Before the figure when a verb links them
("tổng thu ngân sách năm 2021 đạt 1,5 tỷ đồng" -> "tổng thu ngân sách"); otherwise after
the figure's noun ("84 tổ/498 người tham gia tự quản đường biên, mốc giới" -> "tham gia
tự quản đường biên, mốc giới"). Date mentions are cut out of the phrase, and so are the
qualifier and change words around the figure. This is a heuristic: it names the measure
well enough to group and search figures, not a parse.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from transforms.lexicon import lexicon

_WORDLIKE = re.compile(r"\S*\w\S*")  # a token with at least one letter or digit
_AFTER_STOP = re.compile(r"[;:.!?\n]|[ \t][-–—][ \t]")
_EDGE = " \t,;:-–—(\"“”'"


def _clean(phrase: str) -> str:
    phrase = " ".join(phrase.split()).strip(_EDGE)
    if phrase.count("(") > phrase.count(")"):
        phrase = phrase.rsplit("(", 1)[0].strip(_EDGE)
    return phrase


@cache
def _linking_words() -> frozenset[str]:
    lex = lexicon()
    return lex.indicator_trims | lex.indicator_predicates


def _trim_tail(words: list[str]) -> tuple[list[str], bool]:
    """Drop linking words from the end; also say whether one of them was a predicate."""
    predicates = lexicon().indicator_predicates
    linking = _linking_words()
    predicate = False
    while words:
        for size in (3, 2, 1):
            if len(words) < size:
                continue
            tail = " ".join(words[-size:]).lower()
            if tail in linking:
                predicate = predicate or tail in predicates
                del words[-size:]
                break
        else:
            break
    return words, predicate


def _before(text: str, lo: int, hi: int, holes: Sequence[tuple[int, int]]) -> tuple[str, bool]:
    pieces, pos = [], lo
    for h_lo, h_hi in holes:
        if h_hi <= lo or h_lo >= hi:
            continue
        pieces.append(text[pos : max(pos, h_lo)])
        pos = max(pos, h_hi)
    pieces.append(text[pos:hi])
    words = _WORDLIKE.findall(" ".join(pieces))
    words, predicate = _trim_tail(words)
    return _clean(" ".join(words)), predicate


def _after(text: str, lo: int, hi: int) -> str:
    stop = _AFTER_STOP.search(text, lo, hi)
    chunk = text[lo : stop.start() if stop else hi]
    parts = chunk.split(",")
    if not parts[0].strip():
        return ""
    kept = [parts[0]]
    stops = lexicon().indicator_stops
    for part in parts[1:]:  # "tự quản đường biên, mốc giới": short list items belong to it
        words = part.split()
        head = " ".join(words[:2]).lower()
        if not words or len(words) > 2 or any(c.isdigit() for c in part):
            break
        if words[0].lower() in stops or head in stops:
            break
        kept.append(part)
    words, _ = _trim_tail(",".join(kept).split())
    phrase = _clean(" ".join(words))
    first = phrase.split(" ", 2)[:2]
    if first and (first[0].lower() in stops or " ".join(first).lower() in stops):
        return ""
    return phrase


def indicator_for(
    text: str,
    before: tuple[int, int],
    after: tuple[int, int],
    holes: Sequence[tuple[int, int]] = (),
) -> str | None:
    """The indicator of a figure, from the text ``before`` it and ``after`` it (spans).

    ``holes`` are spans cut out of the phrase before it (date mentions).
    """
    phrase_before, predicate = _before(text, *before, holes)
    if predicate and phrase_before:
        return phrase_before
    phrase_after = _after(text, *after)
    if phrase_after:
        return phrase_after
    return phrase_before or None
