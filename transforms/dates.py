"""Vietnamese date mentions in running text, resolved against a reference date.

``extract_dates(text, reference)`` finds expressions such as "Sáng 18/12", "ngày 8-1",
"thứ Hai, 18/12", "tháng 12/2021", "quý III/2021", "6 tháng đầu năm 2022", "năm ngoái",
"giai đoạn 2021-2025" or "từ 15 - 20/12" and resolves each to a calendar period
(:class:`~transforms.models.DateMention`).

How: a grammar of regular expressions, built once from the word tables in
``data/dates.toml``, proposes candidate spans; of overlapping candidates the set covering
the most text wins; neighbours joined by "đến", "tới" or a dash become ranges; then each
mention is resolved.

Partial dates ("18/12", "tháng 3") take their year by the rule in
:mod:`transforms.date_resolve`: the latest year not in the future of the reference unless
the text marks the future ("tới", "sẽ", "dự kiến", ...).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from transforms.date_grammar import Rule, grammar, scan
from transforms.date_resolve import resolve_all
from transforms.date_rules import HANDLERS, Atom, Context, Handler, Prefer
from transforms.date_tables import date_tables, norm_key
from transforms.models import DateMention
from transforms.periods import period_start
from transforms.textscan import lowered, trie_alternation

__all__ = ["Prefer", "extract_dates"]


def extract_dates(text: str, reference: date, *, prefer: Prefer = "past") -> list[DateMention]:
    """Date mentions in ``text`` (NFC), sorted by ``start``, not overlapping.

    ``reference`` is the publication date: partial and relative dates are resolved
    against it (see the module docstring for the year rule). ``prefer="future"`` resolves
    unmarked partial dates forward instead, as calendars and event listings mean them.
    """
    low = lowered(text)
    ctx = Context(text, low, reference, prefer, date_tables())
    atoms = _select(_candidates(ctx))
    atoms = _attach_directions(atoms, ctx)
    atoms = _combine(atoms, ctx)
    return resolve_all(atoms, ctx)


# --------------------------------------------------------------------------- selection


@dataclass
class _Candidate:
    start: int
    end: int
    atoms: list[Atom]


# Rules that cannot match without a digit; skipped on text that has none.
_DIGIT_RULES = frozenset(
    {"full", "day_month", "month_year", "year", "year_range", "bare_year", "day_pair"}
    | {"month_pair"}
)
_DIGIT = re.compile(r"\d")
RANGE_GAP = re.compile(r"\s*(?:-|–|—|đến|tới|cho\s+đến|đến\s+hết|tới\s+hết)\s*")
LIST_GAP = re.compile(r"\s*(?:,|và|hoặc|,\s*và)\s*")
UNTIL_NOW = re.compile(
    r"\s*(?:-|–|đến|tới|cho\s+đến)\s+(?:nay|hiện\s+nay|hiện\s+tại|bây\s+giờ)(?!\w)"
)
FROM_BEFORE = re.compile(r"(?<!\w)(?:kể\s+)?từ\s+$")


@cache
def _plan() -> tuple[tuple[Rule, Handler, bool, tuple[str, ...]], ...]:
    """Each rule with its handler, whether it needs a digit, and its needles (built once)."""
    return tuple(
        (rule, HANDLERS[rule.name], rule.name in _DIGIT_RULES, rule.needles)
        for rule in grammar().rules
    )


def _candidates(ctx: Context) -> list[_Candidate]:
    found: list[_Candidate] = []
    low = ctx.low
    digit = _DIGIT.search(low)
    first_digit = digit.start() if digit else -1
    lunar = grammar().lunar
    places = _needle_places(low)  # where each needle is in the text
    for rule, handler, needs_digit, needles in _plan():
        if needs_digit and first_digit < 0:
            continue
        if needles:
            # Every match starts with one of the needles: try the core there only, and not
            # at all on text without any.
            starts: list[int] = []
            for word in needles:
                at = places.get(word)
                if at is not None:
                    starts += at
            if not starts:
                continue
            if len(starts) * _CHARS_PER_TRY > len(low):  # many: one scan from the first
                hits = scan(rule, low, min(starts))
            else:
                hits = scan(rule, low, starts=sorted(set(starts)) if len(needles) > 1 else starts)
        else:
            hits = scan(rule, low, first_digit)  # the rules on digits start with one
        for hit in hits:
            atoms = handler(hit, ctx)
            if not atoms:
                continue
            start, end = atoms[0].start, max(a.end for a in atoms)
            if ctx.blocked(start, end) or (atoms[-1].first is None and lunar.match(ctx.low, end)):
                continue  # "Cách mạng tháng Tám"; "tháng 7 âm lịch"
            found.append(_Candidate(start, end, atoms))
    return found


# Trying the core at each needle costs about what scanning this many characters does.
_CHARS_PER_TRY = 48


def _find_all(text: str, word: str) -> list[int]:
    """Offsets of every occurrence of ``word`` in ``text`` (overlapping ones included)."""
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


@cache
def _needle_scan() -> tuple[re.Pattern[str], dict[str, tuple[tuple[int, str], ...]]]:
    """One pattern for all the needles of :func:`_plan` (the longest at a place), and for each
    needle the other needles that can occur inside or at the head of it: ``(offset, word)``
    where ``word`` agrees with the needle's characters from ``offset`` on."""
    words = sorted({w for *_, needles in _plan() for w in needles}, key=len, reverse=True)
    inner = {
        w: tuple(
            (k, v)
            for k in range(len(w))
            for v in words
            if (k or v != w) and w[k : k + len(v)] == v[: len(w) - k]
        )
        for w in words
    }
    return re.compile(trie_alternation(words)), inner


