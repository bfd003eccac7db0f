r"""The regular-expression grammar of Vietnamese date expressions.

Each rule has a *core*, a pattern that starts with a digit or a fixed word so the regex
engine can skip ahead quickly (a digit or a set first, as in ``\d\d{3}``: the engine does
not skip ahead to a repeat such as ``\d{4}``), and an optional *head*: the words that may
precede the core ("Sáng thứ Hai, ngày " before "18/12", "cuối " before "tháng 12"). Heads
are matched backwards, in a short window before each core hit, so the optional words cost
nothing where no date is. Patterns run on the lowercased text (same offsets, see
:func:`transforms.textscan.lowered`); the word lists come from ``data/dates.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from transforms.date_tables import DateTables, alternation, date_tables, norm_key

Y4 = r"\d{4}(?!\d)"
NUM_R = r"(?![\w/]|[.,]\d)"  # a number ends here
W_R = r"(?!\w)"
MOD = r"(?:đầu|cuối|giữa|trung\s+tuần|thượng\s+tuần|hạ\s+tuần)"
HEAD_WINDOW = 48  # characters searched for a head before a core

_NUMBER_GLUE = frozenset("/.,")


@dataclass(frozen=True)
class Rule:
    name: str
    core: re.Pattern[str]
    head: re.Pattern[str] | None
    numeric: bool  # the core starts with a number: no letter, digit, "/", "." or "," before
    # Words one of which every match of the core starts with (lowercase, as in the lowercased
    # text): a text holding none of them is not scanned, and the scan starts at the first
    # one. Empty: scanned from the start (the rules on digits start at the first digit).
    needles: tuple[str, ...] = ()


class Hit:
    """A core match and its head (if any) seen as one match: ``group``, ``start``, ``end``."""

    __slots__ = ("core", "head")

    def __init__(self, core: re.Match[str], head: re.Match[str] | None):
        self.core = core
        self.head = head if head is not None and head.end() > head.start() else None

    def group(self, name: str) -> str | None:
        if name in self.core.re.groupindex:
            return self.core.group(name)
        if self.head is not None and name in self.head.re.groupindex:
            return self.head.group(name)
        return None

    def has(self, name: str) -> bool:
        return name in self.core.re.groupindex or (
            self.head is not None and name in self.head.re.groupindex
        )

    def start(self, name: str | None = None) -> int:
        if name is None:
            return self.head.start() if self.head is not None else self.core.start()
        return self._match(name).start(name)

    def end(self, name: str | None = None) -> int:
        return self.core.end() if name is None else self._match(name).end(name)

    def _match(self, name: str) -> re.Match[str]:
        if name in self.core.re.groupindex:
            return self.core
        assert self.head is not None
        return self.head


def scan(rule: Rule, low: str, pos: int = 0, starts: Iterable[int] | None = None) -> Iterator[Hit]:
    """Every hit of ``rule`` in the lowercased text ``low``.

    ``pos``: where a match can start at the earliest (the patterns look behind it as they
    would without it). ``starts``: sorted offsets that include every start a match of the
    core can have (where its needles are): the core is tried there only, with the
    same result as a scan of the whole text.
    """
    cores = rule.core.finditer(low, pos) if starts is None else _matches_at(rule, low, starts)
    for core in cores:
        start = core.start()
        if start:
            before = low[start - 1]
            if before.isalnum() or before == "_" or (rule.numeric and before in _NUMBER_GLUE):
                continue
        head = None
        if rule.head is not None:
            head = rule.head.search(low, max(0, start - HEAD_WINDOW), start)
        yield Hit(core, head)


def _matches_at(rule: Rule, low: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """What ``rule.core.finditer(low)`` yields when each of its matches starts at one of
    ``starts`` (sorted): the first match at or after the end of the previous one."""
    match = rule.core.match
    resume = 0
    for at in starts:
        if at < resume:
            continue
        core = match(low, at)
        if core is not None:
            yield core
            resume = core.end() if core.end() > at else at + 1


def _head(body: str) -> re.Pattern[str]:
    """A head pattern: ``body`` ending exactly where the core starts."""
    return re.compile(rf"(?<!\w)(?:{body})$")


def _day_head(t: DateTables, *, range_opener: bool = False) -> str:
    """Day part, weekday and "ngày"/"mùng"/"hôm" before a day: "Sáng thứ Hai, ngày "."""
    day_part = r"(?:buổi\s+)?" + alternation(t.day_parts)
    weekday = alternation(t.weekdays)
    opener = r"(?:(?P<tu>(?:kể\s+)?từ)\s+)?" if range_opener else ""
    return (
        rf"{opener}(?:(?P<dp>{day_part})\s+(?:(?:hôm|ngày)\s+)?)?"
        rf"(?:(?P<wd>{weekday})(?P<ws>\s*,\s*|\s*\(\s*|\s+)(?:(?:ngày|hôm)\s+)?)?"
        r"(?P<ng>(?:ngày\s+)?(?:mùng|mồng)\s+|ngày\s+|hôm\s+)?"
    )


def year_slot(t: DateTables, *, sep: bool = True, space: bool = True) -> str:
    """A year after a day, month or quarter: "/2021", "-2021", " năm 2021", " năm nay"."""
    rel = alternation(t.relative_periods)
    alts = []
    if sep:
        alts.append(rf"\s*[/-]\s*(?P<ys>{Y4})")
    alts.append(r"\s*,?\s+(?:của\s+)?năm\s+(?P<yn>\d{3,4}(?!\d))")
    if space:
        alts.append(r"\s+(?P<yb>(?:1[89]|2[01])\d\d(?!\d))")
    alts.append(rf"\s+(?:của\s+)?năm\s+(?P<yr>{rel}){W_R}")
    return "(?:(?:" + "|".join(alts) + rf"){NUM_R})"


def _first_words(words: Any) -> tuple[str, ...]:
    """The first word of each phrase: ``alternation(words)`` cannot match without one."""
    return tuple(sorted({norm_key(w).split()[0] for w in words}))


def _needles(t: DateTables) -> dict[str, tuple[str, ...]]:
    """Per rule of :func:`grammar`, words one of which every match of its core starts with
    (the rules on digits start with a digit)."""
    month = ("tháng", "thg")
    units = ("ngày", "tuần", "tháng", "quý", "năm")
    return {
        "day_words": month,
        "month": month,
        "quarter": ("quý",),
        "quarter_pair": ("quý",),
        "months_of_year": ("tháng",),
        "half": ("nửa",),
        "year": ("năm",),
        "relative_year": ("năm",),
        "year_part": ("đầu", "cuối", "giữa"),
        "relative_period": ("tuần", "tháng", "quý"),
        "count_periods": units,
        "periods_ago": ("cách",),
        "relative_day": _first_words(t.relative_days),
        "day_part_relative": _first_words(t.day_parts),
        "weekday": _first_words(t.weekdays),
        "holiday": _first_words(t.holidays),
        "month_pair": ("tháng",),
    }


@dataclass(frozen=True)
class Grammar:
    rules: tuple[Rule, ...]
    future: re.Pattern[str]  # a future marker ("sẽ", "dự kiến"), not a document name
    past: re.Pattern[str]  # a past-tense marker ("đã", "vừa")
    lunar: re.Pattern[str]  # "âm lịch" right after a date
    not_dates: re.Pattern[str]  # phrases that only look like dates (check the start yourself)
    direction: re.Pattern[str]  # "tới" / "vừa qua" after a partial date


@cache
def grammar() -> Grammar:
    """The compiled grammar (built once)."""
    t = date_tables()
    months = alternation(t.months)
    quarters = rf"(?:iv|iii|ii|i|{alternation(t.quarters)})"
    counts = rf"(?:\d{{1,3}}(?!\d)|{alternation(t.count_words)})"
    rel = alternation(t.relative_periods)
    day_parts = alternation(t.day_parts)
    day_part = r"(?:buổi\s+)?" + day_parts
    year = year_slot(t)
    units = r"(?P<u>ngày|tuần|tháng|quý|năm)"
    connector = r"(?P<c>-|–|—|đến|tới|và|,)"
    explicit = (
        r"(?:\s*\(\s*(?:ngày\s+)?(?P<xd>\d\d?)/(?P<xm>\d\d?)(?:/(?P<xy>\d{4}))?\s*\)"
        rf"|\s*,\s*(?:ngày\s+)?(?P<xd2>\d\d?)/(?P<xm2>\d\d?)(?:/(?P<xy2>\d{{4}}))?{NUM_R})?"
    )
    year_tail = (
        rf"(?:\s+(?P<y>{Y4}){NUM_R}|\s*/\s*(?P<ys>{Y4}){NUM_R}"
        rf"|\s+(?P<yr>{rel}){W_R}|(?!\s+học){W_R})"
    )
    day_head = _head(_day_head(t))
    mod_head = _head(rf"(?P<mod>{MOD})\s+")
    year_head = _head(rf"(?:(?P<ck>cùng\s+kỳ)\s+)?(?:(?P<mod>{MOD})\s+)?")
    opener_head = _head(r"(?P<tu>từ)\s+")
    month_spec = rf"(?:(?P<m>\d\d?)(?!\d)|(?P<mw>{months}){W_R}|(?P<mr>này|nay|trước|sau|tới){W_R})"
    spec: list[tuple[str, str, re.Pattern[str] | None, bool]] = [
        (
            "full",
            rf"(?P<d>\d\d?)(?P<sep>[/.-])(?P<m>\d\d?)(?P=sep)(?P<y>\d{{4}}|\d\d)(?!\d){NUM_R}",
            day_head,
            True,
        ),
        (
            "day_month",
            rf"(?P<d>\d\d?)(?P<sep>[/.-])(?P<m>\d\d?)(?!\d)(?!(?P=sep)\d){NUM_R}"
            rf"{year_slot(t, sep=False, space=False)}?",
            day_head,
            True,
        ),
        (
            "day_words",
            rf"(?:tháng|thg)\s+{month_spec}{year}?",
            _head(rf"{_day_head(t)}(?P<d>\d\d?|{alternation(t.day_words)})\s+"),
            False,
        ),
        (
            "month",
            rf"(?:tháng|thg)\s+(?:(?P<m>\d\d?)(?!\d)|(?P<mw>{months}){W_R}){year}?",
            mod_head,
            False,
        ),
        ("month_year", rf"(?P<m>\d\d?)/(?P<y>{Y4}){NUM_R}(?!-\w)", None, True),
        ("quarter", rf"quý\s+(?P<q>{quarters}){W_R}{year}?", mod_head, False),
        (
            "quarter_pair",
            rf"quý\s+(?P<q1>{quarters}){W_R}\s*{connector}\s*(?:quý\s+)?(?P<q2>{quarters}){W_R}"
            rf"{year}?",
            opener_head,
            False,
        ),
        (
            "months_of_year",
            rf"tháng\s+(?:(?P<pos>đầu|cuối)\s+)?năm{year_tail}",
            _head(rf"(?P<n>{counts})\s+"),
            False,
        ),
        (
            "half",
            rf"nửa\s+(?:(?P<pos>đầu|cuối)\s+năm|năm\s+(?P<pos2>đầu|cuối|sau)){year_tail}",
            None,
            False,
        ),
        (
            "year",
            rf"năm\s+(?P<y>\d{{3,4}}){NUM_R}(?:\s*(?:-|–|—)\s*(?:năm\s+)?(?P<y2>{Y4}){NUM_R})?",
            year_head,
            False,
        ),
        (
            "year_range",
            rf"(?P<y1>\d\d{{3}})\s*(?P<c>-|–|—|đến|tới)\s*(?:năm\s+)?(?P<y2>{Y4}){NUM_R}",
            _head(rf"(?P<sw>{alternation(t.span_words)})\s+(?:từ\s+)?(?:năm\s+)?"),
            True,
        ),
        ("bare_year", rf"(?P<y>\d\d{{3}})(?!\d){NUM_R}", None, True),
        ("relative_year", rf"năm\s+(?P<r>{rel}){W_R}", year_head, False),
        (
            "year_part",
            rf"(?P<mod>đầu|cuối|giữa)\s+năm(?!\s*(?:học|tài\s+chính|\d)){W_R}",
            None,
            False,
        ),
        ("relative_period", rf"(?P<u>tuần|tháng|quý)\s+(?P<r>{rel}){W_R}", mod_head, False),
        (
            "count_periods",
            rf"{units}\s+(?P<r>trước|qua|vừa\s+qua|vừa\s+rồi|tới|sắp\s+tới|tiếp\s+theo|nữa){W_R}",
            _head(rf"(?:(?P<sau>sau)\s+)?(?P<n>{counts})\s+"),
            False,
        ),
        ("periods_ago", rf"cách\s+đây\s+(?P<n>{counts})\s+{units}{W_R}", None, False),
        ("relative_day", rf"(?P<rd>{alternation(t.relative_days)}){W_R}{explicit}", None, False),
        (
            "day_part_relative",
            rf"(?P<dp>{day_parts})\s+(?P<rd>{alternation(t.day_part_relative)}){W_R}{explicit}",
            _head(r"buổi\s+"),
            False,
        ),
        (
            "weekday",
            rf"(?P<wd>{alternation(t.weekdays)}){W_R}(?:\s+(?:của\s+)?tuần\s+(?P<wk>{rel}){W_R}"
            rf"|\s+(?P<r>tới|sắp\s+tới|vừa\s+rồi|vừa\s+qua|này|trước|sau){W_R})?",
            _head(rf"(?P<dp>{day_part})\s+|(?P<hom>hôm)\s+"),
            False,
        ),
        (
            "holiday",
            rf"(?P<h>{alternation(t.holidays)}){W_R}(?:\s+(?:năm\s+)?(?P<y>{Y4}){NUM_R})?",
            _head(r"(?:ngày|đêm)\s+"),
            False,
        ),
        (
            "day_pair",
            rf"(?P<d1>\d\d?)\s*{connector}\s*(?:ngày\s+)?(?P<d2>\d\d?)(?P<sep>[/.-])(?P<m>\d\d?)"
            rf"(?!\d)(?:(?P=sep)(?P<y>{Y4}))?{NUM_R}",
            _head(_day_head(t, range_opener=True)),
            True,
        ),
        (
            "month_pair",
            rf"tháng\s+(?P<m1>\d\d?)\s*{connector}\s*(?P<m2>\d\d?)(?!\d)"
            rf"(?:\s*[/-]\s*(?P<y>{Y4})|\s+năm\s+(?P<yn>{Y4}))?{NUM_R}",
            opener_head,
            False,
        ),
    ]
    needles = _needles(t)
    future = alternation(t.future_markers)
    return Grammar(
        rules=tuple(Rule(n, re.compile(c), h, num, needles.get(n, ())) for n, c, h, num in spec),
        future=re.compile(rf"(?<!\w){future}{W_R}(?!\s+(?:số\s+)?\d)"),
        past=re.compile(rf"(?<!\w){alternation(t.past_markers)}{W_R}"),
        lunar=re.compile(rf"\s*[(,]?\s*(?:tức\s+)?{alternation(t.lunar_markers)}{W_R}"),
        not_dates=re.compile(rf"{alternation(t.not_dates)}{W_R}"),
        direction=re.compile(
            rf"\s+(?P<w>{alternation(t.direction_suffixes)}){W_R}"
            r"(?!\s*(?:(?:ngày|tháng|năm|quý)\s+)?\d)"
        ),
    )
