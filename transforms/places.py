"""The places a figure is about: a province (or city) named near it, and any district or commune.

A figure belongs to the province of its paper unless its text says otherwise. The rules,
first that applies: a province named in the figure's sentence (the nearest one before the
figure, else the first after it), else the one province named earlier in its paragraph,
else the one province named in the lead (the article's first paragraph). With none, the
paper's province decides, which only the warehouse knows (rule ``paper`` there).

Province names are the registry's (:mod:`registry.provinces`, from ``vietnamadminunits``),
pre-2025 short names, plus common spellings ("Thanh Hoá", "TP.HCM", "Thừa Thiên Huế").
A name right after a lower unit's word ("huyện Hòa Bình", "xã Long An") is not a province;
such "huyện X", "xã Y", "phường Z" mentions are recorded as the figure's district or
commune (the nearest in its sentence), for a later step to map.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from registry.provinces import provinces_before_2025
from transforms.segments import UPPER, Segments
from transforms.textscan import at_word_starts

# Spellings in print that the package does not list, with the registry name they mean.
_ALIASES = {
    "Thừa Thiên Huế": "Huế",
    "Thừa Thiên - Huế": "Huế",
    "TP.HCM": "Hồ Chí Minh",
    "TP. HCM": "Hồ Chí Minh",
    "TPHCM": "Hồ Chí Minh",
    "TP HCM": "Hồ Chí Minh",
    "Sài Gòn": "Hồ Chí Minh",
    "Đăk Lăk": "Đắk Lắk",
    "Đắc Lắc": "Đắk Lắk",
    "Đăk Nông": "Đắk Nông",
    "Kontum": "Kon Tum",
    "Vũng Tàu": "Bà Rịa - Vũng Tàu",
}
# Old-style tone placement ("Hoá", "Thuỵ") printed beside the new one ("Hóa").
_TONE_SWAPS = {"óa": "oá", "òa": "oà", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "úy": "uý", "ùy": "uỳ"}

_LOWER_UNIT = r"huyện|quận|thị xã|xã|phường|thị trấn|thôn|bản|ấp|xóm|làng|khu phố"
_UNIT_WORD = rf"(?:{_LOWER_UNIT}|thành phố|TP\.?|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn)"
_NAME_WORD = rf"(?:[{UPPER}][^\W\d_]*|\d{{1,2}})"
_UNIT_FIRST = "".join(sorted({w[0] for w in _UNIT_WORD[3:-1].split("|")}))  # "huyện" -> "h"
_DISTRICT = re.compile(  # the unit word's first letter first: other positions are skipped fast
    rf"(?=[{_UNIT_FIRST}])(?<!\w)(?P<unit>{_UNIT_WORD})"
    rf"[ \t]+(?P<name>{_NAME_WORD}(?:[ \t]+[{UPPER}][^\W\d_]*){{0,3}})"
)
# _DISTRICT without its first two assertions: starting with a literal, it lets the regex
# engine jump between the unit words' first letters; the word boundary is tested after.
_DISTRICT_CORE = re.compile(_DISTRICT.pattern.split("(?<!\\w)", 1)[1])
_BEFORE_LOWER_UNIT = re.compile(rf"(?:^|[^\w])(?:{_LOWER_UNIT})[ \t]+$", re.I)


@dataclass(frozen=True)
class Place:
    """Where a figure is, as its text says."""

    province: str | None  # registry name ("Hà Giang"), None when the text names none
    rule: str | None  # sentence | paragraph | lead
    district: str | None = None  # "huyện Đồng Văn", "xã Kim Sơn", as written


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@cache
def province_spellings() -> dict[str, str]:
    """Every spelling recognised → the registry's pre-2025 short name."""
    names: dict[str, str] = {}
    for province in provinces_before_2025():
        names[province.name] = province.name
        swapped = province.name
        for new, old in _TONE_SWAPS.items():
            swapped = swapped.replace(new, old)
        names[swapped] = province.name
        if " - " in province.name:
            for dash in ("-", "–", " – "):
                names[province.name.replace(" - ", dash)] = province.name
    names.update(_ALIASES)
    return {_nfc(k): v for k, v in names.items()}


