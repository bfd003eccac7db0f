"""Vietnamese written numbers: digit forms, scale words and spelled-out numbers.

Conventions: ``.`` separates thousands and ``,`` is the decimal mark (``3.959`` = 3959,
``1,5`` = 1.5, ``10.000,50`` = 10000.5); scale words multiply (``2,5 triệu`` = 2_500_000,
``1,2 nghìn tỷ`` = 1.2e12); numbers may be spelled out (``ba trăm linh năm`` = 305,
``một triệu rưỡi`` = 1_500_000). Arithmetic is done in :class:`~decimal.Decimal` so that
``1,1 tỷ`` is exactly 1_100_000_000.

:func:`parse_number` reads one number; :func:`scan_numbers` finds every number in running
text (with its scale words) for the figure extractor, which decides from the context
whether it is a figure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from operator import attrgetter

from transforms.lexicon import Lexicon, lexicon
from transforms.textscan import at_word_starts, lowered

Token = str | Decimal

_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")  # English "1,234,567"
_PLAIN = re.compile(r"\d*(?:,\d+)?")
_POINT_DECIMAL = re.compile(r"\d+\.\d+")  # "1.5": not grouped by three, read as a decimal
_SPACES = re.compile(r"\s+")


def to_number(value: Decimal) -> int | float:
    """``Decimal`` to ``int`` when whole, else ``float``."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def parse_digits(s: str) -> Decimal | None:
    """One digit token with Vietnamese separators (no sign, no words), or None."""
    if s.isdecimal():  # the common case, as the _PLAIN branch below reads it
        return Decimal("0" + s)
    if not s or s == ",":
        return None
    if _THOUSANDS_DOT.fullmatch(s):
        return Decimal(s.replace(".", "").replace(",", "."))
    if _PLAIN.fullmatch(s):
        return Decimal(("0" + s).replace(",", "."))
    if _THOUSANDS_COMMA.fullmatch(s):
        return Decimal(s.replace(",", ""))
    if _POINT_DECIMAL.fullmatch(s):
        return Decimal(s)
    return None


# --- spelled-out numbers -------------------------------------------------------------


@dataclass(slots=True)
class _Small:
    value: Decimal
    end: int
    single_digit: bool  # one bare digit word ("hai"): a colloquial tail after a scale/trăm


def _digit(lex: Lexicon, tok: Token) -> int | None:
    return lex.digits.get(tok) if isinstance(tok, str) else None


def _tens(lex: Lexicon, toks: Sequence[Token], i: int, colloquial: bool) -> _Small | None:
    """0..99 at ``toks[i]``: "mười", "mười lăm", "hai mươi mốt", "linh năm", "bốn ba"."""
    if i >= len(toks):
        return None
    tok = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if tok in lex.zero_tens:
        inner = _tens(lex, toks, i + 1, colloquial)
        if inner is None:
            return None
        return _Small(inner.value, inner.end, False)
    if tok in lex.ten:
        unit = _digit(lex, nxt) if nxt is not None else None
        if unit is not None and unit > 0 and nxt != "năm":
            return _Small(Decimal(10 + unit), i + 2, False)
        return _Small(Decimal(10), i + 1, False)
    digit = _digit(lex, tok)
    if digit is None:
        return None
    if nxt in lex.tens:
        value, end = digit * 10, i + 2
        unit = _digit(lex, toks[end]) if end < len(toks) else None
        if unit is not None and unit > 0 and toks[end] != "năm":
            value, end = value + unit, end + 1
        return _Small(Decimal(value), end, False)
    unit = _digit(lex, nxt) if nxt is not None else None
    if colloquial and unit is not None and nxt not in ("năm", "không") and digit > 0:
        return _Small(Decimal(digit * 10 + unit), i + 2, False)  # "bốn ba" = 43
    return _Small(Decimal(digit), i + 1, True)


