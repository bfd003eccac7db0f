"""What each grammar rule means: turning a grammar hit into date atoms.

An :class:`Atom` is a date expression before resolution: the parts the text gives (day,
month, quarter, year) and, for relative expressions, the period already computed from the
reference date. A handler returns the atoms of a hit, or None when the context shows the
hit is not a date (a fraction, a document number, a duration, an ordinal ...).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from transforms.date_grammar import Hit, grammar
from transforms.date_tables import DateTables, norm_key
from transforms.models import Grain
from transforms.periods import period_end, period_of, period_start, shift

Prefer = Literal["past", "future"]

ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
UNIT_GRAIN: dict[str, Grain] = {
    "ngày": "day",
    "tuần": "week",
    "tháng": "month",
    "quý": "quarter",
    "năm": "year",
}


@dataclass
class Atom:
    """A date expression before resolution: fields missing from the text are None."""

    start: int
    end: int
    grain: Grain
    year: int | None = None
    index: int = 1  # month, quarter or half of the year; the month for grain "day"
    day: int | None = None
    first: date | None = None  # already resolved (relative expressions)
    to: Atom | None = None  # last period of a range
    last_day: date | None = None  # end of the covered span when not a period end ("đến nay")
    weekday: int | None = None  # ISO weekday written with the date
    direction: int = 0  # +1 future, -1 past, from a word after the date
    relative: bool = False
    near: date | None = None  # take the year that puts the date closest to this day

    def candidate(self, year: int) -> date | None:
        """First day of this atom's period in ``year`` (None when the day does not exist)."""
        if self.grain == "day":
            try:
                return date(year, self.index, self.day or 1)
            except ValueError:
                return None
        return period_of(self.grain, year, self.index)


class Context:
    """The text, its lowercased twin, the reference date and facts about the text."""

    def __init__(self, text: str, low: str, reference: date, prefer: Prefer, t: DateTables):
        self.text = text
        self.low = low
        self.reference = reference
        self.prefer = prefer
        self.t = t
        self._sentence_ends: list[int] | None = None
        self._blocked = [
            m.span()
            for m in grammar().not_dates.finditer(low)
            if not m.start() or not low[m.start() - 1].isalnum()
        ]
        self._blocked_ends = [e for _, e in self._blocked]

    def blocked(self, start: int, end: int) -> bool:
        """True inside a phrase that only looks like a date ("Cách mạng tháng Tám")."""
        i = bisect.bisect_right(self._blocked_ends, start)
        return i < len(self._blocked) and self._blocked[i][0] < end

    def words_before(self, pos: int) -> list[str]:
        """Up to four lowercase words right before ``pos`` (only spaces in between).

        What ``_TAIL_WORDS.search(low, max(0, pos - 60), pos)`` finds, read backwards:
        the words and spaces before ``pos`` are matched in reverse from ``pos`` (from before
        a final newline, where that pattern's ``$`` also matches), instead of trying every
        start in the window.
        """
        low = self.low
        lo = pos - 60 if pos > 60 else 0
        end = pos - 1 if pos > lo and low[pos - 1] == "\n" else pos
        m = _TAIL_WORDS_REVERSED.match(low[lo:end][::-1])
        if m is None:
            return []
        words = m.group(0)[::-1].split()
        if m.end() == end - lo and lo and _WORD_CHAR.match(low, lo - 1):
            words = words[1:]  # the window cut a word: it cannot open the tail
        return words

    def preceded_by(self, pos: int, table: frozenset[str]) -> bool:
        words = self.words_before(pos)
        return any(" ".join(words[-k:]) in table for k in range(1, len(words) + 1))

    def counted_before(self, pos: int) -> bool:
        """True right after a number ("2 năm nay", "6 tháng 10 ngày")."""
        words = self.words_before(pos)
        return bool(words) and (words[-1].isdigit() or words[-1] in self.t.count_words)

    def char_before(self, pos: int) -> str:
        i = pos - 1
        while i >= 0 and self.text[i] in " \t\xa0":
            i -= 1
        return self.text[i] if i >= 0 else ""

    def word_after(self, pos: int) -> str:
        m = _HEAD_WORD.match(self.low, pos)
        return m.group(1) if m else ""

    def follows_ok(self, pos: int) -> bool:
        """True when what follows ``pos`` can end a date: punctuation, the end of the text,
        a capitalised word or a word of the ``follow_words`` table."""
        m = _HEAD_WORD.match(self.text, pos)
        if m is None:
            return True
        word = m.group(1)
        return word[0].isupper() or word.lower() in self.t.follow_words

    def tense_at(self, start: int, end: int) -> int:
        """+1 when a future marker ("sẽ", "dự kiến") governs the date at ``start:end``, -1
        for a past one ("đã", "vừa"), else 0. A marker governs when it comes before the date
        in its sentence, or after it in its clause (in the next clause too when the date
        opens its clause: "Ngày 25/12, hội nghị sẽ ...")."""
        if self._sentence_ends is None:
            self._sentence_ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        i = bisect.bisect_right(self._sentence_ends, start)
        first = self._sentence_ends[i - 1] if i else 0
        last = self._sentence_ends[i] if i < len(self._sentence_ends) else len(self.text)
        clause_end = _CLAUSE_END.search(self.text, end, last)
        stop = clause_end.start() if clause_end else last
        if clause_end and _CLAUSE_HEAD.search(self.text, max(first, start - 40), start):
            following = _CLAUSE_END.search(self.text, clause_end.end(), last)
            stop = following.start() if following else last
        g = grammar()
        if g.future.search(self.low, first, stop):
            return 1
        return -1 if g.past.search(self.low, first, stop) else 0


