"""The period a figure reports on: the date mention that governs it.

Rules, first that applies: a date mention in the same clause, else in the same sentence
(the nearest one before the figure, else the nearest after it), else the last mention
earlier in the same paragraph ("Năm 2021, ... đã ..." at the head of a paragraph governs
its figures), else the publication year. Mentions that are only a basis of comparison
("so với cùng kỳ năm 2020", "cùng kỳ năm trước") never govern.

The fallback is the publication *year*, not day: a figure reported without any date is
usually a running total or a state of affairs, and the year is the finest period that is
still true for it; the day is kept by the article itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date

from transforms.models import DateMention, Period, PeriodRule
from transforms.segments import Segments

# "so với cùng kỳ năm 2020", "so với vụ xuân năm 2022": "so (với)" a few words before
_COMPARISON_BEFORE = re.compile(r"\bso(?: với)?\b[^,.;:!?\n\d]{0,24}$", re.I)
_COMPARISON_TEXT = re.compile(r"cùng kỳ", re.I)


def _governs(text: str, mention: DateMention) -> bool:
    if _COMPARISON_TEXT.match(mention.text):
        return False
    return not _COMPARISON_BEFORE.search(text, max(0, mention.start - 32), mention.start)


def _period(mention: DateMention, rule: PeriodRule) -> Period:
    return Period(
        value=mention.value,
        grain=mention.grain,
        first_day=mention.first_day,
        last_day=mention.last_day,
        rule=rule,
        mention_text=mention.text,
        value_to=mention.value_to,
    )


def published_period(reference: date) -> Period:
    """The fallback period: the publication year."""
    year = reference.year
    return Period(str(year), "year", date(year, 1, 1), date(year, 12, 31), "published")


class PeriodFinder:
    """Finds the governing period for positions in one text."""

    def __init__(
        self, text: str, segments: Segments, mentions: Sequence[DateMention], reference: date
    ) -> None:
        self._segments = segments
        self._mentions = sorted((m for m in mentions if _governs(text, m)), key=lambda m: m.start)
        self._starts = [m.start for m in self._mentions]
        self._fallback = published_period(reference)
        self._memo: dict[tuple[tuple[int, int], tuple[int, int], int, int], Period] = {}
        self._periods: dict[tuple[int, PeriodRule], Period] = {}  # by mention start and rule

    def _within(self, lo: int, hi: int) -> list[DateMention]:
        i, j = bisect_left(self._starts, lo), bisect_right(self._starts, hi - 1)
        return self._mentions[i:j]

    @staticmethod
    def _nearest(mentions: list[DateMention], pos: int) -> DateMention | None:
        before = [m for m in mentions if m.start < pos]
        if before:
            return before[-1]
        return mentions[0] if mentions else None

    def period_at(
        self,
        pos: int,
        clause: tuple[int, int] | None = None,
        sentence: tuple[int, int] | None = None,
    ) -> Period:
        """The period governing a figure that starts at ``pos``.

        ``clause`` and ``sentence`` are the spans holding ``pos`` when already known.
        """
        if not self._mentions:
            return self._fallback
        clause = clause or self._segments.clause(pos)
        sentence = sentence or self._segments.sentence(pos)
        # The answer depends on the clause, the sentence, the paragraph and which mentions
        # come before ``pos``: figures of one clause mostly share it, so it is found once.
        key = (
            clause,
            sentence,
            bisect_left(self._starts, pos),
            bisect_right(self._segments.paragraphs, pos),
        )
        period = self._memo.get(key)
        if period is None:
            period = self._memo[key] = self._period_at(pos, clause, sentence)
        return period

    def _period_at(self, pos: int, clause: tuple[int, int], sentence: tuple[int, int]) -> Period:
        scopes: tuple[tuple[PeriodRule, tuple[int, int]], ...] = (
            ("clause", clause),
            ("sentence", sentence),
        )
        for rule, (lo, hi) in scopes:
            mention = self._nearest(self._within(lo, hi), pos)
            if mention is not None:
                return self._period(mention, rule)
        p_lo, _ = self._segments.paragraph(pos)
        earlier = self._within(p_lo, sentence[0])
        if earlier:
            return self._period(earlier[-1], "paragraph")
        return self._fallback

    def _period(self, mention: DateMention, rule: PeriodRule) -> Period:
        """:func:`_period`, made once per mention and rule (figures of a clause, sentence
        or paragraph mostly share it)."""
        key = (mention.start, rule)
        period = self._periods.get(key)
        if period is None:
            period = self._periods[key] = _period(mention, rule)
        return period