def _small(lex: Lexicon, toks: Sequence[Token], i: int, colloquial: bool) -> _Small | None:
    """0..999 (or one digit token) at ``toks[i]``."""
    if i >= len(toks):
        return None
    tok = toks[i]
    if isinstance(tok, Decimal):
        return _Small(tok, i + 1, False)
    hundreds: int | None = None
    if tok in lex.hundred:
        hundreds, i = 1, i + 1
    elif i + 1 < len(toks) and toks[i + 1] in lex.hundred and _digit(lex, tok) is not None:
        hundreds, i = _digit(lex, tok), i + 2
    if hundreds is None:
        return _tens(lex, toks, i, colloquial)
    base = Decimal(hundreds * 100)
    if i < len(toks) and toks[i] in lex.half:
        return _Small(base + 50, i + 1, False)  # "tám trăm rưỡi" = 850
    rest = _tens(lex, toks, i, colloquial)
    if rest is None:
        return _Small(base, i, False)
    if rest.single_digit:  # "một trăm hai" = 120; "năm" after trăm is read as "year"
        if toks[i] == "năm" or (not colloquial and toks[i] != "mốt"):
            return _Small(base, i, False)
        return _Small(base + rest.value * 10, rest.end, False)
    return _Small(base + rest.value, rest.end, False)


def _scale_run(lex: Lexicon, toks: Sequence[Token], i: int) -> tuple[int, int]:
    """Product of the scale words at ``toks[i:]`` ("nghìn tỷ" = 1e12) and the next index."""
    product = 1
    while i < len(toks):
        tok = toks[i]
        if not isinstance(tok, str) or tok not in lex.scales:
            break
        product *= lex.scales[tok]
        i += 1
    return product, i


def _integer(lex: Lexicon, toks: Sequence[Token], colloquial: bool) -> tuple[Decimal, int] | None:
    """The longest number at the start of ``toks``: value and tokens used."""
    total = Decimal(0)
    top_scale = 0  # largest scale applied so far
    last_scale = 0
    i = 0
    used = 0
    while i < len(toks):
        small = _small(lex, toks, i, colloquial)
        if small is None:
            if i == 0 and toks[0] in lex.scales:  # bare "nghìn" is not a number in text
                return None
            break
        scale, j = _scale_run(lex, toks, small.end)
        if scale == 1:  # a tail after the last scale: "hai triệu mười", "một triệu hai"
            if small.single_digit and last_scale:
                if toks[i] == "năm" or (not colloquial and toks[i] not in ("mốt", "tư")):
                    break
                total += small.value * last_scale / 10
            else:
                total += small.value
            used = small.end
            break
        value = small.value * scale
        if j < len(toks) and toks[j] in lex.half:
            value += Decimal(scale) / 2
            j += 1
        if scale > top_scale and total:
            total = (total + small.value) * scale
        else:
            total += value
        top_scale = max(top_scale, scale)
        last_scale = scale
        i = used = j
    if used == 0:
        return None
    return total, used


def _fraction_digits(lex: Lexicon, toks: Sequence[Token]) -> str | None:
    """Digits after "phẩy"/"chấm": read one by one ("hai bốn không" = 240) or as a number."""
    spoken_only = ("mốt", "lăm", "nhăm")  # digits only heard inside a number ("chín lăm")
    words = [t for t in toks if isinstance(t, str)]
    if len(words) == len(toks) and all(t in lex.digits and t not in spoken_only for t in words):
        return "".join(str(lex.digits[t]) for t in words)
    if len(toks) < 2:
        return None
    parsed = _integer(lex, toks, colloquial=True)
    if parsed is None or parsed[1] != len(toks):
        return None
    return str(int(parsed[0]))


