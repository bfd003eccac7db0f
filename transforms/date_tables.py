"""The word tables of the date grammar, read once from ``transforms/data/dates.toml``."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


def norm_key(words: str) -> str:
    """Lowercase with single spaces: the form table keys are compared in."""
    return " ".join(words.lower().split())


def alternation(words: Any) -> str:
    """A regex alternation of ``words``, longest first, any whitespace between words."""
    parts = sorted({norm_key(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in parts) + ")"


@dataclass(frozen=True)
class DateTables:
    """Everything the grammar reads from data, keys normalised with :func:`norm_key`."""

    grace_days: int
    day_parts: tuple[str, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    quarters: dict[str, int]
    count_words: dict[str, int]
    day_words: dict[str, int]
    relative_days: dict[str, int]
    day_part_relative: dict[str, int]
    relative_periods: dict[str, int | str]
    direction_suffixes: dict[str, int]
    future_markers: tuple[str, ...]
    past_markers: tuple[str, ...]
    lunar_markers: tuple[str, ...]
    holidays: dict[str, tuple[int, int]]
    span_words: tuple[str, ...]
    cue_before: frozenset[str]
    follow_words: frozenset[str]
    year_cue_before: frozenset[str]
    year_not_before: frozenset[str]
    fraction_before: frozenset[str]
    name_before: frozenset[str]
    not_dates: tuple[str, ...]
    vague_before: frozenset[str]
    plural_before: frozenset[str]
    anchored_after: frozenset[str]
    ordinal_before: frozenset[str]
    weekday_cue_before: frozenset[str]


def _day_words(spec: dict[str, dict[str, int]]) -> dict[str, int]:
    """Day numbers 1-31 spelt out: a unit, a tens word, or a tens word and a unit."""
    units, tens = spec["units"], spec["tens"]
    words: dict[str, int] = dict(units)
    words.update({w: n for w, n in tens.items() if " " in w or n == 10})
    for tens_word, tens_value in tens.items():
        for unit_word, unit in {**units, **spec["after_tens"]}.items():
            if unit_word == "năm" or (tens_value == 10 and unit_word == "mốt"):
                continue  # after tens five is "lăm" ("mười năm" is ten years); 11 is "mười một"
            if tens_value + unit <= 31:
                words[f"{tens_word} {unit_word}"] = tens_value + unit
    return {norm_key(w): n for w, n in words.items()}


def _keys(table: dict[str, Any]) -> dict[str, Any]:
    return {norm_key(k): v for k, v in table.items()}


@cache
def date_tables() -> DateTables:
    """Load and normalise the tables (cached: the file is read once per process)."""
    raw = tomllib.loads(
        resources.files("transforms").joinpath("data/dates.toml").read_text("utf-8")
    )
    ctx = raw["context"]
    return DateTables(
        grace_days=int(raw["grace_days"]),
        day_parts=tuple(norm_key(w) for w in raw["day_parts"]),
        months=_keys(raw["months"]),
        weekdays=_keys(raw["weekdays"]),
        quarters=_keys(raw["quarters"]),
        count_words=_keys(raw["count_words"]),
        day_words=_day_words(raw["day_words"]),
        relative_days=_keys(raw["relative_days"]),
        day_part_relative=_keys(raw["day_part_relative"]),
        relative_periods=_keys(raw["relative_periods"]),
        direction_suffixes=_keys(raw["direction_suffixes"]),
        future_markers=tuple(norm_key(w) for w in raw["markers"]["future"]),
        past_markers=tuple(norm_key(w) for w in raw["markers"]["past"]),
        lunar_markers=tuple(norm_key(w) for w in raw["markers"]["lunar"]),
        holidays={norm_key(k): (v[0], v[1]) for k, v in raw["holidays"].items()},
        span_words=tuple(norm_key(w) for w in raw["span_words"]["words"]),
        cue_before=frozenset(map(norm_key, ctx["cue_before"])),
        follow_words=frozenset(map(norm_key, ctx["follow_words"])),
        year_cue_before=frozenset(map(norm_key, ctx["year_cue_before"])),
        year_not_before=frozenset(map(norm_key, ctx["year_not_before"])),
        fraction_before=frozenset(map(norm_key, ctx["fraction_before"])),
        name_before=frozenset(map(norm_key, ctx["name_before"])),
        not_dates=tuple(norm_key(w) for w in ctx["not_dates"]),
        vague_before=frozenset(map(norm_key, ctx["vague_before"])),
        plural_before=frozenset(map(norm_key, ctx["plural_before"])),
        anchored_after=frozenset(map(norm_key, ctx["anchored_after"])),
        ordinal_before=frozenset(map(norm_key, ctx["ordinal_before"])),
        weekday_cue_before=frozenset(map(norm_key, ctx["weekday_cue_before"])),
    )
