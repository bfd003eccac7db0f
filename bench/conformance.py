"""Run third-party Vietnamese number/date test suites against our extractors.

Reads every ``*.jsonl`` under ``../shared/conformance`` (see its README), decides pass or
fail per record with an adapter chosen by file, and prints the pass rate per file.
Records matched by ``bench/conformance_exclusions.toml`` are not run: they are counted
and listed per category. Run from the repository root::

    python -m bench.conformance [--failures 60] [--quiet-exclusions]

Adapters map each source's expectation onto the extraction contract:

* numbers (Duckling numeral, num2words, NeMo cardinal/decimal/fraction): ``parse_number``
  of the text equals the value (num2words: also its ``written_vi`` digits). NeMo ITN's
  ``nemo_written`` uses '.' as the decimal point and is never parsed; ``expected.value``
  is already numeric.
* money and measures: ``extract_figures`` yields exactly the expected figures: value,
  contract unit (``$`` -> USD, ``£`` -> GBP, ``°c`` -> °C, ``m³`` -> m3, ``l`` -> lít,
  ``gb`` -> GB, a ``per`` appended as ``VND/kg``), an interval as one range figure,
  ``under X``/``above X`` as a figure X with a less/at-most or more/at-least qualifier.
* ordinals and Roman numerals: the contract says these are not figures, so the text must
  yield no figure.
* NeMo clock times: no figure and no date (contract NOT lists); durations: the duration
  figures add up to the expected seconds.
* dates: a date mention with the expected value and grain; sub-day Duckling values are
  compared on their calendar day. Duckling prefers the next occurrence for a partial date
  ("tháng 6" on 2017-02-02 -> 2017-06, "chủ nhật" -> the coming Sunday); the contract
  prefers the latest one not after the reference, so when the text writes no year and
  marks no future the year before is accepted too, and for a weekday named without a week
  word ("chủ nhật", not "thứ sáu tuần này") the week before. Sources without a reference
  time use ``DEFAULT_REFERENCE``. ``expected: null`` means the text must yield no date.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from bench.scoring import same_number

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE_DIR = REPO.parent / "shared" / "conformance"
EXCLUSIONS_FILE = Path(__file__).with_name("conformance_exclusions.toml")
DEFAULT_REFERENCE = date(2025, 6, 30)

Status = Literal["pass", "fail", "excluded", "n/a"]


class Unavailable(Exception):
    """The extractor an adapter needs is not importable yet."""


@dataclass(frozen=True)
class Extractors:
    extract_dates: Callable[..., Sequence[Any]] | None = None
    extract_figures: Callable[..., Sequence[Any]] | None = None
    parse_number: Callable[[str], float | int | None] | None = None

    def dates(self, text: str, reference: date) -> list[Any]:
        if self.extract_dates is None:
            raise Unavailable("transforms.dates")
        return list(self.extract_dates(text, reference))

    def figures(self, text: str, reference: date = DEFAULT_REFERENCE) -> list[Any]:
        if self.extract_figures is None:
            raise Unavailable("transforms.figures")
        return list(self.extract_figures(text, reference))

    def number(self, text: str) -> float | int | None:
        if self.parse_number is None:
            raise Unavailable("transforms.numbers")
        return self.parse_number(text)


def load_extractors(strict: bool = False) -> Extractors:
    """Whatever of the three extractors can be imported; ``strict`` raises the ImportError
    of a broken one instead (the tests: a broken import must fail them, not skip them)."""
    found: dict[str, Any] = {}
    try:
        from transforms.dates import extract_dates

        found["extract_dates"] = extract_dates
    except ImportError:
        if strict:
            raise
    try:
        from transforms.figures import extract_figures

        found["extract_figures"] = extract_figures
    except ImportError:
        if strict:
            raise
    try:
        from transforms.numbers import parse_number

        found["parse_number"] = parse_number
    except ImportError:
        if strict:
            raise
    return Extractors(**found)


def _no_dates(text: str, reference: date) -> list[Any]:
    return []


def _no_figures(text: str, reference: date = DEFAULT_REFERENCE) -> list[Any]:
    return []


def _no_number(text: str) -> None:
    return None


# An extractor that finds nothing: its pass rate is each file's floor (records whose answer
# is "no figure here" pass), against which a real pass rate is judged.
NOTHING = Extractors(_no_dates, _no_figures, _no_number)


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    file: str  # path relative to the conformance directory, with '/'
    line: int
    record: dict[str, Any]

    @property
    def text(self) -> str:
        return self.record.get("text") or self.record.get("pattern") or ""

    @property
    def expected(self) -> Any:
        return self.record.get("expected")


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: Status
    detail: str = ""
    category: str | None = None


def load_cases(directory: Path = CONFORMANCE_DIR) -> list[Case]:
    cases = []
    for path in sorted(directory.rglob("*.jsonl")):
        rel = path.relative_to(directory).as_posix()
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    cases.append(Case(rel, n, json.loads(line)))
    return cases


# --------------------------------------------------------------------------- exclusions


def field_text(record: dict[str, Any], dotted: str) -> str | None:
    """A record field as text (dotted path into nested objects); JSON for non-strings."""
    value: Any = record
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Exclusion:
    id: str
    reason: str
    files: tuple[str, ...]
    match: dict[str, str] = field(default_factory=dict)
    unless: dict[str, str] = field(default_factory=dict)

    def applies(self, case: Case) -> bool:
        if not any(fnmatch.fnmatch(case.file, pattern) for pattern in self.files):
            return False
        for key, pattern in self.match.items():
            value = field_text(case.record, key)
            if value is None or not re.search(pattern, value):
                return False
        for key, pattern in self.unless.items():
            value = field_text(case.record, key)
            if value is not None and re.search(pattern, value):
                return False
        return True


def load_exclusions(path: Path = EXCLUSIONS_FILE) -> list[Exclusion]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [
        Exclusion(
            id=e["id"],
            reason=e["reason"],
            files=tuple(e["files"]),
            match=dict(e.get("match", {})),
            unless=dict(e.get("unless", {})),
        )
        for e in data.get("exclusion", [])
    ]


def exclusion_for(case: Case, exclusions: Iterable[Exclusion]) -> Exclusion | None:
    return next((e for e in exclusions if e.applies(case)), None)


# --------------------------------------------------------------------------- periods


def _quarter(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def format_period(d: date, grain: str) -> str:
    """ISO-like period value of the contract for the period holding ``d``."""
    if grain == "day":
        return d.isoformat()
    if grain == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{d.year}-{d.month:02d}"
    if grain == "quarter":
        return _quarter(d)
    if grain == "half":
        return f"{d.year}-H{1 if d.month <= 6 else 2}"
    return str(d.year)


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def shift(d: date, grain: str, n: int) -> date:
    """``d`` moved by ``n`` periods of ``grain`` (month-like grains land on the 1st)."""
    if grain == "day":
        return d + timedelta(days=n)
    if grain == "week":
        return d + timedelta(weeks=n)
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[grain]
    return add_months(d, months * n)


def _mention_is(m: Any, value: str, grain: str, value_to: str | None = None) -> bool:
    return m.grain == grain and m.value == value and getattr(m, "value_to", None) == value_to


def _describe_dates(mentions: Sequence[Any]) -> str:
    if not mentions:
        return "no date"
    return "; ".join(
        f"{m.text!r}={m.value}{'..' + m.value_to if getattr(m, 'value_to', None) else ''}"
        f" ({m.grain})"
        for m in mentions
    )


def _describe_figures(figures: Sequence[Any]) -> str:
    if not figures:
        return "no figure"
    parts = []
    for f in figures:
        rng = f"-{f.value_max}" if getattr(f, "value_max", None) is not None else ""
        q = f" [{f.qualifier}]" if getattr(f, "qualifier", None) else ""
        parts.append(f"{f.text!r}={f.value}{rng} {f.unit}{q}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- adapters

Result = tuple[bool, str]
CONTRACT_PAST = "passed with the contract's past reading"
FUTURE_WORDS = re.compile(r"tới|sau|tiếp|kế|sắp|sẽ|mai")
WRITTEN_YEAR = re.compile(r"\d{4}|\d+/\d+/\d+")
WEEKDAY_NAME = re.compile(r"(?i)\bthứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])\b|chủ nhật|chúa nhật")


def _reference(case: Case) -> date:
    ref = case.record.get("reference_time")
    return date.fromisoformat(ref[:10]) if ref else DEFAULT_REFERENCE


def check_number(case: Case, x: Extractors) -> Result:
    if case.expected is None:
        got = x.number(case.text)
        return got is None, f"expected no number, got {got!r}"
    want = case.expected["value"]
    got = x.number(case.text)
    if not same_number(got, want):
        return False, f"parse_number -> {got!r}, want {want!r}"
    written = case.record.get("written_vi")
    if written is not None:
        got_written = x.number(written)
        if not same_number(got_written, want):
            return False, f"parse_number({written!r}) -> {got_written!r}, want {want!r}"
    return True, ""


def check_no_figure(case: Case, x: Extractors) -> Result:
    figures = x.figures(case.text)
    return not figures, f"contract: not a figure; got {_describe_figures(figures)}"


# Source currency codes and unit spellings -> the symbols of the contract and units table.
CURRENCY = {"$": "USD", "£": "GBP"}  # Duckling's codes for "dollar" and "pound"
UNITS = {
    "m³": "m3",
    "m²": "m2",
    "km²": "km2",
    "cm³": "cm3",
    "°c": "°C",
    "°f": "°F",
    "l": "lít",
    "kw": "kW",
    "s": "giây",
    "v": "V",
    "hz": "Hz",
    "ghz": "GHz",
    "Mhz": "MHz",
    "gb": "GB",
    "tb": "TB",
    "Mb": "MB",  # NeMo reads "512Mb" as "mê ga bai": megabytes
    "kb": "kB",  # "ki lô bai"
    "mbps": "Mbps",
}


def contract_unit(unit: str | None, per: str | None = None, money: bool = False) -> str | None:
    if unit is None:
        return None
    base = CURRENCY.get(unit, unit) if money else UNITS.get(unit, unit)
    return f"{base}/{per}" if per else base


FigurePredicate = Callable[[Any], bool]


def _assign(figures: Sequence[Any], wanted: Sequence[FigurePredicate]) -> bool:
    """Every predicate takes a distinct figure and no figure is left over."""
    if len(figures) != len(wanted):
        return False
    free = list(figures)
    for predicate in wanted:
        hit = next((f for f in free if predicate(f)), None)
        if hit is None:
            return False
        free.remove(hit)
    return True


def _amount_predicate(spec: dict[str, Any], money: bool) -> tuple[FigurePredicate, str]:
    """A predicate for one expected amount (value, or interval from/to) and its label."""
    if "from" in spec or "to" in spec:
        lo, hi = spec.get("from"), spec.get("to")
        unit = contract_unit((lo or hi)["unit"], spec.get("per"), money)
        if lo and hi:

            def both(f: Any) -> bool:
                return (
                    same_number(f.value, lo["value"])
                    and same_number(getattr(f, "value_max", None), hi["value"])
                    and f.unit == unit
                )

            return both, f"{lo['value']}-{hi['value']} {unit}"
        bound, quals = (hi, {"less_than", "at_most"}) if hi else (lo, {"more_than", "at_least"})

        def one_sided(f: Any) -> bool:
            return (
                same_number(f.value, bound["value"])
                and f.unit == unit
                and getattr(f, "qualifier", None) in quals
            )

        return one_sided, f"{bound['value']} {unit} qualifier in {sorted(quals)}"
    unit = contract_unit(spec.get("unit"), spec.get("per"), money)

    def exact(f: Any) -> bool:
        return (
            same_number(f.value, spec["value"])
            and getattr(f, "value_max", None) is None
            and f.unit == unit
        )

    return exact, f"{spec['value']} {unit}"


def _check_amounts(case: Case, x: Extractors, money: bool) -> Result:
    exp = case.expected
    specs = exp.get("values", [exp])
    predicates, labels = zip(*(_amount_predicate(s, money) for s in specs), strict=True)
    figures = x.figures(case.text)
    ok = _assign(figures, predicates)
    return ok, f"want {'; '.join(labels)}, got {_describe_figures(figures)}"


def check_money(case: Case, x: Extractors) -> Result:
    return _check_amounts(case, x, money=True)


def check_quantity(case: Case, x: Extractors) -> Result:
    return _check_amounts(case, x, money=False)


def check_range(case: Case, x: Extractors) -> Result:
    dim = case.expected.get("dim")
    if dim == "amount-of-money":
        return check_money(case, x)
    if dim == "quantity":
        return check_quantity(case, x)
    if dim == "time":
        return check_clock(case, x)
    exp = case.expected
    figures = x.figures(case.text)

    def plain_range(f: Any) -> bool:
        return same_number(f.value, exp["from"]) and same_number(
            getattr(f, "value_max", None), exp["to"]
        )

    ok = _assign(figures, [plain_range])
    return ok, f"want {exp['from']}-{exp['to']}, got {_describe_figures(figures)}"


SECONDS = {"giây": 1, "s": 1, "phút": 60, "p": 60, "giờ": 3600, "tiếng": 3600, "h": 3600}


def check_clock(case: Case, x: Extractors) -> Result:
    figures = x.figures(case.text)
    dates = x.dates(case.text, DEFAULT_REFERENCE)
    got = f"{_describe_figures(figures)}; {_describe_dates(dates)}"
    return not figures and not dates, f"contract: a clock time is no figure, no date; got {got}"


def _duration_seconds(figures: Sequence[Any]) -> float | None:
    total = 0.0
    for f in figures:
        factor = SECONDS.get(f.unit or "")
        if factor is None:
            return None
        total += f.value * factor
    return total


def check_nemo_time(case: Case, x: Extractors) -> Result:
    exp = case.expected
    if exp is None:
        dates = x.dates(case.text, DEFAULT_REFERENCE)
        return not dates, f"want no date, got {_describe_dates(dates)}"
    kind = exp.get("kind")
    if kind == "clock":
        return check_clock(case, x)
    figures = x.figures(case.text)
    if kind == "duration":
        want = exp["seconds"]
    else:  # clock_or_duration: nothing (a clock time) or the matching duration
        if not figures:
            return True, ""
        want = exp.get("hour", 0) * 3600 + exp.get("minute", 0) * 60 + exp.get("second", 0)
    got = _duration_seconds(figures) if figures else None
    return got is not None and same_number(got, want), (
        f"want {want} s of duration figures, got {_describe_figures(figures)}"
    )


# ---- dates


def _found(mentions: Sequence[Any], wanted: Sequence[tuple[str, str, str | None]]) -> bool:
    return all(any(_mention_is(m, *w) for m in mentions) for w in wanted)


def _contract_past_alternative(
    case: Case, value: str, grain: str, first: date, ref: date
) -> str | None:
    """The value the contract's past preference gives where Duckling chose a later one.

    A weekday named without a week word ("chủ nhật") moves back a week; anything else
    (a partial date with no year written) moves back a year.
    """
    if first <= ref or WRITTEN_YEAR.search(case.text) or FUTURE_WORDS.search(case.text):
        return None
    if grain == "day" and WEEKDAY_NAME.search(case.text):
        if "tuần" in case.text.lower():
            return None  # "thứ sáu tuần này" names its week
        return (first - timedelta(weeks=1)).isoformat()
    return f"{int(value[:4]) - 1}{value[4:]}"


def _duckling_expectation(case: Case) -> tuple[str, str, str | None, date]:
    """(value, grain, value_to, first day) the contract would give for a Duckling value."""
    exp = case.expected
    grain = exp["grain"]
    if exp["type"] == "value":
        day = date.fromisoformat(exp["value"][:10])
        grain = "day" if grain in ("hour", "minute", "second") else grain
        return format_period(day, grain), grain, None, day
    start = date.fromisoformat(exp["from"][:10])
    end_exclusive = date.fromisoformat(exp["to"][:10])
    if grain in ("hour", "minute", "second"):
        at_midnight = exp["to"][11:19] == "00:00:00"
        last = end_exclusive - timedelta(days=1) if at_midnight else end_exclusive
        grain = "day"
    else:
        last = shift(end_exclusive, grain, -1)
    value, value_to = format_period(start, grain), format_period(max(start, last), grain)
    return value, grain, (value_to if value_to != value else None), start


def check_duckling_time(case: Case, x: Extractors) -> Result:
    ref = _reference(case)
    mentions = x.dates(case.text, ref)
    if case.expected is None:
        return not mentions, f"want no date, got {_describe_dates(mentions)}"
    value, grain, value_to, first = _duckling_expectation(case)
    wanted = [(value, grain, value_to)]
    alternative = _contract_past_alternative(case, value, grain, first, ref)
    if alternative and value_to is None:
        wanted_alt = [(alternative, grain, None)]
        if _found(mentions, wanted_alt):
            return True, CONTRACT_PAST
    ok = _found(mentions, wanted)
    alt = f" or {alternative}" if alternative else ""
    return ok, f"want {value}{'..' + value_to if value_to else ''}{alt} ({grain}), got " + (
        _describe_dates(mentions)
    )


def _covers(m: Any, day: date) -> bool:
    return m.first_day <= day <= m.last_day


OFFSET_GRAIN = {"years": "year", "months": "month", "weeks": "week", "days": "day"}


def _offset_day(ref: date, offset: dict[str, int]) -> tuple[date, str]:
    """The day ``offset`` away from ``ref`` and the grain of its largest unit."""
    months = offset.get("years", 0) * 12 + offset.get("months", 0)
    day = add_months(ref, months) if months else ref
    day += timedelta(weeks=offset.get("weeks", 0), days=offset.get("days", 0))
    grain = next((g for unit, g in OFFSET_GRAIN.items() if offset.get(unit)), "day")
    return day, grain


def check_dateparser(case: Case, x: Extractors) -> Result:
    exp = case.expected
    ref = _reference(case)
    mentions = x.dates(case.text, ref)
    got = _describe_dates(mentions)
    if "matches" in exp:
        missing = []
        for match in exp["matches"]:
            start = case.text.find(match["span_text"])
            end = start + len(match["span_text"])
            day = date.fromisoformat(match["date"])
            if not any(m.start < end and start < m.end and _covers(m, day) for m in mentions):
                missing.append(f"{match['span_text']!r}->{day}")
        return not missing, f"missing {', '.join(missing)}; got {got}"
    if "relative_offset" in exp:
        day, grain = _offset_day(ref, exp["relative_offset"])
        value = format_period(day, grain)
        return _found(mentions, [(value, grain, None)]), f"want {value} ({grain}), got {got}"
    day = date.fromisoformat(exp["date"])
    grain = exp.get("period", "day")
    value = format_period(day, grain)
    return _found(mentions, [(value, grain, None)]), f"want {value} ({grain}), got {got}"


MEANING = re.compile(r"^(?:in (\d+) (\w+)|(\d+) (\w+) ago)$")


def check_lexicon(case: Case, x: Extractors) -> Result:
    exp = case.expected
    ref = DEFAULT_REFERENCE
    if "pattern" in case.record:
        return False, "a regular expression, not a text"
    if exp["dim"] == "month":
        mentions = x.dates(case.text, ref)
        ok = any(m.grain == "month" and int(m.value[5:7]) == exp["value"] for m in mentions)
        return ok, f"want month {exp['value']}, got {_describe_dates(mentions)}"
    if exp["dim"] == "weekday":
        # The contract reads a weekday only as the prefix of a written date.
        day = ref - timedelta(days=(ref.isoweekday() - exp["value"]) % 7)
        text = f"{case.text}, {day.day}/{day.month}/{day.year}"
        mentions = x.dates(text, ref)
        ok = any(m.start == 0 and _mention_is(m, day.isoformat(), "day") for m in mentions)
        return ok, f"in {text!r} want {day} from offset 0, got {_describe_dates(mentions)}"
    parts = MEANING.match(exp["dateparser_meaning"])
    if not parts:
        return False, f"unreadable meaning {exp['dateparser_meaning']!r}"
    future = parts.group(1) is not None
    n = int(parts.group(1) or parts.group(3))
    unit = (parts.group(2) or parts.group(4)).rstrip("s")
    day = shift(ref, unit, n if future else -n)
    value = format_period(day, unit)
    mentions = x.dates(case.text, ref)
    return _found(mentions, [(value, unit, None)]), f"want {value} ({unit}), got " + (
        _describe_dates(mentions)
    )


def _nemo_date_ok(m: Any, spec: dict[str, Any], ref: date) -> bool:
    month = spec.get("month")
    month = ref.month if month == "relative:this_month" else month
    year = spec.get("year")
    year = ref.year if year == "relative:this_year" else year
    grain = "day" if "day" in spec else "month" if month is not None else "year"
    if m.grain != grain or getattr(m, "value_to", None) is not None:
        return False
    d = m.first_day
    return (
        ("day" not in spec or d.day == spec["day"])
        and (month is None or d.month == month)
        and (not isinstance(year, int) or d.year == year)
    )


def check_nemo_date(case: Case, x: Extractors) -> Result:
    exp = case.expected
    mentions = x.dates(case.text, DEFAULT_REFERENCE)
    got = _describe_dates(mentions)
    if exp is None:
        return not mentions, f"want no date, got {got}"
    specs = exp.get("values", [exp])
    ok = all(any(_nemo_date_ok(m, s, DEFAULT_REFERENCE) for m in mentions) for s in specs)
    want = "; ".join(
        "/".join(str(s[k]) for k in ("day", "month", "year") if s.get(k) is not None) for s in specs
    )
    return ok, f"want {want}, got {got}"


NEMO = "nemo_vi/"
ADAPTERS: dict[str, Callable[[Case, Extractors], Result]] = {
    "duckling_vi/numeral.jsonl": check_number,
    "duckling_vi/ordinal.jsonl": check_no_figure,
    "duckling_vi/amount_of_money.jsonl": check_money,
    "duckling_vi/time.jsonl": check_duckling_time,
    "dateparser_vi.jsonl": check_dateparser,
    "dateparser_vi_lexicon.jsonl": check_lexicon,
    "num2words_vi.jsonl": check_number,
    **{NEMO + f: check_number for f in ("tn_cardinal.jsonl", "tn_decimal.jsonl")},
    **{NEMO + f: check_number for f in ("itn_cardinal.jsonl", "itn_decimal.jsonl")},
    **{NEMO + f: check_number for f in ("tn_fraction.jsonl", "itn_fraction.jsonl")},
    **{NEMO + f: check_nemo_date for f in ("tn_date.jsonl", "itn_date.jsonl")},
    **{NEMO + f: check_quantity for f in ("tn_measure.jsonl", "itn_measure.jsonl")},
    **{NEMO + f: check_money for f in ("tn_money.jsonl", "itn_money.jsonl")},
    **{NEMO + f: check_no_figure for f in ("tn_ordinal.jsonl", "itn_ordinal.jsonl")},
    NEMO + "tn_roman.jsonl": check_no_figure,
    NEMO + "tn_range.jsonl": check_range,
    **{NEMO + f: check_nemo_time for f in ("tn_time.jsonl", "itn_time.jsonl")},
}


def run_case(case: Case, x: Extractors, exclusions: Sequence[Exclusion]) -> Outcome:
    excluded = exclusion_for(case, exclusions)
    if excluded is not None:
        return Outcome(case, "excluded", excluded.reason, excluded.id)
    adapter = ADAPTERS.get(case.file)
    if adapter is None:
        return Outcome(case, "fail", "no adapter for this file")
    try:
        ok, detail = adapter(case, x)
    except Unavailable as missing:
        return Outcome(case, "n/a", f"{missing} not importable")
    except Exception as exc:  # an extractor bug fails the record, not the run
        return Outcome(case, "fail", f"raised {type(exc).__name__}: {exc}")
    return Outcome(case, "pass" if ok else "fail", detail)


def run(
    cases: Sequence[Case] | None = None,
    extractors: Extractors | None = None,
    exclusions: Sequence[Exclusion] | None = None,
) -> list[Outcome]:
    cases = load_cases() if cases is None else cases
    extractors = load_extractors() if extractors is None else extractors
    exclusions = load_exclusions() if exclusions is None else exclusions
    return [run_case(c, extractors, exclusions) for c in cases]


@dataclass(frozen=True)
class FileSummary:
    file: str
    total: int
    passed: int
    failed: int
    excluded: int
    unavailable: int

    @property
    def rate(self) -> float | None:
        """Pass rate over the records that ran (excluded and n/a left out)."""
        ran = self.passed + self.failed
        return self.passed / ran if ran else None


def summarize(outcomes: Iterable[Outcome]) -> dict[str, FileSummary]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        counts[o.case.file][o.status] += 1
    return {
        f: FileSummary(f, sum(c.values()), c["pass"], c["fail"], c["excluded"], c["n/a"])
        for f, c in sorted(counts.items())
    }


def _rate(value: float | None) -> str:
    return "   -   " if value is None else f"{value:7.1%}"


def _overall(summary: dict[str, FileSummary]) -> float | None:
    ran = sum(s.passed + s.failed for s in summary.values())
    return sum(s.passed for s in summary.values()) / ran if ran else None


def format_outcomes(
    outcomes: Sequence[Outcome],
    max_failures: int = 60,
    list_exclusions: bool = True,
    floor: Sequence[Outcome] = (),
) -> str:
    """The table of pass rates per file; ``floor`` (the outcomes of :data:`NOTHING`) adds
    the rate of an extractor that finds nothing next to each."""
    summary, bottom = summarize(outcomes), summarize(floor)
    header = f"{'file':<36} {'records':>7} {'excl':>5} {'n/a':>4} {'pass':>5} {'rate':>7}"
    lines = [header + (f" {'floor':>7}" if floor else "")]
    for s in summary.values():
        tail = f" {_rate(bottom[s.file].rate if s.file in bottom else None)}" if floor else ""
        lines.append(
            f"{s.file:<36} {s.total:>7} {s.excluded:>5} {s.unavailable:>4} {s.passed:>5} "
            f"{_rate(s.rate)}{tail}"
        )
    passed = sum(s.passed for s in summary.values())
    excluded = [o for o in outcomes if o.status == "excluded"]
    lines.append(
        f"{'all':<36} {len(outcomes):>7} {len(excluded):>5} "
        f"{sum(s.unavailable for s in summary.values()):>4} {passed:>5} "
        f"{_rate(_overall(summary) or 0.0)}" + (f" {_rate(_overall(bottom))}" if floor else "")
    )
    if floor:
        lines.append("(floor: the pass rate of an extractor that finds nothing)")
    by_category: dict[str, list[Outcome]] = defaultdict(list)
    for o in excluded:
        by_category[o.category or "?"].append(o)
    lines += ["", f"Excluded ({len(excluded)} records):"]
    for category, items in by_category.items():
        lines.append(f"  [{category}] {len(items)}: {items[0].detail}")
        if list_exclusions:
            lines += [f"      {o.case.file}:{o.case.line} {o.case.text!r}" for o in items]
    mapped = sum(o.status == "pass" and o.detail == CONTRACT_PAST for o in outcomes)
    if mapped:
        lines += [
            "",
            "Passed with the contract's past reading of a partial date (the year before, or"
            f" the week before for a bare weekday, where the source picks the next): {mapped}",
        ]
    failures = [o for o in outcomes if o.status == "fail"]
    lines += ["", f"Failures ({len(failures)}, first {max_failures}):"]
    for o in failures[:max_failures]:
        lines.append(f"  {o.case.file}:{o.case.line} {o.case.text!r}: {o.detail}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conformance", description=__doc__)
    parser.add_argument("--failures", type=int, default=60, help="failures to list")
    parser.add_argument("--quiet-exclusions", action="store_true", help="categories only")
    parser.add_argument("--dir", type=Path, default=CONFORMANCE_DIR, help="conformance data")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"no conformance data at {args.dir}")
        return 2
    cases = load_cases(args.dir)
    outcomes, floor = run(cases), run(cases, NOTHING)
    print(format_outcomes(outcomes, args.failures, not args.quiet_exclusions, floor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
