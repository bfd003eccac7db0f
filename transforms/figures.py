"""Figures in Vietnamese news text: numbers with what they count, their period and context.

``extract_figures(text, reference)`` finds every number (:mod:`transforms.numbers`), drops
those that are not figures (inside a date mention, a clock time, a phone/plate/document
number, after a label word such as "lớp" or "Quốc lộ", glued to letters as in "Covid-19",
"4G", "U23", years, vague "hàng trăm"), reads its unit (:mod:`transforms.figure_units`),
joins ranges ("từ 10 - 15 tấn"), ratios ("5,6 ca trên 100.000 dân") and shares of a whole
("12/15 xã", "19/19 tiêu chí"), reads qualifier
and change words (:mod:`transforms.figure_context`), groups compound statements
("84 tổ/498 người"), and ties each figure to its sentence, indicator
(:mod:`transforms.indicators`), governing period (:mod:`transforms.figure_periods`) and the
place its text names (:mod:`transforms.places`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from transforms.dates import extract_dates
from transforms.figure_context import (
    change_at_distance,
    clock_time_end,
    is_clock_time,
    is_label,
    is_score,
    protected_spans,
    qualifier_after,
    qualifier_and_change,
    words_before,
)
from transforms.figure_periods import PeriodFinder
from transforms.figure_units import UnitMatch, currency_before, unit_after
from transforms.indicators import indicator_for, indicator_key
from transforms.lexicon import lexicon
from transforms.models import DateMention, Figure, Period, new_figure
from transforms.numbers import NumberMatch, scan_numbers, to_number
from transforms.places import Place, PlaceFinder
from transforms.segments import UPPER, Segments, segment

_DASH_JOINER = re.compile(r"[ \t]*[-–—~][ \t]*")
_WORD_JOINER = re.compile(r"[ \t]+(?:đến|tới)[ \t]+", re.I)
_AND_JOINER = re.compile(r"[ \t]+và[ \t]+", re.I)  # only after "giữa": "giữa 10 và 15 tấn"
_RATIO_JOINER = re.compile(r"[ \t]+(?:trên mỗi|cho mỗi|trên)[ \t]+", re.I)
_COMPOUND_GAP = re.compile(r"[^\d,;.:!?()\n/]{0,60}/[ \t]*")
_MONTH_PERIOD_AFTER = re.compile(  # "6 tháng đầu năm" (a period), "8 tháng 3", "5 tháng Giêng"
    r"[ \t]+(?:(?:(?:đầu|cuối)[ \t]+)?năm|\d|một|hai|ba|tư|bốn|sáu|bảy|tám|chín|mười|giêng|chạp)"
    r"(?!\w)",
    re.I,
)
_HALF_AFTER = re.compile(r"[ \t]+rưỡi(?!\w)", re.I)
_FRACTION_AFTER = re.compile(r"[ \t]+\d+/\d+")  # "5 1/2": a mixed fraction
_NEXT_CAPITAL = re.compile(rf"[ \t]+[{UPPER}]")
_YEARS = range(1900, 2101)


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    value: Decimal
    unit: UnitMatch
    value_max: Decimal | None = None
    qualifier: str | None = None
    change: str | None = None
    per: str | None = None
    currency: tuple[str, str] | None = None  # ISO code and sign before the number ("$10")
    weak: bool = False  # a figure only if its sentence has other counts ("một người")
    fraction: tuple[int, int] | None = None  # "12/15 xã": numerator and denominator
    extra: dict[str, str] = field(default_factory=dict)


class _Blocked:
    """Spans where numbers are not figures (date mentions, times, phones, codes)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(spans):
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        self._starts = [lo for lo, _ in merged]
        self._spans = merged

    def overlaps(self, lo: int, hi: int) -> bool:
        i = bisect_right(self._starts, hi - 1) - 1
        return i >= 0 and self._spans[i][1] > lo