def words_value(tokens: Sequence[Token], colloquial: bool = True) -> Decimal | None:
    """Value of a whole token sequence (lowercase words and/or Decimal), or None.

    ``colloquial`` accepts spoken shortenings ("hai mốt" = 21, "một trăm hai" = 120);
    running-text scanning turns it off since "ba bốn người" means three or four people.
    """
    lex = lexicon()
    toks = list(tokens)
    sign = 1
    if toks and toks[0] in lex.minus:
        sign, toks = -1, toks[1:]
    if not toks:
        return None
    point = next((k for k, t in enumerate(toks) if t in lex.decimal_point), None)
    if point is None:
        parsed = _integer(lex, toks, colloquial)
        if parsed is None or parsed[1] != len(toks):
            return None
        return sign * parsed[0]
    whole = _integer(lex, toks[:point], colloquial)
    if whole is None or whole[1] != point:
        return None
    frac_toks = toks[point + 1 :]
    scale = 1
    while frac_toks:
        last = frac_toks[-1]
        if not isinstance(last, str) or last not in lex.scales:
            break
        scale *= lex.scales[last]
        frac_toks = frac_toks[:-1]
    digits = _fraction_digits(lex, frac_toks) if frac_toks else "0"
    if digits is None:
        return None
    return sign * (whole[0] + Decimal("0." + digits)) * scale


# --- one written number --------------------------------------------------------------


@cache
def _shorthand_re() -> re.Pattern[str]:
    suffixes = "|".join(sorted(map(re.escape, lexicon().suffixes), key=len, reverse=True))
    return re.compile(rf"([\d.,]*\d)({suffixes})(\d*)")


_WORD_OR_DIGITS = re.compile(r"[\d.,]*\d|[^\W\d_]+|[%$€£¥₫]")


def _tokens(text: str) -> list[Token] | None:
    toks: list[Token] = []
    for m in _WORD_OR_DIGITS.finditer(text):
        piece = m.group()
        if piece[0].isdigit() or piece[0] in ".,":
            value = parse_digits(piece)
            if value is None:
                return None
            toks.append(value)
        else:
            toks.append(piece.lower())
    return toks


