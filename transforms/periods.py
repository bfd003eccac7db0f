"""Calendar periods of one grain (day, ISO week, month, quarter, half, year).

A period is named by its grain and its first day. These helpers give its last day, its
ISO-like value (``2021-12-18``, ``2021-W50``, ``2021-12``, ``2021-Q4``, ``2021-H2``,
``2021``) and its neighbours.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

from transforms.models import Grain

_MONTHS_PER: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_start(grain: Grain, day: date) -> date:
    """First day of the period of ``grain`` that contains ``day``."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.isoweekday() - 1)
    size = _MONTHS_PER[grain]
    month = (day.month - 1) // size * size + 1
    return date(day.year, month, 1)


def period_of(grain: Grain, year: int, index: int = 1) -> date:
    """First day of period number ``index`` (month 1-12, quarter 1-4, half 1-2) of ``year``."""
    if grain == "year":
        return date(year, 1, 1)
    if grain in _MONTHS_PER:
        return date(year, (index - 1) * _MONTHS_PER[grain] + 1, 1)
    raise ValueError(f"no numbered periods of grain {grain!r}")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def shift(grain: Grain, first: date, count: int) -> date:
    """First day of the period ``count`` periods after the one starting on ``first``."""
    if grain == "day":
        return first + timedelta(days=count)
    if grain == "week":
        return first + timedelta(weeks=count)
    return add_months(first, count * _MONTHS_PER[grain])


@lru_cache(maxsize=4096)
def period_end(grain: Grain, first: date) -> date:
    """Last day (inclusive) of the period starting on ``first`` (cached: the extractors ask
    for the same few periods over and over, and the month arithmetic is not cheap)."""
    return shift(grain, first, 1) - timedelta(days=1)


def period_value(grain: Grain, first: date) -> str:
    """The ISO-like name of the period starting on ``first``."""
    if grain == "day":
        return first.isoformat()
    if grain == "week":
        year, week, _ = first.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if grain == "month":
        return f"{first.year:04d}-{first.month:02d}"
    if grain == "quarter":
        return f"{first.year:04d}-Q{(first.month - 1) // 3 + 1}"
    if grain == "half":
        return f"{first.year:04d}-H{(first.month - 1) // 6 + 1}"
    return f"{first.year:04d}"