def _digits_ok(text: str, n: NumberMatch) -> bool:
    """The digit token stands alone: not part of a code, phone number or word."""
    before = text[n.start - 1] if n.start else " "
    if before.isalpha() and currency_before(text, n.start):
        before = " "  # "USD1,23", "VND1000"
    if before.isalnum() or before in "_+#№":
        return False
    if before in "-–/.,:" and n.start >= 2:
        prev = text[n.start - 2]
        if before == "/" and not prev.isalpha():
            return False  # "18/12", "1/2"
        if before != "/" and prev.isalnum():
            return False  # "Covid-19", "A-123"
    after = text[n.digits_end] if n.digits_end < len(text) else " "
    nxt = text[n.digits_end + 1] if n.digits_end + 1 < len(text) else " "
    if after in "/:+" and nxt.isdigit():
        return False  # "18/12", "14:30", "15+500"
    if after in "-–" and nxt.isalpha():
        return False  # "19-CT"
    integer = n.digits.replace(".", "").split(",")[0]
    if integer.startswith("0") and len(integer) >= 4:
        return False  # phone-like "0238"
    # long identifiers: eight or more digits without any separator
    return not ("." not in n.digits and "," not in n.digits and len(integer) >= 8 and not n.scaled)


def _no_unit(pos: int) -> UnitMatch:
    return UnitMatch(None, None, "number", pos, pos, "none")


_CURRENCY_SIGNS = frozenset("$€£¥₫₹")


def _may_follow_currency(text: str, pos: int) -> bool:
    """Cheap test before looking for a currency sign or code in front of ``pos``."""
    before = text[pos - 1] if pos else " "
    if before in _CURRENCY_SIGNS or before.isalpha():
        return True
    prev = text[pos - 2] if pos >= 2 else " "
    return before == " " and (prev in _CURRENCY_SIGNS or prev.isupper())


def _glued_letters_ok(text: str, n: NumberMatch, *units: UnitMatch) -> bool:
    """Letters glued to the digits must be a unit or scale ("5ha", "10tỷ"), not "4G"."""
    if n.digits_end >= len(text) or not text[n.digits_end].isalpha():
        return True
    return n.scaled or any(u.source == "unit" and u.start == n.digits_end for u in units)


def _spelled_ok(text: str, n: NumberMatch, words: list[str], sentence_start: int) -> bool:
    """A spelled-out number is a figure only when it reads as one, not as a name or word."""
    lex = lexicon()
    head = text[n.start : n.end].split()[0]
    if head[0].isupper() and text[sentence_start : n.start].strip(" \t\"'“(-–"):
        return False  # "Hoàng Mai", "ông Tám", "Ba Đình"
    if _NEXT_CAPITAL.match(text, n.end):
        return False  # "Năm Căn", "Ba Đình" at the head of a sentence
    if words and (words[-1] in lex.vague or " ".join(words[-2:]) in lex.vague):
        return False  # "vài ba người"
    return not (head.lower() == "năm" and words and words[-1] in lex.year_word_after)


def _prev_word_is_name(text: str, pos: int, sentence_start: int) -> bool:
    """The word right before ``pos`` is capitalised and not the first of its sentence."""
    chunk = text[max(sentence_start, pos - 32) : pos]
    if not chunk.endswith((" ", "\t")):
        return False
    parts = chunk.rstrip().rsplit(None, 1)
    if not parts or not parts[-1][:1].isupper() or not parts[-1].isalpha():
        return False
    return bool(text[sentence_start : pos - len(chunk) + chunk.rfind(parts[-1])].strip())