def parse_number(s: str) -> int | float | None:
    """The value of one written number, or None if ``s`` is not exactly one number.

    Accepts digit forms with Vietnamese separators ("3.959", "1,5", "10.000,50", ",77"),
    a sign ("-", "âm", "trừ"), scale words ("2,5 triệu", "1 tỷ 200 triệu", "18 vạn"),
    shorthand ("100k", "1tr2", "3M"), and spelled-out numbers ("hai mươi lăm").
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", s)).strip()
    sign = 1
    if text[:1] in "-−–":
        sign, text = -1, text[1:].strip()
    if not text:
        return None
    short = _shorthand_re().fullmatch(text)
    if short:
        base = parse_digits(short.group(1))
        if base is None:
            return None
        scale = lexicon().suffixes[short.group(2)]
        tail = short.group(3)
        extra = Decimal("0." + tail) * scale if tail else 0
        return to_number(sign * (base * scale + extra))
    try:
        toks = _tokens(text)
    except InvalidOperation:
        return None
    if not toks or any(isinstance(t, str) and t not in _known_words() for t in toks):
        return None
    if len(toks) == 1 and isinstance(toks[0], str) and toks[0] not in _lone_words():
        return None  # "lăm", "mốt", "tư", "mươi" are numbers only inside a number
    value = words_value(toks)
    return None if value is None else to_number(sign * value)


@cache
def _lone_words() -> frozenset[str]:
    lex = lexicon()
    return lex.heads | lex.hundred | frozenset(lex.scales) | {"không"}


@cache
def _known_words() -> frozenset[str]:
    lex = lexicon()
    return lex.number_words | lex.minus


# --- scanning running text -----------------------------------------------------------


@dataclass(slots=True)
class NumberMatch:
    """A number found in text, scale words included (``2,5 triệu``, ``hai mươi``)."""

    start: int
    end: int
    value: Decimal
    spelled: bool  # written in words ("hai mươi") rather than digits
    scale: int  # the scale folded in (1e6 for "2,5 triệu"), 1 if none
    digits: str  # the digit token as written ("3.959"), "" when spelled
    digits_end: int  # end of the digit token (before any scale word)
    shorthand: bool = False  # "10k", "1tr5": only money is written so

    @property
    def scaled(self) -> bool:
        return self.scale != 1


# "\d\d*" rather than "\d+": a pattern that starts with a set lets the regex engine jump
# from one digit to the next instead of trying every position
_DIGIT_TOKEN = re.compile(r"\d\d*(?:[.,]\d+)*")


@cache
def _scale_re() -> re.Pattern[str]:
    lex = lexicon()
    scales = "|".join(sorted(map(re.escape, lex.scales), key=len, reverse=True))
    half = "|".join(map(re.escape, lex.half))
    # one or more scale words, then maybe "rưỡi"; "tỷ lệ", "tỷ trọng", "tỷ giá" are not scales
    return re.compile(
        rf"(?:\s*(?:{scales})\b(?!\s+(?:lệ|trọng|giá|số)\b))+(?:\s+(?:{half})\b)?",
        re.IGNORECASE,
    )


@cache
def _mixed_part_re() -> re.Pattern[str]:
    """A further "200 triệu" after "1 tỷ"."""
    return re.compile(r"\s+(\d+(?:[.,]\d+)*)(?=\s*\w)")


@cache
def _spelled_re() -> re.Pattern[str]:
    lex = lexicon()
    vocab = sorted(lex.number_words, key=len, reverse=True)
    word = "|".join(map(re.escape, vocab))
    heads = "|".join(sorted(map(re.escape, lex.heads), key=len, reverse=True))
    point = "|".join(map(re.escape, lex.decimal_point))
    zero = rf"không(?=\s+(?:{point})\b)"  # "không phẩy năm"; a bare "không" means "not"
    # the first letters of the heads first: the engine then skips other positions fast
    first = "".join(sorted({re.escape(w[0]) for w in [*lex.heads, "không"]}))
    return re.compile(
        rf"(?=[{first}])(?<!\w)(?:{heads}|{zero})(?:\s+(?:{word}))*(?!\w)", re.IGNORECASE
    )


@cache
def _spelled_core() -> re.Pattern[str]:
    """:func:`_spelled_re` for lowercased text: case-sensitive, without its two leading
    assertions (see :func:`_spelled_runs`)."""
    return re.compile(_spelled_re().pattern.split("(?<!\\w)", 1)[1])


# The only characters that IGNORECASE matches to a letter of a number word although
# lowercasing does not turn them into it (dotted capital I, dotless i, long s): checked over
# every code point in the tests.
_CASE_EXCEPTIONS = re.compile("[İıſ]")


def _spelled_runs(text: str) -> list[re.Match[str]]:
    """What ``_spelled_re().finditer(text)`` finds (offsets and lengths; the words may be
    lowercased).

    That pattern ignores case and starts with lookarounds, so the regex engine tries it at
    every position. Its core, matched case-sensitively in the lowercased text, starts with
    the heads' words, so the engine jumps from one of their first letters to the next; the
    word boundary before it is tested afterwards (:func:`at_word_starts`)."""
    if _CASE_EXCEPTIONS.search(text):
        return list(_spelled_re().finditer(text))
    return at_word_starts(_spelled_core(), lowered(text))


@cache
def _shorthand_after_re() -> re.Pattern[str]:
    """Shorthand scales glued to digits, with an optional next digit: "10k", "1tr5"."""
    return re.compile(r"(k|K|tr)(\d?)(?![^\W_])")


def _fold_scales(text: str, pos: int, value: Decimal) -> tuple[Decimal, int, int]:
    """Apply scale words after ``pos`` (and mixed parts "1 tỷ 200 triệu"): value, end, scale."""
    lex = lexicon()
    m = _scale_re().match(text, pos)
    if not m:
        return value, pos, 1
    words = m.group().lower().split()
    half = words[-1] in lex.half
    scale = 1
    for w in words[:-1] if half else words:
        scale *= lex.scales[w]
    total = value * scale + (Decimal(scale) / 2 if half else 0)
    first_scale = scale
    end = m.end()
    while True:  # "1 tỷ 200 triệu", "3 triệu 500 nghìn"
        part = _mixed_part_re().match(text, end)
        if not part:
            break
        sub = parse_digits(part.group(1))
        sm = _scale_re().match(text, part.end())
        if sub is None or not sm:
            break
        sub_scale = 1
        for w in sm.group().lower().split():
            sub_scale *= lex.scales.get(w, 1)
        if sub_scale >= scale or sub >= 1000:
            break
        total += sub * sub_scale
        scale, end = sub_scale, sm.end()
    return total, end, first_scale


@cache
def _scale_firsts() -> frozenset[str]:
    """First letters of the scale words, lowercase."""
    return frozenset(w[0].lower() for w in lexicon().scales)


def _may_scale(text: str, pos: int, firsts: frozenset[str]) -> bool:
    """False where :func:`_scale_re` cannot match at ``pos``: a scale word (maybe after
    spaces) starts with one of ``firsts``, case ignored. Most numbers are followed by a
    space and a unit or noun, which this rules out without the regex."""
    char = text[pos : pos + 1]
    if char.isspace():
        char = text[pos + 1 : pos + 2]
        if char.isspace():
            return True
    return char.lower() in firsts


def scan_numbers(
    text: str, skip: Callable[[int, int], bool] | None = None
) -> Iterator[NumberMatch]:
    """Every number in ``text``, digits or spelled out, with scale words folded in.

    Only the shape of the number is checked here (thousands groups, spelled-out grammar);
    whether it is a figure, and its unit, is for the caller to decide from the context.
    ``skip(start, digits_end)``: true for numbers to leave out (the figure extractor's
    date mentions, clock times, phone numbers), tested before they are read where it can.
    """
    found: list[NumberMatch] = []
    suffixes = lexicon().suffixes
    shorthand_after = _shorthand_after_re().match
    scale_firsts = _scale_firsts()
    for m in _DIGIT_TOKEN.finditer(text):
        if skip is not None and skip(m.start(), m.end()):
            continue  # a shorthand ("10k") ends its digits later, so it is left out too
        value = parse_digits(m.group())
        if value is None:
            continue
        short = shorthand_after(text, m.end())
        if short:
            scale = suffixes[short.group(1)]
            tail = Decimal("0." + short.group(2)) if short.group(2) else 0
            total = (value + tail) * scale
            found.append(
                NumberMatch(
                    m.start(), short.end(), total, False, scale, m.group(), short.end(), True
                )
            )
            continue
        after = m.end()
        if _may_scale(text, after, scale_firsts):
            total, end, scale = _fold_scales(text, after, value)
        else:
            total, end, scale = value, after, 1  # what _fold_scales finds there
        found.append(NumberMatch(m.start(), end, total, False, scale, m.group(), after))
    for m in _spelled_runs(text):
        match = _spelled_at(m.start(), m.group())
        if match is not None and (skip is None or not skip(match.start, match.digits_end)):
            found.append(match)
    found.sort(key=_START)
    return iter(found)


_START = attrgetter("start")


def _spelled_at(start: int, run: str) -> NumberMatch | None:
    """The longest spelled-out number at the head of ``run`` (a run of number words)."""
    read = _spelled_run(run)
    if read is None:
        return None
    length, value, scale = read
    end = start + length
    return NumberMatch(start, end, value, True, scale, "", end)


@lru_cache(maxsize=1 << 14)
def _spelled_run(run: str) -> tuple[int, Decimal, int] | None:
    """Length, value and scale of the longest spelled-out number at the head of ``run``.

    Depends on the run only, and the same short runs ("năm", "một", "hai mươi") recur in
    every text, so each is read once."""
    lex = lexicon()
    words = list(re.finditer(r"\S+", run))
    toks = [w.group().lower() for w in words]
    spoken_decimal = any(t in lex.decimal_point for t in toks)
    while toks:
        if spoken_decimal:  # "hai phẩy năm": the whole prefix must read as one number
            value, used = words_value(toks, colloquial=False), len(toks)
        else:
            parsed = _integer(lex, toks, colloquial=False)
            value, used = parsed if parsed is not None else (None, 0)
        if value is not None:
            scale = max((lex.scales[t] for t in toks[:used] if t in lex.scales), default=1)
            return words[used - 1].end(), value, scale
        toks.pop()
    return None
