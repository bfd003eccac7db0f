"""What a number counts or measures: the unit written right after it.

Looked up in the tables of ``transforms/data`` (see :mod:`transforms.lexicon`), in this
order: a counted noun of 2-3 syllables ("đồng chí", "hộ gia đình", "ngày công"), a unit
(currency, %, measure, length of time, age; with a per-unit such as "/kg"), a classifier
with its noun ("lượt người", "con bò"), a one-syllable counted noun ("tổ"), and finally,
for numbers in digits, the next lowercase word that is not a function word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.lexicon import lexicon

_WORD = r"[^\W\d_]+"
_NEXT_WORDS = re.compile(rf"[ \t]+({_WORD})(?:[ \t]+({_WORD}))?(?:[ \t]+({_WORD}))?")
_PER_WORDS = re.compile(rf"/[ \t]?({_WORD})(?:[ \t]({_WORD}))?")


@dataclass(slots=True)
class UnitMatch:
    """The unit after a number: normalised, as written, its kind, and where it ends."""

    unit: str | None
    unit_text: str | None
    kind: str  # count | money | measure | percent | duration | age | number
    start: int
    end: int
    source: str  # lexicon | unit | classifier | fallback | none

    @property
    def from_tables(self) -> bool:
        """The unit is a known word, not a guess from the fallback."""
        return self.source in ("lexicon", "unit", "classifier")


def _unit_pattern(forms: list[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"[ \t]?(?:{alternation})(?![\w²³/])|[ \t]?(?:{alternation})(?=/)", re.I)


@cache
def _unit_re() -> re.Pattern[str]:
    return _unit_pattern(sorted(lexicon().units, key=len, reverse=True))


@lru_cache(maxsize=4096)
def _unit_re_from(char: str) -> re.Pattern[str] | None:
    """:func:`_unit_re` restricted to the forms whose first character matches ``char`` (case
    ignored as the pattern ignores it), in the same order; None when no form does. At a
    given position only those forms can match, so the two patterns find the same unit,
    but this one does not try all of the forms there."""
    forms = sorted(lexicon().units, key=len, reverse=True)
    kept = [f for f in forms if re.fullmatch(re.escape(f[0]), char, re.I)]
    return _unit_pattern(kept) if kept else None


def _unit_match(text: str, pos: int) -> re.Match[str] | None:
    """``_unit_re().match(text, pos)``. No unit form starts with a space or a tab, so the
    unit's first character is at ``pos``, or right after one space or tab there."""
    if pos >= len(text):
        return None
    char = text[pos]
    if char in " \t":
        if pos + 1 >= len(text):
            return None
        char = text[pos + 1]
    pattern = _unit_re_from(char)
    return pattern.match(text, pos) if pattern is not None else None


@cache
def _prefix_currency_re() -> re.Pattern[str]:
    forms = sorted(lexicon().currency_prefix, key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(map(re.escape, forms))})[ \t]?$", re.I)


@cache
def _exact_case_keys() -> frozenset[str]:
    return frozenset(f.lower() for f in lexicon().exact_case)


@lru_cache(maxsize=4096)
def _lookup_unit(surface: str) -> tuple[str, str] | None:
    lex = lexicon()
    key = surface.lower()
    found = lex.units.get(key)
    if found is None or (key in _exact_case_keys() and surface not in lex.exact_case):
        return None
    return found


@cache
def _noun_first_words() -> frozenset[str]:
    """The first word of every counted noun: words that start none cannot start one."""
    return frozenset(n.split(" ", 1)[0] for n in lexicon().nouns)


def _noun_at(words: list[str]) -> int:
    """How many of ``words`` (1-3) form the longest counted noun; 0 if none."""
    if not words or words[0].lower() not in _noun_first_words():
        return 0
    nouns = lexicon().nouns
    for size in (3, 2, 1):
        if len(words) >= size and " ".join(words[:size]).lower() in nouns:
            return size
    return 0