_TAIL_WORDS = re.compile(r"(?<!\w)(?:\w+[ \t\xa0]+){1,4}$")  # the reference of words_before
_TAIL_WORDS_REVERSED = re.compile(r"(?:[ \t\xa0]+\w+(?!\w)){1,4}")  # on the reversed window
_WORD_CHAR = re.compile(r"\w")
_HEAD_WORD = re.compile(r"[ \t\xa0]*(\w+)")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[,;:()]")
_CLAUSE_HEAD = re.compile(r"(?:^|[,;:()\-–]|[.!?]\s)\W*(?:\w+\W+){0,2}$")
_CLOSE_PAREN = re.compile(r"\s*\)")

Handler = Callable[[Hit, Context], list[Atom] | None]


# --------------------------------------------------------------------------- helpers


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _count(word: str, ctx: Context) -> int:
    key = norm_key(word)
    return int(key) if key.isdigit() else ctx.t.count_words[key]


def _step(word: str, ctx: Context) -> int | str:
    return ctx.t.relative_periods[norm_key(word)]


def _day_head(h: Hit, ctx: Context) -> tuple[int | None, bool, int]:
    """(weekday, whether a cue word precedes the day, end after a closing bracket)."""
    weekday_text = h.group("wd")
    weekday = ctx.t.weekdays[norm_key(weekday_text)] if weekday_text else None
    cue = bool(weekday_text or h.group("dp") or h.group("ng"))
    end = h.end()
    if weekday_text and "(" in (h.group("ws") or ""):
        close = _CLOSE_PAREN.match(ctx.text, end)
        end = close.end() if close else end
    return weekday, cue, end


def _slot_year(h: Hit, ctx: Context) -> tuple[int | None, bool]:
    """The year of a year slot: (year or None, whether it is relative to the reference)."""
    for name in ("ys", "yn", "yb", "y"):
        value = h.group(name)
        if value:
            return int(value), False
    word = h.group("yr")
    if word:
        step = _step(word, ctx)
        return ctx.reference.year + (-1 if step == "elapsed" else int(step)), True
    return None, False


