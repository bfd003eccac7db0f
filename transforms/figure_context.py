"""The words around a number that decide whether it is a figure and what kind.

Before it: a label word makes it a name, not a figure ("lớp 9", "Quốc lộ 1A", "Điều 5");
a qualifier bounds it ("khoảng", "hơn", "dưới"); a change word makes it a change ("tăng",
"giảm"). After it: "trở lên" / "trở xuống". Spans that merely contain digits (clock times,
phone and plate numbers, document numbers) are found by :func:`protected_spans`.
All word lists are data in ``transforms/data/figure_context.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache, lru_cache

from transforms.lexicon import lexicon

_LOOKBACK = 48
NUMBER = "#"  # stands for a number among the words before a number


def words_before(text: str, pos: int, floor: int = 0, count: int = 4) -> list[str]:
    """Up to ``count`` lowercase words right before ``pos``, stopping at punctuation.

    A number just before those words is kept as :data:`NUMBER`.
    """
    lo = max(floor, pos - _LOOKBACK)
    chunk = text[lo:pos]
    if not chunk or not chunk[-1].isspace():
        return []
    tokens = chunk.split()
    if lo > floor and not text[lo - 1].isspace() and tokens:
        tokens = tokens[1:]  # cut in the middle of a word
    words: list[str] = []
    for token in reversed(tokens):
        if not token.isalpha():
            if token[-1].isdigit():
                words.append(NUMBER)  # "3 năm 6 tháng": the "năm" is a unit, not a label
            break
        words.append(token.lower())
        if len(words) == count:
            break
    words.reverse()
    return words


_LAST_WORDS: dict[int, tuple[object, frozenset[str]]] = {}


def _last_words(table: dict[str, str] | frozenset[str]) -> frozenset[str]:
    """Last words of the phrases of a (long-lived, cached) table, to reject most tails fast."""
    held = _LAST_WORDS.get(id(table))
    if held is None or held[0] is not table:
        held = _LAST_WORDS[id(table)] = (table, frozenset(p.rsplit(" ", 1)[-1] for p in table))
    return held[1]


def _tail_phrase(words: Sequence[str], table: dict[str, str] | frozenset[str], sizes: range) -> int:
    """Length of the longest tail of ``words`` found in ``table``; 0 if none."""
    if not words or words[-1] not in _last_words(table):
        return 0
    for size in sizes:
        if len(words) >= size and " ".join(words[-size:]) in table:
            return size
    return 0


def qualifier_and_change(words: list[str]) -> tuple[str | None, str | None]:
    """Qualifier and change read from the words before a number ("tăng gần" -> approx)."""
    if not words:
        return None, None
    return _qualifier_and_change(tuple(words))


@lru_cache(maxsize=1 << 14)
def _qualifier_and_change(words: tuple[str, ...]) -> tuple[str | None, str | None]:
    """:func:`qualifier_and_change` of a few words; the same few words recur all the time."""
    lex = lexicon()
    qualifier = None
    size = _tail_phrase(words, lex.qualifiers, range(3, 0, -1))
    if size:
        qualifier = lex.qualifiers[" ".join(words[-size:])]
        words = words[:-size]
    change = None
    size = _tail_phrase(words, lex.changes, range(2, 0, -1))
    if size:
        change = lex.changes[" ".join(words[-size:])]
    return qualifier, change


_DISTANT_CHANGE = re.compile(
    r"\b(tăng|giảm)[ \t]+(?!trưởng|cường|lên|xuống|còn|dần|thêm)([^,.;:!?\n\d]{1,40})$", re.I
)


def change_at_distance(text: str, pos: int, floor: int) -> str | None:
    """A change verb a few words before a rate: "giảm tỷ lệ hộ nghèo từ 1 - 1,5%".

    Only when no linking verb stands between them ("tăng trưởng ... đạt 9%" is a level).
    """
    m = _DISTANT_CHANGE.search(text, max(floor, pos - 48), pos)
    if not m:
        return None
    between = m.group(2).lower().split()
    lex = lexicon()
    if any(w in lex.indicator_predicates for w in between if w not in ("từ", "khoảng", "gần")):
        return None
    return lex.changes.get(m.group(1).lower())


def label_before(words: Sequence[str]) -> str | None:
    """The label word before a number ("lớp 9", "lần thứ 3", "Nghị định 15"), if any."""
    lex = lexicon()
    if _tail_phrase(words, lex.label_allow, range(3, 0, -1)):
        return None
    size = _tail_phrase(words, lex.label_prefixes, range(3, 0, -1))
    if not size:
        return None
    before = words[-size - 1] if len(words) > size else None
    if before in lex.label_allow_before or before == NUMBER:
        return None
    return " ".join(words[-size:])


def is_label(words: list[str], counted: bool = False) -> bool:
    """The words before a number make it a label, not a figure.

    ``counted``: a known unit or counted noun follows the number, which overrides label
    words that are also verbs ("cấp 86 giấy phép").
    """
    if not words:
        return False
    return _is_label(tuple(words), counted)


@lru_cache(maxsize=1 << 14)
def _is_label(words: tuple[str, ...], counted: bool) -> bool:
    """:func:`is_label` of a few words; the same few words recur all the time."""
    label = label_before(words)
    if label is None:
        return False
    return not (counted and label in lexicon().label_unless_counted)


def is_clock_time(text: str, hour_end: int, value: Decimal, words: list[str]) -> bool:
    """A number with "giờ" ending at ``hour_end`` is a time of day ("9 giờ sáng")."""
    lex = lexicon()
    if words and (words[-1] in lex.duration_before or " ".join(words[-2:]) in lex.duration_before):
        return False
    m = _NEXT_WORD.match(text, hour_end)
    word = m.group(1).lower() if m else ""
    if word in lex.after_hour or word in lex.digits or word in lex.ten:
        return True
    if m and m.group(1)[0].isdigit():
        return True  # "8 giờ 30"
    return value <= 24 and bool(words) and words[-1] in lex.before_hour


_NEXT_WORD = re.compile(r"[ \t]+(\w+)")


@cache
def _clock_tail_re() -> re.Pattern[str]:
    lex = lexicon()
    number = "|".join(sorted(map(re.escape, lex.number_words), key=len, reverse=True))
    amount = rf"(?:[ \t]+(?:\d{{1,2}}|{number}))+"
    return re.compile(
        rf"(?:[ \t]+(?:kém|linh|lẻ|rưỡi|đúng))?(?:{amount}(?:[ \t]+phút)?)?(?:{amount}[ \t]+giây)?",
        re.I,
    )


def clock_time_end(text: str, hour_end: int) -> int:
    """End of the minutes and seconds of a clock time ("giờ kém mười lăm", "giờ 5 phút")."""
    m = _clock_tail_re().match(text, hour_end)
    return m.end() if m else hour_end


def is_score(words: list[str]) -> bool:
    """A dash pair after these words is a score ("tỷ số 3-1"), not a range."""
    return bool(_tail_phrase(words, lexicon().score_prefixes, range(2, 0, -1)))


@cache
def _suffix_qualifier_re() -> re.Pattern[str]:
    phrases = sorted(lexicon().qualifier_suffixes, key=len, reverse=True)
    return re.compile(rf"[ \t]+({'|'.join(map(re.escape, phrases))})(?!\w)", re.I)


def qualifier_after(text: str, pos: int) -> tuple[str, int] | None:
    """ "trở lên" / "trở xuống" right after a figure: qualifier and end offset."""
    m = _suffix_qualifier_re().match(text, pos)
    if not m:
        return None
    return lexicon().qualifier_suffixes[m.group(1).lower()], m.end()


@cache
def _protected_re() -> re.Pattern[str]:
    day_parts = "|".join(sorted(map(re.escape, lexicon().day_parts), key=len, reverse=True))
    patterns = [
        r"\b\d{1,2}[ \t]?(?:h|g|giờ|:)[ \t]?\d{1,2}(?:[ \t]?(?:phút|'))?"  # 14h30, 8 giờ 30
        r"(?:[ \t]?\d{1,2}[ \t]?giây)?(?!\d)",
        r"\b\d{1,2}h(?!\w)",  # 14h
        rf"\b\d{{1,2}}[ \t]+giờ[ \t]+(?:{day_parts}|ngày|hôm|đêm)(?!\w)",  # 9 giờ sáng
        r"\b\d{1,2}[ \t]*giờ[ \t]*(?:-|–|đến|tới)[ \t]*\d{1,2}[ \t]*giờ",  # 7 giờ đến 9 giờ
        r"\b\d{1,2}[ \t]*giờ[ \t]+kém[ \t]+\d{1,2}(?:[ \t]*phút)?",  # 11 giờ kém 15
        r"\(0\d{2,3}\)[ \t]?\d{3,4}[ .]?\d{2,4}",  # (0238) 3844 123
        # 0912 345 678, 0238.3844.123, 0238.3 844 612: a leading 0 then 2-4 digit groups
        r"(?:\+84|\b0)\d{2,3}(?:[ .]\d{1,4}){2,4}\b",
        r"(?:\+84|\b0)\d{9,10}\b",
        r"\b\d{2}[A-ZĐ]{1,2}\d?[ \t]?-[ \t]?\d{3}(?:\.\d{2}|\d{1,2})?\b",  # 37A-123.45
        r"\b\d+(?:/\d+)*/[A-ZĐ][\w.-]*",  # 1234/QĐ-UBND, 202/2025/QH15
        r"\b\d+\+\d{3}\b",  # Km 15+500
        r"\b1[89]00[ .]?\d{3,4}(?:[ .]?\d{2,4})?\b",  # hotlines 1900 9095, 1800.1234
    ]
    # Every pattern starts with "(", "+" or a digit, and every one that starts with a digit
    # with a word boundary (r"\b\d", r"\b0"): skip other positions, and digits inside words
    # or numbers, fast.
    first_chars = r"(?=[\d(+])(?=[(+]|(?<!\w))"
    return re.compile(first_chars + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")


_SPAN_FIRST = re.compile(r"[\d(+]")  # every protected span starts with one of these


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans with digits that are never figures: times of day, phones, plates, codes."""
    first = _SPAN_FIRST.search(text)  # found fast; the pattern itself tries every position
    if first is None:
        return []
    return [m.span() for m in _protected_re().finditer(text, first.start())]
