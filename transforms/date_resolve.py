"""Resolving date atoms to calendar periods: the year rule for partial dates.

A partial date ("18/12", "tháng 3", "quý IV", "từ 15 - 20/12") could be in the year
before, at or after the reference (publication) year. The rule, in order:

1. A date written next to its relative word ("Hôm qua (17/12)") takes the year that puts
   it closest to that day. A weekday written with it ("thứ Hai, 18/12") keeps only the years
   whose calendar agrees.
2. In a paragraph that already gave a day or month with a year other than the reference
   year ("Ngày 2/9/1945 ... ngày 19/12"), the year closest to that date wins.
3. Marked future ("ngày 5/1 tới", or "sẽ", "dự kiến", "kế hoạch" ... governing it): the
   earliest period that has not ended ``grace_days`` before the reference.
4. Otherwise the latest period that does not start after the reference; a day may lie up to
   ``grace_days`` ahead (publication dates are often a few hours off the local day), unless
   its sentence is in the past tense ("đã", "vừa") or a suffix says so ("22/12 vừa qua").

A range is resolved as one: its end is the first occurrence not before its start.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from datetime import date, timedelta

from transforms.date_rules import Atom, Context
from transforms.models import DateMention, new_date_mention
from transforms.periods import period_end, period_value

_NEWLINE = re.compile(r"\n")

Span = tuple[date, date]  # first day, last day


def resolve_all(atoms: list[Atom], ctx: Context) -> list[DateMention]:
    """Mentions for ``atoms`` (in text order), dropping those no calendar can hold."""
    mentions: list[DateMention] = []
    anchor: date | None = None
    paragraph = -1
    breaks = [m.start() for m in _NEWLINE.finditer(ctx.text)] if atoms else []
    for atom in atoms:
        here = bisect.bisect_right(breaks, atom.start)
        if here != paragraph:
            paragraph, anchor = here, None
        mention = resolve(atom, ctx, anchor)
        if mention is None:
            continue
        mentions.append(mention)
        if atom.year is not None and not atom.relative and atom.grain in {"day", "month"}:
            anchor = mention.first_day
    return mentions


def resolve(atom: Atom, ctx: Context, anchor: date | None = None) -> DateMention | None:
    """The mention for one atom (None when the date does not exist)."""
    to = atom.to
    if to is None:
        first = _first_day(atom, ctx, anchor)
        if first is None:
            return None
        return _mention(atom, ctx, first, atom.last_day or period_end(atom.grain, first))
    if to.first is None and to.year is None and atom.first is None:
        if atom.year is None:
            atom.year = _choose_year(atom, ctx, anchor, lambda y: _range_span(atom, to, y))
            atom.relative = True
        to.year, to.relative = atom.year, True
        if atom.year is None:
            return None
    last = _first_day(to, ctx, anchor)
    if last is None:
        return None
    if atom.year is None and atom.first is None:  # "tháng 3 đến tháng 5/2022": from the end
        atom.year, atom.relative = last.year, True
        if (atom.candidate(last.year) or date.max) > last:
            atom.year -= 1
    first = _first_day(atom, ctx, anchor)
    if first is None:
        return None
    if first > last and to.relative:  # only when the end's year was inferred
        to.year = (to.year or last.year) + 1
        last = to.candidate(to.year) or last
    if first > last:
        return None
    last_day = atom.last_day or period_end(to.grain, last)
    return _mention(atom, ctx, first, last_day, period_value(to.grain, last))


def _mention(
    atom: Atom, ctx: Context, first: date, last_day: date, value_to: str | None = None
) -> DateMention:
    value = period_value(atom.grain, first)
    to_relative = atom.to is not None and atom.to.relative
    return new_date_mention(  # every field of DateMention, in order
        {
            "text": ctx.text[atom.start : atom.end],
            "start": atom.start,
            "end": atom.end,
            "value": value,
            "grain": atom.grain,
            "first_day": first,
            "last_day": last_day,
            "value_to": None if value_to == value else value_to,
            "relative": atom.relative or to_relative,
        }
    )


def _first_day(atom: Atom, ctx: Context, anchor: date | None) -> date | None:
    if atom.first is not None:
        return atom.first
    if atom.year is None:
        atom.year = _choose_year(atom, ctx, anchor, lambda y: _own_span(atom, y))
        atom.relative = True
        if atom.year is None:
            return None
    return atom.candidate(atom.year)


def _own_span(atom: Atom, year: int) -> Span | None:
    first = atom.candidate(year)
    return None if first is None else (first, period_end(atom.grain, first))


def _range_span(atom: Atom, to: Atom, year: int) -> Span | None:
    """The range starting in ``year``; its end is the first occurrence not before the start."""
    first = atom.candidate(year)
    if first is None:
        return None
    last = to.candidate(year)
    if last is None or last < first:
        last = to.candidate(year + 1)
    return None if last is None else (first, period_end(to.grain, last))


def _choose_year(
    atom: Atom, ctx: Context, anchor: date | None, span: Callable[[int], Span | None]
) -> int | None:
    """The year of a partial date or range (see the module docstring)."""
    ref = ctx.reference
    base = (atom.near or anchor or ref).year
    cands = [(y, s) for y in (base - 1, base, base + 1) if (s := span(y)) is not None]
    if not cands:
        return None
    if atom.weekday is not None:
        cands = [c for c in cands if c[1][0].isoweekday() == atom.weekday] or cands
    target = atom.near or (anchor if anchor is not None and anchor.year != ref.year else None)
    if target is not None:
        return min(cands, key=lambda c: abs((c[1][0] - target).days))[0]
    direction = atom.direction or (atom.to.direction if atom.to is not None else 0)
    tense = direction or (1 if ctx.prefer == "future" else ctx.tense_at(atom.start, atom.end))
    days = ctx.t.grace_days if atom.grain == "day" and not direction else 0
    grace = timedelta(days=days)
    if tense > 0:
        fits = [c for c in cands if c[1][1] >= ref - grace]
        return fits[0][0] if fits else cands[-1][0]
    if tense < 0:
        grace = timedelta(0)
    fits = [c for c in cands if c[1][0] <= ref + grace]
    return fits[-1][0] if fits else cands[0][0]