class _Reader:
    """Reads figures from the number candidates of one text."""

    def __init__(
        self,
        text: str,
        segments: Segments,
        blocked: _Blocked,
        numbers: Sequence[NumberMatch] | None = None,
    ) -> None:
        self.text = text
        self.segments = segments
        self.blocked = blocked
        found = scan_numbers(text) if numbers is None else numbers
        self.candidates = [n for n in found if not blocked.overlaps(n.start, n.digits_end)]
        self._by_start = {n.start: n for n in self.candidates}

    def drafts(self) -> list[_Draft]:
        out: list[_Draft] = []
        consumed = 0
        for n in self.candidates:
            if n.start < consumed:
                continue
            draft, consumed_to = self._read(n)
            consumed = max(consumed, consumed_to)
            if draft is not None:
                out.append(draft)
        return out

    def _candidate_at(self, pos: int) -> NumberMatch | None:
        return self._by_start.get(pos)

    def _acceptable(self, n: NumberMatch, words: list[str], sentence_start: int) -> bool:
        if n.spelled:
            return _spelled_ok(self.text, n, words, sentence_start)
        return _digits_ok(self.text, n)

    def _read(self, n: NumberMatch) -> tuple[_Draft | None, int]:
        text = self.text
        s_lo, _ = self.segments.sentence(n.start)
        currency = None
        if not n.spelled and _may_follow_currency(text, n.start):
            currency = currency_before(text, n.start)  # "$10", "US$ 5", "VND1000"
        start = currency[1] if currency else n.start
        words = words_before(text, start, floor=s_lo)
        fraction = self._fraction(n, words)
        if fraction is not None:
            return fraction, fraction.end
        if not self._acceptable(n, words, s_lo):
            return None, n.end
        unit = unit_after(text, n.end, allow_fallback=not n.spelled)
        low_unit = unit if unit.from_tables else _no_unit(n.end)  # a guess never joins a range
        if is_label(words, counted=low_unit.from_tables):
            return None, n.end

        draft = self._range(n, low_unit, words)
        if draft == "skip":
            return None, self._range_high_end(n, low_unit, words)
        if draft is None:
            draft = _Draft(start, unit.end if unit.unit else n.end, n.value, unit)
        assert isinstance(draft, _Draft)
        draft.start = start
        if currency:
            draft.currency = (currency[0], text[currency[1] : n.start].strip())
        if not n.spelled and not _glued_letters_ok(text, n, low_unit, draft.unit):
            return None, draft.end
        if not self._unit_ok(n, draft, s_lo):
            return None, draft.end
        if draft.unit.unit == "giờ" and is_clock_time(text, draft.end, n.value, words):
            return None, clock_time_end(text, draft.end)  # minutes are not figures either
        self._ratio(draft)
        self._half_after_unit(n, draft)
        qualifier, change = qualifier_and_change(words)
        if change is None and draft.unit.kind == "percent":
            change = change_at_distance(text, start, s_lo)  # "giảm tỷ lệ hộ nghèo 1,5%"
        draft.change = change
        if draft.value_max is not None:
            draft.qualifier = "range"
        else:
            draft.qualifier = qualifier
            suffix = qualifier_after(text, draft.end)
            if suffix:
                draft.qualifier = suffix[0]
        if draft.unit.source == "fallback":
            draft.extra["unit_source"] = "guess"
        return draft, draft.end

    def _fraction(self, n: NumberMatch, words: list[str]) -> _Draft | None:
        """ "12/15 xã", "19/19 tiêu chí": a share of a whole, counted by a known noun."""
        text = self.text
        if text[n.digits_end : n.digits_end + 1] != "/":
            return None  # most numbers: tested first, as it is the cheapest
        if n.spelled or n.scaled or not n.digits.isdigit():
            return None
        if n.start and text[n.start - 1] in "/.":
            return None
        den = self._candidate_at(n.digits_end + 1)
        if den is None or den.spelled or den.scaled or not den.digits.isdigit():
            return None
        if (
            text[den.digits_end : den.digits_end + 1] in ("/", ".", ",", "-")
            and text[den.digits_end + 1 : den.digits_end + 2].isdigit()
        ):
            return None  # "1/7/2023", "3/5.000"
        if not 0 < den.value <= 10_000 or n.value > den.value:
            return None
        unit = unit_after(text, den.end, allow_fallback=False)
        if not unit.from_tables or unit.kind != "count":
            return None
        draft = _Draft(n.start, unit.end, n.value, unit, fraction=(int(n.value), int(den.value)))
        draft.qualifier, draft.change = qualifier_and_change(words)
        return draft

    def _range_high_end(self, n: NumberMatch, low_unit: UnitMatch, words: list[str]) -> int:
        joiner = self._joiner(n, low_unit, words)
        high = self._candidate_at(joiner.end()) if joiner else None
        return high.end if high else n.end

    def _joiner(
        self, n: NumberMatch, low_unit: UnitMatch, words: list[str]
    ) -> re.Match[str] | None:
        pos = low_unit.end if low_unit.unit else n.end
        text = self.text
        joiner = _DASH_JOINER.match(text, pos) or _WORD_JOINER.match(text, pos)
        if joiner is None and words[-1:] == ["giữa"]:
            joiner = _AND_JOINER.match(text, pos)
        return joiner

    def _range(self, n: NumberMatch, low_unit: UnitMatch, words: list[str]) -> _Draft | str | None:
        """A range "2-3 kg" / "từ 10 đến 15 tấn" starting at ``n``; "skip" for scores."""
        joiner = self._joiner(n, low_unit, words)
        if joiner is None:
            return None
        high = self._candidate_at(joiner.end())
        if high is None or high.spelled != n.spelled:
            return None
        if not n.spelled and not _digits_ok_for_high(self.text, high):
            return None
        dash = joiner.group().strip() in "-–—~"
        high_unit = unit_after(self.text, high.end, allow_fallback=not high.spelled)
        if low_unit.unit and high_unit.unit and low_unit.unit != high_unit.unit:
            return None
        low_value = n.value * high.scale if high.scaled and not n.scaled else n.value
        unitless = not low_unit.unit and not high_unit.unit
        if dash and (is_score(words) or (unitless and (low_value >= high.value or not words))):
            return "skip"
        if low_value >= high.value:
            return None
        if unitless and dash and words[-1:] != ["từ"] and not qualifier_and_change(words)[0]:
            return "skip"  # "3-1", "12-15" with nothing to say they are amounts
        unit = high_unit if high_unit.unit else low_unit
        end = high_unit.end if high_unit.unit else high.end
        return _Draft(n.start, end, low_value, unit, value_max=high.value)

    def _unit_ok(self, n: NumberMatch, draft: _Draft, sentence_start: int) -> bool:
        text, unit = self.text, draft.unit
        if n.shorthand and draft.currency is None and unit.kind != "money":
            return False  # "5k", "2tr" only stand for money
        if unit.unit in ("tháng", "ngày") and _MONTH_PERIOD_AFTER.match(text, unit.end):
            return False  # "6 tháng đầu năm" is a period; "8 tháng 3" a date
        if n.spelled:
            if unit.source == "fallback" or (unit.unit is None and not n.scaled):
                return False
            head = text[n.start : n.end].split()[0].lower()
            if head == "năm" and unit.unit in ("năm", "tháng"):
                return False  # "năm tháng" (years), "năm năm"
            if n.value == 1 and not n.scaled and unit.kind not in ("money", "measure", "percent"):
                draft.weak = True  # "một người dân cho biết": an article, unless among counts
        elif not unit.unit and _FRACTION_AFTER.match(text, n.end):
            return False
        elif not unit.from_tables and not n.scaled and draft.currency is None:
            digits = n.digits
            if digits.isdigit() and len(digits) == 4 and int(digits) in _YEARS:
                return False  # a bare year
            if not unit.unit and digits in lexicon().service_numbers:
                return False  # "gọi 113", "Bệnh viện 115"
            if _prev_word_is_name(text, draft.start, sentence_start):
                return False  # "Đồn 513", "Bệnh viện 115"
        return True

    def _half_after_unit(self, n: NumberMatch, draft: _Draft) -> None:
        """ "hai năm rưỡi", "3 tiếng rưỡi", "hai đô rưỡi": half a unit more."""
        m = _HALF_AFTER.match(self.text, draft.end)
        if m and draft.unit.unit and draft.value_max is None and not n.scaled:
            draft.value += Decimal("0.5")
            draft.end = m.end()

    def _ratio(self, draft: _Draft) -> None:
        """Join a denominator: "5,6 ca trên 100.000 dân" (denominator a power of ten)."""
        m = _RATIO_JOINER.match(self.text, draft.end)
        if not m:
            return
        den = self._candidate_at(m.end())
        if den is None or den.spelled or den.value < 10 or not _is_power_of_ten(den.value):
            return
        den_unit = unit_after(self.text, den.end)
        if den_unit.kind not in ("count", "number"):
            return
        end = den_unit.end if den_unit.unit else den.end
        draft.per = self.text[den.start : end]
        draft.end = end