def _needle_places(low: str) -> dict[str, list[int]]:
    """For each needle in ``low``: :func:`_find_all` of it (needles absent are left out).

    One scan for all needles: a match is the longest needle at the leftmost place where
    any is, and the scan goes on after it; the needles that start inside it (or are a
    shorter head of it) are the ones its ``inner`` entry lists, tested one by one."""
    pattern, inner = _needle_scan()
    places: dict[str, list[int]] = {}
    for m in pattern.finditer(low):
        at, word = m.start(), m.group()
        found = places.get(word)
        if found is None:
            places[word] = [at]
        else:
            found.append(at)
        for k, other in inner[word]:
            if low.startswith(other, at + k):
                places.setdefault(other, []).append(at + k)
    return places


def _select(cands: list[_Candidate]) -> list[Atom]:
    """Non-overlapping candidates covering the most text (fewest pieces on ties)."""
    cands.sort(key=lambda c: (c.end, c.start))
    ends = [c.end for c in cands]
    best: list[tuple[int, int]] = [(0, 0)]  # (covered chars, -pieces) for the first i
    choice: list[int] = [-1]
    for i, c in enumerate(cands):
        j = bisect.bisect_right(ends, c.start, 0, i)  # candidates ending before c
        take = (best[j][0] + c.end - c.start, best[j][1] - 1)
        if take > best[i]:
            best.append(take)
            choice.append(j)
        else:
            best.append(best[i])
            choice.append(-1)
    picked: list[_Candidate] = []
    i = len(cands)
    while i > 0:
        if choice[i] >= 0:
            picked.append(cands[i - 1])
            i = choice[i]
        else:
            i -= 1
    return [a for c in reversed(picked) for a in c.atoms]


def _attach_directions(atoms: list[Atom], ctx: Context) -> list[Atom]:
    """Take in "tới" / "vừa qua" written right after a partial date."""
    pattern = grammar().direction
    for i, atom in enumerate(atoms):
        if atom.first is not None or atom.year is not None:
            continue
        m = pattern.match(ctx.low, atom.end)
        limit = atoms[i + 1].start if i + 1 < len(atoms) else len(ctx.text)
        if m and m.end() <= limit:
            atom.direction = ctx.t.direction_suffixes[norm_key(m.group("w"))]
            atom.end = m.end()
    return atoms


def _combine(atoms: list[Atom], ctx: Context) -> list[Atom]:
    """Join "A đến B" / "A - B" into ranges; "từ A đến nay" ends at the reference; in
    "A và B" a yearless A takes B's year."""
    text = ctx.low
    out: list[Atom] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        opened = FROM_BEFORE.search(text, max(0, atom.start - 12), atom.start)
        if nxt is not None and _joinable(atom, nxt):
            gap = text[atom.end : nxt.start]
            if RANGE_GAP.fullmatch(gap):
                atom.to, atom.end = nxt, nxt.end
                if opened:
                    atom.start = opened.start()
                out.append(atom)
                i += 2
                continue
            if LIST_GAP.fullmatch(gap) and atom.year is None and nxt.first is None:
                atom.year = nxt.year
        if opened and atom.to is None:
            now = UNTIL_NOW.match(text, atom.end)
            limit = nxt.start if nxt else len(text)
            if now and now.end() <= limit:
                _until_now(atom, ctx)
                atom.start, atom.end = opened.start(), now.end()
        out.append(atom)
        i += 1
    return out


def _joinable(atom: Atom, nxt: Atom) -> bool:
    """Two single periods of one grain, both written out or both relative words (a dateline
    "Hà Nội, 18/12 - Sáng nay" is not a range)."""
    return (
        atom.to is None
        and nxt.to is None
        and atom.grain == nxt.grain
        and (atom.first is None) == (nxt.first is None)
    )


def _until_now(atom: Atom, ctx: Context) -> None:
    """ "từ năm 2015 đến nay": a range to the reference, in the same grain (months when
    counting from the start of a year: "từ đầu năm đến nay")."""
    ref = ctx.reference
    if atom.grain == "year" and atom.first is not None and atom.first.year == ref.year:
        atom.grain, atom.index = "month", 1
    atom.to = Atom(atom.end, atom.end, atom.grain, first=period_start(atom.grain, ref))
    atom.last_day = ref
    atom.relative = True
