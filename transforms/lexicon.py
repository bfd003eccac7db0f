"""Vietnamese number, unit and context words, loaded once from ``transforms/data/*.toml``.

The parser (``numbers.py``) and the figure extractor (``figures.py``) know only the roles
of words (digit, scale, currency, counted noun, qualifier...); the words themselves live in
the TOML tables so users can extend them without touching code. Everything is lowercase
NFC; lookups are plain dict/set membership.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

UnitKind = str  # "money" | "percent" | "measure" | "duration" | "age"


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower().strip()


@cache
def load_table(name: str) -> dict[str, Any]:
    """One TOML table from ``transforms/data`` (cached)."""
    return tomllib.loads((files("transforms") / "data" / name).read_text(encoding="utf-8"))


def _words(values: Any) -> frozenset[str]:
    return frozenset(_norm(v) for v in values)


def _phrase_map(table: dict[str, list[str]]) -> dict[str, str]:
    """``{role: [phrase, ...]}`` inverted to ``{phrase: role}``."""
    return {_norm(p): role for role, phrases in table.items() for p in phrases}


@dataclass(frozen=True)
class Lexicon:
    """All word tables, ready for lookups."""

    # numbers
    digits: dict[str, int]
    heads: frozenset[str]
    ten: frozenset[str]
    tens: frozenset[str]
    hundred: frozenset[str]
    zero_tens: frozenset[str]
    half: frozenset[str]
    decimal_point: frozenset[str]
    minus: frozenset[str]
    scales: dict[str, int]
    suffixes: dict[str, int]
    vague: frozenset[str]
    year_word_after: frozenset[str]
    # units: surface form -> (normalised unit, kind)
    units: dict[str, tuple[str, UnitKind]]
    currency_prefix: dict[str, str]
    exact_case: frozenset[str]
    # counted nouns
    nouns: frozenset[str]
    classifiers: frozenset[str]
    function_words: frozenset[str]
    # context
    qualifiers: dict[str, str]
    qualifier_suffixes: dict[str, str]
    changes: dict[str, str]
    range_joiners: tuple[str, ...]
    ratio_joiners: tuple[str, ...]
    label_prefixes: frozenset[str]
    label_allow: frozenset[str]
    label_unless_counted: frozenset[str]
    service_numbers: frozenset[str]
    label_allow_before: frozenset[str]
    score_prefixes: frozenset[str]
    day_parts: frozenset[str]
    after_hour: frozenset[str]
    before_hour: frozenset[str]
    duration_before: frozenset[str]
    indicator_stops: frozenset[str]
    indicator_trims: frozenset[str]
    indicator_predicates: frozenset[str]

    @property
    def number_words(self) -> frozenset[str]:
        """Every word that can be part of a spelled-out number."""
        return (
            frozenset(self.digits)
            | self.ten
            | self.tens
            | self.hundred
            | self.zero_tens
            | self.half
            | self.decimal_point
            | frozenset(self.scales)
        )


@cache
def lexicon() -> Lexicon:
    """The lexicon built from the packaged tables (cached: built once per process)."""
    num = load_table("numbers.toml")
    units_t = load_table("units.toml")
    nouns_t = load_table("counted_nouns.toml")
    ctx = load_table("figure_context.toml")
    words = num["words"]

    units: dict[str, tuple[str, UnitKind]] = {}
    for kind, section in (
        ("money", "currency"),
        ("percent", "percent"),
        ("measure", "measure"),
        ("duration", "duration"),
        ("age", "age"),
    ):
        for surface, unit in units_t[section].items():
            units.setdefault(_norm(surface), (unit, kind))

    return Lexicon(
        digits={_norm(k): v for k, v in num["digits"].items()},
        heads=_words(words["heads"]),
        ten=_words(words["ten"]),
        tens=_words(words["tens"]),
        hundred=_words(words["hundred"]),
        zero_tens=_words(words["zero_tens"]),
        half=_words(words["half"]),
        decimal_point=_words(words["decimal_point"]),
        minus=_words(words["minus"]),
        scales={_norm(k): v for k, v in num["scales"].items()},
        suffixes=dict(num["suffixes"]),
        vague=_words(num["vague"]["prefixes"]),
        year_word_after=_words(num["year_word"]["after"]),
        units=units,
        currency_prefix={_norm(k): v for k, v in units_t["currency_prefix"].items()},
        exact_case=frozenset(units_t["exact_case"]["forms"]),
        nouns=frozenset(_norm(w) for group in nouns_t["counted"].values() for w in group),
        classifiers=_words(nouns_t["classifiers"]["words"]),
        function_words=_words(nouns_t["function_words"]["words"]),
        qualifiers=_phrase_map(ctx["qualifiers"]),
        qualifier_suffixes=_phrase_map(ctx["qualifier_suffixes"]),
        changes=_phrase_map(ctx["change"]),
        range_joiners=tuple(ctx["range"]["joiners"]),
        ratio_joiners=tuple(_norm(w) for w in ctx["ratio"]["joiners"]),
        label_prefixes=_words(ctx["not_a_figure"]["prefixes"]),
        label_allow=_words(ctx["not_a_figure"]["allow"]),
        label_unless_counted=_words(ctx["not_a_figure"]["unless_counted"]),
        service_numbers=frozenset(ctx["not_a_figure"]["service_numbers"]),
        label_allow_before=_words(ctx["not_a_figure"]["allow_before_prefix"]),
        score_prefixes=_words(ctx["scores"]["prefixes"]),
        day_parts=_words(ctx["time_of_day"]["day_parts"]),
        after_hour=_words(ctx["time_of_day"]["after_hour"]),
        before_hour=_words(ctx["time_of_day"]["before_hour"]),
        duration_before=_words(ctx["time_of_day"]["duration_before"]),
        indicator_stops=_words(ctx["indicator"]["stop_words"]),
        indicator_trims=_words(ctx["indicator"]["trim_words"]),
        indicator_predicates=_words(ctx["indicator"]["predicate_words"]),
    )