def _digits_ok_for_high(text: str, high: NumberMatch) -> bool:
    after = text[high.digits_end] if high.digits_end < len(text) else " "
    nxt = text[high.digits_end + 1] if high.digits_end + 1 < len(text) else " "
    return not (after in "/:" and nxt.isdigit())


def _is_power_of_ten(value: Decimal) -> bool:
    if value != value.to_integral_value():
        return False
    digits = str(int(value))
    return digits[0] == "1" and set(digits[1:]) <= {"0"}


@dataclass(slots=True)
class _Context:
    group: int | None
    indicator: str | None
    sentence: str
    period: Period
    place: Place


def _to_figure(text: str, d: _Draft, ctx: _Context) -> Figure:
    unit = d.unit
    kind = unit.kind
    unit_name, unit_text = unit.unit, unit.unit_text
    if d.currency is not None:
        kind = "money"
        unit_name, unit_text = d.currency
    if d.per is not None:
        kind = "ratio"
    fraction = d.fraction
    value_max = d.value_max
    place = ctx.place
    return new_figure(  # every field of Figure, in order
        {
            "text": text[d.start : d.end],
            "start": d.start,
            "end": d.end,
            "value": to_number(d.value),
            "unit": unit_name,
            "unit_text": unit_text,
            "kind": kind,
            "value_max": None if value_max is None else to_number(value_max),
            "qualifier": d.qualifier,
            "change": d.change,
            "per": d.per,
            "group": ctx.group,
            "indicator": ctx.indicator,
            "sentence": ctx.sentence,
            "period": ctx.period,
            "extra": d.extra,
            "numerator": fraction[0] if fraction else None,
            "denominator": fraction[1] if fraction else None,
            "share": round(fraction[0] / fraction[1], 6) if fraction else None,
            "indicator_key": indicator_key(ctx.indicator, unit_name),
            "place_province": place.province,
            "place_rule": place.rule,
            "place_district": place.district,
        }
    )