def _is_open_word(word: str) -> bool:
    """A lowercase word that may name what is counted (not a function or number word)."""
    lex = lexicon()
    return (
        word.islower()
        and word not in lex.function_words
        and word not in lex.digits
        and word not in lex.scales
        and len(word) > 1
    )


def _per_unit(text: str, pos: int) -> tuple[str, int]:
    """Denominators after a unit ("/kg", "/người/tháng"): normalised suffix and end."""
    suffix = ""
    while True:
        m = _PER_WORDS.match(text, pos)
        if not m:
            return suffix, pos
        first, second = m.group(1), m.group(2)
        unit = _lookup_unit(f"{first} {second}") if second else None
        if unit is not None:
            suffix, pos = f"{suffix}/{unit[0]}", m.end()
            continue
        unit = _lookup_unit(first)
        end = m.start(1) + len(first)
        if unit is not None:
            suffix += f"/{unit[0]}"
        elif second and _noun_at([first, second]) == 2:
            suffix, end = f"{suffix}/{first.lower()} {second.lower()}", m.end()
        else:
            suffix += f"/{first.lower()}"
        pos = end


def unit_after(text: str, pos: int, allow_fallback: bool = True) -> UnitMatch:
    """The unit that follows a number ending at ``pos``."""
    words_m = _NEXT_WORDS.match(text, pos)
    words = [w for w in words_m.groups() if w] if words_m is not None else []
    noun_size = _noun_at(words)
    if words_m is not None and noun_size >= 2 and all(w.islower() for w in words[:noun_size]):
        start, end = words_m.start(1), words_m.end(noun_size)
        unit = " ".join([w.lower() for w in words[:noun_size]])
        return UnitMatch(unit, text[start:end], "count", start, end, "lexicon")

    m = _unit_match(text, pos)
    if m:
        surface = m.group().strip()
        found = _lookup_unit(surface)
        if found is not None:
            unit, kind = found
            start = m.end() - len(surface)
            end = m.end()
            if kind in ("money", "measure"):
                suffix, end = _per_unit(text, end)
                unit += suffix
            elif kind == "percent":  # "6,6%/năm": the rate's period stays in the text only
                _, end = _per_unit(text, end)
            return UnitMatch(unit, text[start:end], kind, start, end, "unit")

    if words_m is None or words_m.start(1) - pos > 2:  # no word, or not right after it
        return UnitMatch(None, None, "number", pos, pos, "none")
    lex = lexicon()
    lowered = [w.lower() for w in words]
    start = words_m.start(1)
    if lowered[0] in lex.classifiers and len(words) > 1 and _is_open_word(words[1]):
        size = 2 if _noun_at(words[1:]) >= 2 and words[2].islower() else 1
        if size == 1 and _lookup_unit(words[1]) is not None:  # "lượt tuần" is not a noun
            end = words_m.end(1)
            return UnitMatch(lowered[0], text[start:end], "count", start, end, "lexicon")
        end = words_m.end(1 + size)
        unit = " ".join(lowered[: 1 + size])
        return UnitMatch(unit, text[start:end], "count", start, end, "classifier")
    if noun_size == 1 and not words[0].isupper():
        end = words_m.end(1)
        return UnitMatch(lowered[0], text[start:end], "count", start, end, "lexicon")
    if allow_fallback and _is_open_word(words[0]):
        end = words_m.end(1)
        return UnitMatch(lowered[0], text[start:end], "count", start, end, "fallback")
    return UnitMatch(None, None, "number", pos, pos, "none")


def currency_before(text: str, pos: int) -> tuple[str, int] | None:
    """A currency sign written before the number at ``pos`` ("$10"): ISO code and start."""
    m = _prefix_currency_re().search(text, max(0, pos - 5), pos)
    if not m or (m.start() and text[m.start() - 1].isalnum() and m.group()[0].isalnum()):
        return None  # "ABCUSD 5" is not a currency sign
    code = lexicon().currency_prefix[m.group().strip().lower()]
    return code, m.start()
