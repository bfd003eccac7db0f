"""The phrase that says what a figure measures (its indicator).

Two places hold it in Vietnamese news. Before the figure when a verb links them
("tổng thu ngân sách năm 2021 đạt 1,5 tỷ đồng" -> "tổng thu ngân sách"); otherwise after
the figure's noun ("84 tổ/498 người tham gia tự quản đường biên, mốc giới" -> "tham gia
tự quản đường biên, mốc giới"). Date mentions are cut out of the phrase, and so are the
qualifier and change words around the figure. This is a heuristic: it names the measure
well enough to group and search figures, not a parse.

:func:`indicator_key` turns the phrase into a grouping key: lowercase, synonyms folded
("ngân sách nhà nước" -> "ngân sách"), totals, places, time words and reporting verbs
dropped, the counted noun of the unit dropped ("khách du lịch" with "lượt khách"), words
de-duplicated and sorted so that word order does not split a series. Non-phrases give
None: punctuation and table debris ("|"), fragments of a clause ("có chiều dài", "so
với"). The word lists, and the starter mapping of phrases to named indicators that the
warehouse loads into its editable ``indicator_map`` table, are data in
``transforms/data/indicators.toml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.lexicon import lexicon, load_table
from transforms.places import district_mentions, province_spellings

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


@cache
def _linking_last_words() -> frozenset[str]:
    """The last word of each linking phrase: a tail ending in another word is none of them."""
    return frozenset(p.rsplit(" ", 1)[-1] for p in _linking_words())


def _trim_tail(words: list[str]) -> tuple[list[str], bool]:
    """Drop linking words from the end; also say whether one of them was a predicate.

    ``words`` hold no spaces (split text), so a tail's last word is its last piece.
    """
    predicates = lexicon().indicator_predicates
    linking = _linking_words()
    last_words = _linking_last_words()
    predicate = False
    while words:
        if words[-1].lower() not in last_words:
            break
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


@dataclass(frozen=True)
class StarterIndicator:
    """One phrase of the shipped starter mapping, with its key."""

    indicator: str  # "budget_revenue"
    label_vi: str
    unit: str  # "*" for any unit
    phrase: str
    key: str


_KEY_TOKEN = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)


@cache
def _key_tables() -> tuple[dict[str, str], frozenset[str], frozenset[str], frozenset[str]]:
    table = load_table("indicators.toml")["key"]

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).lower().split())

    synonyms = {norm(k): norm(v) for k, v in table["synonyms"].items()}
    places = {norm(p) for p in province_spellings()}
    drop = frozenset(norm(w) for w in table["drop"]) | frozenset(places)
    return (
        synonyms,
        drop,
        frozenset(map(norm, table["reject_heads"])),
        frozenset(map(norm, table["reject_keys"])),
    )


def _replace_phrases(words: list[str], phrases: frozenset[str] | dict[str, str]) -> list[str]:
    """Drop (set) or replace (dict) phrases of up to four words, longest first."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in (4, 3, 2, 1):
            chunk = " ".join(words[i : i + size])
            if len(words) - i >= size and chunk in phrases:
                if isinstance(phrases, dict):
                    out.extend(phrases[chunk].split())
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@lru_cache(maxsize=1 << 16)
def indicator_key(phrase: str | None, unit: str | None = None) -> str | None:
    """The grouping key of an indicator phrase, or None when it is not a phrase.

    >>> indicator_key("Tổng thu ngân sách nhà nước trên địa bàn tỉnh Nghệ An", "VND")
    'ngân sách thu'
    """
    if not phrase:
        return None
    synonyms, drop, reject_heads, reject_keys = _key_tables()
    text = unicodedata.normalize("NFC", phrase)
    for lo, hi, _ in reversed(district_mentions(text)):  # "huyện Đồng Văn": a place
        text = text[:lo] + " " + text[hi:]
    text = text.lower()
    words = _KEY_TOKEN.findall(text)
    if not words or sum(len(w) for w in words) < 0.5 * len(text.replace(" ", "")):
        return None  # "|", "- -", table debris: mostly not letters
    if words[0] in reject_heads or " ".join(words[:2]) in reject_heads:
        return None
    words = _replace_phrases(words, synonyms)
    words = _replace_phrases(words, drop)
    if unit:
        unit_words = _replace_phrases(_KEY_TOKEN.findall(unit.lower()), synonyms)
        kept = [w for w in words if w not in unit_words]
        if not words and unit_words and unit == unit.lower() and unit.replace(" ", "").isalpha():
            words = unit_words  # "toàn tỉnh đón 3 triệu lượt khách": the counted noun
        else:
            words = kept or words
    words = sorted(set(words))
    key = " ".join(words)
    if not key or key in reject_keys or (len(words) == 1 and len(key) < 3):
        return None
    return key


@cache
def starter_indicators() -> tuple[StarterIndicator, ...]:
    """The shipped mapping of phrases to named indicators, one entry per phrase."""
    out: dict[tuple[str, str], StarterIndicator] = {}
    for entry in load_table("indicators.toml")["indicator"]:
        unit = entry.get("unit", "*")
        for phrase in entry["phrases"]:
            key = indicator_key(phrase, None if unit == "*" else unit)
            if key is not None and (key, unit) not in out:
                out[(key, unit)] = StarterIndicator(
                    entry["name"], entry["label_vi"], unit, phrase, key
                )
    return tuple(out.values())