def _groups(text: str, drafts: list[_Draft]) -> list[int | None]:
    """Group numbers of compound statements "84 tổ/498 người" (None when alone)."""
    groups: list[int | None] = [None] * len(drafts)
    next_id = 0
    for i in range(1, len(drafts)):
        a, b = drafts[i - 1], drafts[i]
        if _COMPOUND_GAP.fullmatch(text, a.end, b.start):
            if groups[i - 1] is None:
                next_id += 1
                groups[i - 1] = next_id
            groups[i] = groups[i - 1]
    return groups


def _contexts(
    text: str,
    drafts: list[_Draft],
    segments: Segments,
    dates: Sequence[DateMention],
    periods: PeriodFinder,
    places: PlaceFinder,
) -> list[_Context]:
    """Group, indicator, sentence and period of each draft (shared within a group)."""
    groups = _groups(text, drafts)
    sentences: dict[int, str] = {}  # one string per sentence, however many figures it holds
    holes = sorted((m.start, m.end) for m in dates)
    hole_starts = [lo for lo, _ in holes]
    out: list[_Context] = []
    i = 0
    while i < len(drafts):
        j = i
        while j + 1 < len(drafts) and groups[j + 1] is not None and groups[j + 1] == groups[i]:
            j += 1
        first, last = drafts[i], drafts[j]
        s_lo, s_hi = sentence_span = segments.sentence(first.start)
        clause_span = segments.clause(first.start, sentence_span)
        c_lo = clause_span[0]
        prev_end = drafts[i - 1].end if i and drafts[i - 1].end > s_lo else s_lo
        next_start = drafts[j + 1].start if j + 1 < len(drafts) else s_hi
        before = (max(c_lo, prev_end), first.start)
        nearby = holes[bisect_left(hole_starts, s_lo) : bisect_left(hole_starts, first.start)]
        indicator = indicator_for(
            text,
            before=before,
            after=(last.end, min(s_hi, max(next_start, last.end))),
            holes=nearby,
        )
        sentence = sentences.get(s_lo)
        if sentence is None:
            sentence = sentences[s_lo] = text[s_lo:s_hi]
        if indicator is None and first.change and out and out[-1].sentence == sentence:
            indicator = out[-1].indicator  # "doanh thu đạt 5 tỷ đồng, tăng 12%"
        period = periods.period_at(first.start, clause_span, sentence_span)
        place = places.place_at(first.start, sentence_span)
        out.extend(_Context(groups[k], indicator, sentence, period, place) for k in range(i, j + 1))
        i = j + 1
    return out