def _plausible(year: int, ctx: Context) -> bool:
    return 100 <= year <= ctx.reference.year + 100


def _bare_number_ok(ctx: Context, start: int, end: int) -> bool:
    """Whether a bare d/m (no "ngày", day part or weekday of its own) is a date here."""
    t = ctx.t
    if ctx.preceded_by(start, t.fraction_before) or ctx.preceded_by(start, t.name_before):
        return False
    if ctx.char_before(start) in {"(", "-", "–"}:
        return True  # "(18/12)", "30/4 - 1/5"
    return ctx.preceded_by(start, t.cue_before) or ctx.follows_ok(end)


def _day_atom(start: int, end: int, day: int, month: int, year: int | None, **kw) -> Atom | None:
    """A day atom, or None when no year (or not the given one) has that day."""
    try:
        date(year if year is not None else 2000, month, day)  # 2000 is a leap year
    except ValueError:
        return None
    return Atom(start, end, "day", year=year, index=month, day=day, **kw)


def _month_word(h: Hit, ctx: Context) -> int | None:
    """The month named by a word; "năm" (May) only with a capital N."""
    word = ctx.text[h.start("mw") : h.end("mw")]
    if norm_key(word) == "năm" and not word.startswith("N"):
        return None
    return ctx.t.months[norm_key(word)]


def _relative_period(grain: Grain, step: int | str, reference: date) -> date:
    """First day of the period ``step`` periods from the one holding ``reference``.

    ``"elapsed"`` ("tháng qua", "năm qua") is the current period once the reference is in
    its second half, else the previous one.
    """
    current = period_start(grain, reference)
    if step == "elapsed":
        middle = current + (period_end(grain, current) - current) / 2
        return current if reference > middle else shift(grain, current, -1)
    return shift(grain, current, int(step))


def _vague_or_anchored(h: Hit, ctx: Context, table: frozenset[str]) -> bool:
    """True for "những năm qua", "2 năm nay" (a duration), "năm sau đó" (another anchor)."""
    start = h.start()
    return (
        ctx.counted_before(start)
        or ctx.preceded_by(start, table)
        or ctx.word_after(h.end()) in ctx.t.anchored_after
    )


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


# --------------------------------------------------------------------------- days