@cache
def _province_re() -> re.Pattern[str]:
    spellings = sorted(province_spellings(), key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in spellings)
    # a name's first letter first: the engine then skips every other position fast
    first = "".join(sorted({re.escape(s[0]) for s in spellings}))
    return re.compile(rf"(?=[{first}])(?<!\w)(?:{alternatives})(?![\w-])")


@cache
def _province_core() -> re.Pattern[str]:
    """:func:`_province_re` without its first two assertions (see :func:`at_word_starts`)."""
    return re.compile(_province_re().pattern.split("(?<!\\w)", 1)[1])


class _Mention(NamedTuple):
    start: int
    end: int
    name: str


def province_mentions(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, registry name)`` of every province named in ``text``."""
    out = []
    for m in at_word_starts(_province_core(), text):
        if _BEFORE_LOWER_UNIT.search(text, max(0, m.start() - 12), m.start()):
            continue  # "huyện Hòa Bình": a district that shares a province's name
        out.append((m.start(), m.end(), province_spellings()[m.group()]))
    return out


def district_mentions(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, "huyện X")`` of districts, towns and communes named in ``text``."""
    out = []
    spellings = province_spellings()
    for m in at_word_starts(_DISTRICT_CORE, text):
        unit, name = m.group("unit"), m.group("name")
        if unit.lower().startswith(("thành phố", "tp")) and name in spellings:
            continue  # "thành phố Cần Thơ": the province itself
        out.append((m.start(), m.end(), f"{unit.lower()} {name}"))
    return out


class PlaceFinder:
    """Finds the place of figures in one text."""

    def __init__(self, text: str, segments: Segments) -> None:
        self._segments = segments
        self._provinces = list(map(_Mention._make, province_mentions(text)))
        self._starts = [m.start for m in self._provinces]
        self._districts = list(map(_Mention._make, district_mentions(text)))
        self._district_starts = [m.start for m in self._districts]
        lead_end = segments.paragraph(0)[1]
        lead = {m.name for m in self._within(0, lead_end)}
        self._lead = lead.pop() if len(lead) == 1 else None
        self._memo: dict[tuple[int, int, int, int, int], Place] = {}
        self._nowhere = None if self._provinces or self._districts else Place(None, None, None)

    def _within(self, lo: int, hi: int) -> list[_Mention]:
        i, j = bisect_left(self._starts, lo), bisect_right(self._starts, hi - 1)
        return self._provinces[i:j]

    def _district(self, pos: int, lo: int, hi: int) -> str | None:
        i = bisect_left(self._district_starts, lo)
        j = bisect_right(self._district_starts, hi - 1)
        found = self._districts[i:j]
        before = [m for m in found if m.start < pos]
        if before:
            return before[-1].name
        return found[0].name if found else None

    def place_at(self, pos: int, sentence: tuple[int, int] | None = None) -> Place:
        """The place of a figure starting at ``pos``."""
        if self._nowhere is not None:
            return self._nowhere  # the text names no place at all
        s_lo, s_hi = sentence or self._segments.sentence(pos)
        # The answer depends on the sentence, its paragraph and which mentions come before
        # ``pos``: figures of one sentence mostly share it, so it is worked out once.
        key = (
            s_lo,
            s_hi,
            bisect_left(self._starts, pos),
            bisect_left(self._district_starts, pos),
            bisect_right(self._segments.paragraphs, pos),
        )
        place = self._memo.get(key)
        if place is None:
            place = self._memo[key] = self._place_at(pos, s_lo, s_hi)
        return place

    def _place_at(self, pos: int, s_lo: int, s_hi: int) -> Place:
        district = self._district(pos, s_lo, s_hi)
        named = self._within(s_lo, s_hi)
        if named:
            before = [m for m in named if m.start < pos]
            return Place((before[-1] if before else named[0]).name, "sentence", district)
        p_lo, _ = self._segments.paragraph(pos)
        earlier = {m.name for m in self._within(p_lo, s_lo)}
        if len(earlier) == 1:
            return Place(earlier.pop(), "paragraph", district)
        if self._lead is not None:
            return Place(self._lead, "lead", district)
        return Place(None, None, district)