def _without_lone_weak(drafts: list[_Draft], segments: Segments) -> list[_Draft]:
    """Drop weak drafts ("một người") unless their sentence holds other counts.

    "làm một người chết, hai người bị thương" lists counts; "một nhà phân tích nhận định"
    or "một người dân cho biết" uses "một" as an article.
    """
    if not any(d.weak for d in drafts):
        return drafts
    counting = {segments.sentence(d.start) for d in drafts if not d.weak and d.unit.kind == "count"}
    return [d for d in drafts if not d.weak or segments.sentence(d.start) in counting]


MAX_SENTENCE_CHARS = 1000  # what a figure keeps of its sentence when its sentence is bounded


def with_bounded_sentence(figure: Figure, text: str) -> Figure:
    """``figure`` with a sentence of at most :data:`MAX_SENTENCE_CHARS`: a window of ``text``
    around it when its sentence is longer, so what figures hold grows with the text, not with
    figures × sentence (a page of one endless "sentence" of numbers)."""
    if figure.sentence is None or len(figure.sentence) <= MAX_SENTENCE_CHARS:
        return figure
    half = (MAX_SENTENCE_CHARS - (figure.end - figure.start)) // 2
    start = max(0, figure.start - max(half, 0))
    return replace(figure, sentence=text[start : start + MAX_SENTENCE_CHARS])


def extract_figures(
    text: str, reference: date, dates: Sequence[DateMention] | None = None
) -> list[Figure]:
    """All figures in ``text`` (an article published on ``reference``), sorted by start.

    ``dates`` are the date mentions of ``text``; computed with
    :func:`transforms.dates.extract_dates` when not given.
    """
    numbers: list[NumberMatch] | None = None
    if dates is None:
        numbers = list(scan_numbers(text))
        if not numbers:
            return []  # nothing to read: skip dates and the rest
        dates = extract_dates(text, reference)
    blocked = _Blocked([(m.start, m.end) for m in dates] + protected_spans(text))
    if numbers is None:
        numbers = list(scan_numbers(text, skip=blocked.overlaps))  # blocked: never figures
        if not numbers:
            return []  # nothing to read: skip segmenting and the rest
    segments = segment(text)
    drafts = _without_lone_weak(_Reader(text, segments, blocked, numbers).drafts(), segments)
    if not drafts:
        return []
    periods = PeriodFinder(text, segments, dates, reference)
    contexts = _contexts(text, drafts, segments, dates, periods, PlaceFinder(text, segments))
    return [_to_figure(text, d, c) for d, c in zip(drafts, contexts, strict=True)]