def full(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "18/12/2021", "ngày 18-12-2021", "3/3/17"."""
    _, _, end = _day_head(h, ctx)
    year_text = h.group("y") or ""
    if len(year_text) == 2:
        if h.group("sep") != "/":
            return None
        year = 2000 + int(year_text)
        year = year if year <= ctx.reference.year + 10 else year - 100
    else:
        year = int(year_text)
    atom = _day_atom(h.start(), end, int(h.group("d") or 0), int(h.group("m") or 0), year)
    return [atom] if atom else None


def day_month(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "Sáng 18/12", "ngày 8-1", "thứ Hai, 18/12", a bare "18/12" where it is a date."""
    weekday, cue, end = _day_head(h, ctx)
    start = h.start()
    if not cue:
        if h.group("sep") != "/" and not ctx.preceded_by(start, ctx.t.cue_before):
            return None  # "3-1" is a score, "1.5" a number
        if not _bare_number_ok(ctx, start, h.end("m")):
            return None
    year, relative = _slot_year(h, ctx)
    atom = _day_atom(
        start, end, int(h.group("d") or 0), int(h.group("m") or 0), year, weekday=weekday
    )
    if atom is None:
        return None
    atom.relative = relative
    return [atom]


def day_words(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "ngày 18 tháng 12 năm 2021", "mồng 3 tháng ba", "ngày 4 tháng này"."""
    day_text = norm_key(h.group("d") or "")
    if not day_text:
        return None
    weekday, cue, end = _day_head(h, ctx)
    start = h.start()
    if day_text.isdigit():
        day = int(day_text)
    else:
        day = ctx.t.day_words[day_text]
        if " " not in day_text and not cue:
            return None  # "ba tháng tư" alone may be a count of months
    if not cue and (
        ctx.preceded_by(start, ctx.t.vague_before | {"trong", "sau", "mất", "được", "thêm"})
        or ctx.word_after(end) in {"ngày", "tuần", "lần", "đợt", "buổi"}
    ):
        return None  # "gần 6 tháng 10 ngày" is a duration
    year, relative = _slot_year(h, ctx)
    if h.group("m"):
        month = int(h.group("m") or 0)
    elif h.group("mw"):
        named = _month_word(h, ctx)
        if named is None:
            return None
        month = named
    else:
        if not cue:
            return None  # "3 tháng tới" is three months; "ngày 3 tháng tới" is a day
        this_month = _relative_period("month", _step(h.group("mr") or "", ctx), ctx.reference)
        year, month, relative = this_month.year, this_month.month, True
    atom = _day_atom(start, end, day, month, year, weekday=weekday, relative=relative)
    return [atom] if atom else None


def day_pair(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "từ ngày 15 - 20/12" (a range) or "ngày 15 và 16/12" (two days)."""
    weekday, cue, _ = _day_head(h, ctx)
    connector = norm_key(h.group("c") or "")
    start = h.start()
    dash = connector in {"-", "–", "—"}
    if not (cue or h.group("tu")) and (not dash or not _bare_number_ok(ctx, start, h.end())):
        return None
    month, year = int(h.group("m") or 0), _int(h.group("y"))
    first, second = int(h.group("d1") or 0), int(h.group("d2") or 0)
    right = _day_atom(_skip_space(ctx.text, h.end("c")), h.end(), second, month, year)
    if right is None:
        return None
    if connector in {",", "và"}:
        if h.group("tu"):
            return None
        left = _day_atom(start, h.end("d1"), first, month, year, weekday=weekday)
        return [left, right] if left else None
    if first >= second:
        return None
    left = _day_atom(start, h.end(), first, month, year, weekday=weekday, to=right)
    return [left] if left else None


def relative_day(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "hôm qua", "sáng nay", "Chiều qua (17/12)": the bracketed date wins when given."""
    table = ctx.t.day_part_relative if h.has("dp") else ctx.t.relative_days
    day = ctx.reference + timedelta(days=table[norm_key(h.group("rd") or "")])
    d = h.group("xd") or h.group("xd2")
    if d:
        month = int(h.group("xm") or h.group("xm2") or 0)
        year = _int(h.group("xy") or h.group("xy2"))
        atom = _day_atom(h.start(), h.end(), int(d), month, year, near=day, relative=not year)
        if atom:
            return [atom]
    return [Atom(h.start(), h.end("rd"), "day", first=day, relative=True)]


def weekday(h: Hit, ctx: Context) -> list[Atom] | None:
    """A weekday without a date: "sáng thứ Hai", "thứ Năm tuần tới", "Chủ nhật vừa qua"."""
    day_of_week = ctx.t.weekdays[norm_key(h.group("wd") or "")]
    start = h.start()
    own_cue = h.group("dp") or h.group("hom")
    cue = own_cue or h.group("wk") or h.group("r")
    if not cue and day_of_week != 7 and not ctx.preceded_by(start, ctx.t.weekday_cue_before):
        return None  # a bare "thứ hai" is as often "second(ly)"
    if not own_cue and ctx.preceded_by(start, ctx.t.ordinal_before):
        return None  # "lần thứ hai tới"
    ref = ctx.reference
    if h.group("wk"):
        step = _step(h.group("wk") or "", ctx)
        week = _relative_period("week", -1 if step == "elapsed" else step, ref)
        day = week + timedelta(days=day_of_week - 1)
        return [Atom(start, h.end(), "day", first=day, relative=True)]
    this_week = period_start("week", ref) + timedelta(days=day_of_week - 1)
    word = norm_key(h.group("r") or "")
    if word == "này":
        day = this_week
    elif word in {"tới", "sắp tới", "sau"}:
        day = this_week if this_week > ref else this_week + timedelta(weeks=1)
    elif word in {"vừa rồi", "vừa qua", "trước"}:
        day = this_week if this_week < ref else this_week - timedelta(weeks=1)
    elif ctx.prefer == "future" or ctx.tense_at(start, h.end()) > 0:
        day = this_week if this_week >= ref else this_week + timedelta(weeks=1)
    else:
        day = this_week if this_week <= ref else this_week - timedelta(weeks=1)
    return [Atom(start, h.end(), "day", first=day, relative=True)]


def holiday(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "Giáng sinh", "Tết Dương lịch 2022": named days on a fixed solar date."""
    month, day = ctx.t.holidays[norm_key(h.group("h") or "")]
    atom = _day_atom(h.start(), h.end(), day, month, _int(h.group("y")))
    return [atom] if atom else None


# --------------------------------------------------------------------------- months, quarters


def month(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "tháng 12", "tháng 12/2021", "cuối tháng 11 năm ngoái", "tháng Mười hai"."""
    start = h.start()
    if ctx.preceded_by(start, ctx.t.plural_before | {"một"}) or (
        ctx.counted_before(start) and not h.group("mod")
    ):
        return None  # "mỗi tháng hai lần"; "6 tháng 10 ngày" is a duration
    if ctx.word_after(h.end()) in {"lần", "đợt", "buổi", "chuyến"}:
        return None
    number = int(h.group("m") or 0) if h.group("m") else _month_word(h, ctx)
    if number is None or not 1 <= number <= 12:
        return None
    year, relative = _slot_year(h, ctx)
    return [Atom(start, h.end(), "month", year=year, index=number, relative=relative)]


def month_year(h: Hit, ctx: Context) -> list[Atom] | None:
    """A bare "12/2021" (not a document number such as "Quyết định 12/2021")."""
    year, number = int(h.group("y") or 0), int(h.group("m") or 0)
    if not (1 <= number <= 12 and 1900 <= year <= ctx.reference.year + 50):
        return None
    if ctx.preceded_by(h.start(), ctx.t.name_before):
        return None
    return [Atom(h.start(), h.end(), "month", year=year, index=number)]


def month_pair(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "tháng 3-5/2022" (a range) or "tháng 11, 12/2021" (two months)."""
    first, second = int(h.group("m1") or 0), int(h.group("m2") or 0)
    if not (1 <= first <= 12 and 1 <= second <= 12):
        return None
    year = _int(h.group("y") or h.group("yn"))
    return _pair(h, ctx, "month", first, second, year, False)


def _quarter(text: str | None, ctx: Context) -> int:
    key = norm_key(text or "")
    return ROMAN_QUARTERS.get(key) or ctx.t.quarters[key]


def quarter(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "quý III/2021", "quý I năm 2022", "quý 3", "quý IV năm trước"."""
    year, relative = _slot_year(h, ctx)
    number = _quarter(h.group("q"), ctx)
    return [Atom(h.start(), h.end(), "quarter", year=year, index=number, relative=relative)]


def quarter_pair(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "quý I - II/2022" (a range) or "quý I và II/2022" (two quarters)."""
    year, relative = _slot_year(h, ctx)
    first, second = _quarter(h.group("q1"), ctx), _quarter(h.group("q2"), ctx)
    return _pair(h, ctx, "quarter", first, second, year, relative)


def _pair(
    h: Hit, ctx: Context, grain: Grain, first: int, second: int, year: int | None, rel: bool
) -> list[Atom] | None:
    connector = norm_key(h.group("c") or "")
    right_start = _skip_space(ctx.text, h.end("c"))
    right = Atom(right_start, h.end(), grain, year=year, index=second, relative=rel)
    if connector in {",", "và"}:
        if h.group("tu"):
            return None
        left_end = h.end("q1" if h.has("q1") else "m1")
        return [Atom(h.start(), left_end, grain, year=year, index=first, relative=rel), right]
    if first >= second:
        return None
    return [Atom(h.start(), h.end(), grain, year=year, index=first, to=right, relative=rel)]


def months_of_year(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "6 tháng đầu năm 2022" (H1), "9 tháng năm 2021" (months 1-9), "3 tháng cuối năm"."""
    if not h.group("n"):
        return None
    count = _count(h.group("n") or "", ctx)
    if not 1 <= count <= 12:
        return None
    year, relative = _slot_year(h, ctx)
    if year is None:
        if h.group("pos") is None:
            return None  # "6 tháng năm" without a year is not a period
        year, relative = ctx.reference.year, True  # "6 tháng đầu năm": this year
    from_end = h.group("pos") == "cuối"
    return [_months_span(h.start(), h.end(), year, count, from_end, relative)]


def half(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "nửa đầu năm 2025", "nửa cuối năm", "nửa năm sau"."""
    year, relative = _slot_year(h, ctx)
    if year is None:
        year, relative = ctx.reference.year, True
    from_end = (h.group("pos") or h.group("pos2")) in {"cuối", "sau"}
    return [_months_span(h.start(), h.end(), year, 6, from_end, relative)]


def _months_span(start: int, end: int, year: int, count: int, from_end: bool, rel: bool) -> Atom:
    """The first or last ``count`` months of ``year`` as a quarter, half, year or range."""
    named: dict[int, Grain] = {3: "quarter", 6: "half", 12: "year"}
    if count in named:
        index = 1 if count == 12 else (12 // count if from_end else 1)
        return Atom(start, end, named[count], year=year, index=index, relative=rel)
    first, last = (13 - count, 12) if from_end else (1, count)
    to = Atom(start, end, "month", year=year, index=last, relative=rel)
    return Atom(start, end, "month", year=year, index=first, to=to, relative=rel)


# --------------------------------------------------------------------------- years


_PER_YEAR = frozenset({"mỗi", "một", "hàng", "hằng", "mấy", "vài", "bao"})
_YEAR_BEFORE = re.compile(r"(?<!\d)(?:1[89]|2[01])\d\d\s*[,;]\s*$")


def year(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "năm 2021", "cuối năm 2021", "cùng kỳ năm 2020", "năm 2021-2022"."""
    start = h.start()
    number = int(h.group("y") or 0)
    if ctx.preceded_by(start, _PER_YEAR) or not _plausible(number, ctx):
        return None  # "mỗi năm 300 lượt"
    if number < 1000 and not ctx.follows_ok(h.end()):
        return None
    atom = Atom(start, h.end(), "year", year=number)
    if h.group("y2"):
        last = int(h.group("y2") or 0)
        if not number < last <= number + 100:
            return None
        atom.to = Atom(start, h.end(), "year", year=last)
    return [atom]


def year_range(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "giai đoạn 2021-2025", "nhiệm kỳ 2020 - 2025", a bare "2021-2025"."""
    first, last = int(h.group("y1") or 0), int(h.group("y2") or 0)
    if not h.group("sw") and norm_key(h.group("c") or "") not in {"-", "–", "—"}:
        return None  # "2015 đến 2020" is joined later only when "từ" opens it
    if not (1800 <= first < last <= first + 100) or not _plausible(last, ctx):
        return None
    to = Atom(h.start(), h.end(), "year", year=last)
    return [Atom(h.start(), h.end(), "year", year=first, to=to)]


def bare_year(h: Hit, ctx: Context) -> list[Atom] | None:
    """A year without "năm", after a cue: "đến 2025,", "từ 2015 đến 2020"."""
    number = int(h.group("y") or 0)
    if not 1800 <= number <= ctx.reference.year + 100:
        return None
    start = h.start()
    listed = _YEAR_BEFORE.search(ctx.low, max(0, start - 12), start)  # "năm 2019, 2020"
    if not (listed or ctx.preceded_by(start, ctx.t.year_cue_before)):
        return None
    if not ctx.follows_ok(h.end()) or ctx.word_after(h.end()) in ctx.t.year_not_before:
        return None
    return [Atom(h.start(), h.end(), "year", year=number)]


def relative_year(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "năm nay", "năm ngoái", "cùng kỳ năm trước", "cuối năm tới", "năm qua"."""
    if not (h.group("mod") or h.group("ck")) and _vague_or_anchored(h, ctx, ctx.t.plural_before):
        return None
    first = _relative_period("year", _step(h.group("r") or "", ctx), ctx.reference)
    return [Atom(h.start(), h.end(), "year", first=first, relative=True)]


def year_part(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "đầu năm", "cuối năm" alone: the reference year."""
    first = period_start("year", ctx.reference)
    return [Atom(h.start(), h.end(), "year", first=first, relative=True)]


# --------------------------------------------------------------------------- relative periods


def relative_period(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "tuần này", "tháng trước", "quý tới", "cuối tháng này"."""
    if not h.group("mod") and _vague_or_anchored(h, ctx, ctx.t.plural_before):
        return None
    grain = UNIT_GRAIN[h.group("u") or ""]
    first = _relative_period(grain, _step(h.group("r") or "", ctx), ctx.reference)
    return [Atom(h.start(), h.end(), grain, first=first, relative=True)]


def count_periods(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "3 năm trước" (a point), "2 tháng qua" / "3 ngày tới" (ranges), "sau 5 năm nữa"."""
    if h.group("n") is None:
        return None
    count = _count(h.group("n") or "", ctx)
    word = norm_key(h.group("r") or "")
    start, end = h.start(), h.end()
    if count < 1 or ctx.preceded_by(start, ctx.t.vague_before):
        return None  # "hơn 10 năm qua" is vague: left to the figures as a duration
    if ctx.word_after(end) in ctx.t.anchored_after:
        return None  # "3 ngày trước khi", "2 năm sau đó"
    grain = UNIT_GRAIN[h.group("u") or ""]
    current = period_start(grain, ctx.reference)
    if word == "trước":
        if not ctx.follows_ok(end):
            return None  # "2 năm trước thời hạn"
        return [Atom(start, end, grain, first=shift(grain, current, -count), relative=True)]
    if word == "nữa":
        return [Atom(start, end, grain, first=shift(grain, current, count), relative=True)]
    if h.group("sau"):
        return None
    if word in {"qua", "vừa qua", "vừa rồi"}:
        first, last = shift(grain, current, -count), shift(grain, current, -1)
    else:
        first, last = shift(grain, current, 1), shift(grain, current, count)
    to = Atom(start, end, grain, first=last, relative=True)
    return [Atom(start, end, grain, first=first, to=to, relative=True)]


def periods_ago(h: Hit, ctx: Context) -> list[Atom] | None:
    """ "cách đây 10 năm"."""
    count = _count(h.group("n") or "", ctx)
    grain = UNIT_GRAIN[h.group("u") or ""]
    first = shift(grain, period_start(grain, ctx.reference), -count)
    return [Atom(h.start(), h.end(), grain, first=first, relative=True)] if count else None


HANDLERS: dict[str, Handler] = {
    "full": full,
    "day_month": day_month,
    "day_words": day_words,
    "day_pair": day_pair,
    "relative_day": relative_day,
    "day_part_relative": relative_day,
    "weekday": weekday,
    "holiday": holiday,
    "month": month,
    "month_year": month_year,
    "month_pair": month_pair,
    "quarter": quarter,
    "quarter_pair": quarter_pair,
    "months_of_year": months_of_year,
    "half": half,
    "year": year,
    "year_range": year_range,
    "bare_year": bare_year,
    "relative_year": relative_year,
    "year_part": year_part,
    "relative_period": relative_period,
    "count_periods": count_periods,
    "periods_ago": periods_ago,
}
