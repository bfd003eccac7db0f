"""Integrity of the annotated set (tests/annotated) and the extraction quality targets."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date

import pytest

from bench.extraction import (
    ANNOTATED_DIR,
    F1_TARGETS,
    MAX_FALSE_FIGURES,
    evaluate,
    load_annotated,
    load_extractors,
)
from bench.scoring import GRAINS, NEGATIVE_TAG, locate, period_bounds, span_of

QUALIFIERS = {"approx", "more_than", "less_than", "at_least", "at_most", "reached", "range"}
KINDS = {"count", "money", "measure", "percent", "duration", "age", "ratio"}
SYMBOL_UNITS = {
    "VND", "USD", "EUR", "%", "ha", "km", "m", "cm", "mm", "m2", "km2", "m3", "kg", "g", "mg",
    "tấn", "tạ", "yến", "lít", "ml", "kW", "kWh", "MW", "MWh", "°C", "ounce", "km/h",
    "năm", "tháng", "tuần", "ngày", "giờ", "phút", "giây", "tuổi",
}  # fmt: skip
VALUE_FORMAT = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "week": r"\d{4}-W\d{2}",
    "month": r"\d{4}-\d{2}",
    "quarter": r"\d{4}-Q[1-4]",
    "half": r"\d{4}-H[12]",
    "year": r"\d{4}",
}
SCALES = {"nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
DIGITS = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")
FUTURE = re.compile(r"\b(tới|sắp tới|sẽ|dự kiến|kế hoạch)\b")
SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n")
FULL_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
DAY_MONTH = re.compile(r"(\d{1,2})[/-](\d{1,2})(?![/.\-\d])")


def raw_records() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(ANNOTATED_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append((path.name, json.loads(line)))
    return out


RAW = raw_records()
RECORDS = {r.id: r for r in load_annotated()}  # raises if a span cannot be located
POSITIVE = [obj for _, obj in RAW if NEGATIVE_TAG not in obj["tags"]]
NEGATIVE = [obj for _, obj in RAW if NEGATIVE_TAG in obj["tags"]]
ALL_FIGURES = [f for obj in POSITIVE for f in obj["figures"]]
ALL_DATES = [d for _, obj in RAW for d in obj["dates"]]


def surface_value(text: str) -> float | None:
    """Digits with '.' thousands and ',' decimals, times any scale words right after."""
    m = DIGITS.match(text)
    if not m:
        return None
    value = float(m.group(1).replace(".", "") + ("." + m.group(2) if m.group(2) else ""))
    for word in text[m.end() :].split():
        if word not in SCALES:
            break
        value *= SCALES[word]
    return value


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))


# --------------------------------------------------------------------------- size and shape


def test_set_is_large_enough():
    assert len(ALL_FIGURES) >= 150
    assert len(ALL_DATES) >= 60
    assert sum(len(obj["traps"]) for obj in NEGATIVE) >= 60
    articles = [obj for _, obj in RAW if "article" in obj["tags"]]
    assert 5 <= len(articles) <= 10
    assert all(obj["text"].count("\n") >= 2 for obj in articles)


def test_ids_unique_text_nfc_and_published_valid():
    ids = [obj["id"] for _, obj in RAW]
    assert len(ids) == len(set(ids))
    for _, obj in RAW:
        assert obj["text"] == unicodedata.normalize("NFC", obj["text"]), obj["id"]
        date.fromisoformat(obj["published"])


def test_every_case_of_the_contract_is_covered():
    tags = {t for _, obj in RAW for t in obj["tags"]}
    needed = {
        "compound", "money", "money-per-unit", "percent", "measure", "duration", "age",
        "classifier", "two-syllable-unit", "qualifier", "range", "change", "ratio",
        "scale-word", "number-words", "thousands-sep", "decimal", "no-separator",
        "date-full", "date-partial", "day-part", "weekday", "month", "quarter", "half", "span",
        "relative", "date-range", "future", "year-boundary", "period-paragraph",
        "period-published", "article",
    }  # fmt: skip
    assert needed <= tags, needed - tags
    assert {f["qualifier"] for f in ALL_FIGURES} >= QUALIFIERS
    assert {f["change"] for f in ALL_FIGURES} >= {"increase", "decrease"}
    assert {f["kind"] for f in ALL_FIGURES} == KINDS
    assert {d["grain"] for d in ALL_DATES} == set(GRAINS)


# --------------------------------------------------------------------------- figures


def test_figure_fields_are_valid():
    for f in ALL_FIGURES:
        assert f["kind"] in KINDS, f
        assert f["qualifier"] in QUALIFIERS | {None}, f
        assert f["change"] in {"increase", "decrease", None}, f
        assert (f["value_max"] is not None) == (f["qualifier"] == "range"), f
        if f["value_max"] is not None:
            assert f["value_max"] > f["value"], f
        assert (f["kind"] == "ratio") == ("per" in f), f
        if f["period"] is not None:
            span_of(f["period"])  # parses


def test_figure_values_match_their_digits():
    checked = 0
    for f in ALL_FIGURES:
        parts = re.split(r"\s*(?:-|đến)\s*(?=\d)", f["text"])
        low = surface_value(parts[0])
        if low is None:  # number words
            continue
        if f["value_max"] is None:
            assert len(parts) == 1 and close(low, f["value"]), f
        else:
            high = surface_value(parts[1])
            # a scale word written once after the high end applies to both ends
            factor = high / surface_value(DIGITS.match(parts[1]).group(0))
            assert close(low * factor, f["value"]) and close(high, f["value_max"]), f
        checked += 1
    assert checked >= 140


def test_units_are_contract_symbols_or_the_words_written():
    for f in ALL_FIGURES:
        unit = f["unit"]
        assert unit is not None, f
        if unit.split("/")[0] not in SYMBOL_UNITS:
            assert f["kind"] in {"count", "ratio"}, f
            assert unit == unit.lower() and unit in f["text"].lower(), f


def test_groups_have_several_members():
    for obj in POSITIVE:
        groups = [f["group"] for f in obj["figures"] if f["group"]]
        for g in set(groups):
            assert groups.count(g) >= 2, (obj["id"], g)


def test_periods_are_dates_of_the_same_record():
    for obj in POSITIVE:
        values = [json.dumps(d["value"], sort_keys=True) for d in obj["dates"]]
        for f in obj["figures"]:
            if f["period"] is not None:
                assert json.dumps(f["period"], sort_keys=True) in values, (obj["id"], f)


# --------------------------------------------------------------------------- dates


def test_date_values_fit_their_grain():
    for d in ALL_DATES:
        values = [d["value"]] if isinstance(d["value"], str) else list(d["value"].values())
        for v in values:
            assert re.fullmatch(VALUE_FORMAT[d["grain"]], v), d
            period_bounds(v)
        if not isinstance(d["value"], str):
            assert d["value"]["from"] < d["value"]["to"], d


def test_written_dates_match_their_values():
    checked = 0
    for d in ALL_DATES:
        if d["grain"] != "day" or not isinstance(d["value"], str):
            continue
        full = FULL_DATE.search(d["text"])
        partial = DAY_MONTH.search(d["text"])
        value = date.fromisoformat(d["value"])
        if full:
            day, month, year = map(int, full.groups())
            assert value == date(year, month, day), d
            checked += 1
        elif partial:
            assert (value.day, value.month) == tuple(map(int, partial.groups())), d
            checked += 1
    assert checked >= 25


def test_partial_dates_follow_the_past_or_marked_future_rule():
    for _, obj in RAW:
        published = date.fromisoformat(obj["published"])
        sentences = SENTENCE_END.split(obj["text"])
        for d in obj["dates"]:
            if d["grain"] != "day" or not isinstance(d["value"], str):
                continue
            if not DAY_MONTH.search(d["text"]) or FULL_DATE.search(d["text"]):
                continue
            value = date.fromisoformat(d["value"])
            sentence = next(s for s in sentences if d["text"] in s)
            if FUTURE.search(sentence):
                assert published <= value, (obj["id"], d)
            else:
                assert value <= published, (obj["id"], d)
            assert abs((value - published).days) < 366, (obj["id"], d)


# --------------------------------------------------------------------------- spans


def _spans(obj: dict, key: str) -> list[tuple[int, int]]:
    return [
        (s, s + len(item["text"]))
        for item in obj.get(key, [])
        for s in [locate(obj["text"], item["text"], item.get("occurrence", 1))[0]]
    ]


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]] | None = None) -> bool:
    pairs = [(x, y) for i, x in enumerate(a) for y in (a[i + 1 :] if b is None else b)]
    return any(x[0] < y[1] and y[0] < x[1] for x, y in pairs)


def test_mentions_do_not_overlap():
    for _, obj in RAW:
        figures, dates, traps = _spans(obj, "figures"), _spans(obj, "dates"), _spans(obj, "traps")
        assert not _overlap(figures), obj["id"]
        assert not _overlap(dates), obj["id"]
        assert not _overlap(figures, dates), obj["id"]
        assert not _overlap(figures, traps), obj["id"]


def test_negatives_hold_traps_and_no_figures():
    assert NEGATIVE
    for obj in NEGATIVE:
        assert obj["figures"] == [], obj["id"]
        assert obj["traps"], obj["id"]


def test_every_digit_is_annotated():
    """Each digit lies in a figure (or its ratio denominator), a date or a declared trap."""
    for _, obj in RAW:
        text = obj["text"]
        covered = _spans(obj, "figures") + _spans(obj, "dates") + _spans(obj, "traps")
        for f, (_, end) in zip(obj["figures"], _spans(obj, "figures"), strict=True):
            if "per" in f:
                start = text.index(f["per"], end)
                covered.append((start, start + len(f["per"])))
        for m in re.finditer(r"\d", text):
            assert any(s <= m.start() < e for s, e in covered), (obj["id"], text[m.start() - 10 :])


# --------------------------------------------------------------------------- targets


@pytest.fixture(scope="module")
def report():
    # no skip: a broken import in the extractors must fail these tests
    return evaluate(list(RECORDS.values()), load_extractors())


def _issues(report, kinds: tuple[str, ...]) -> str:
    return "\n".join(
        f"{i.record} {i.what} {i.text!r} {i.detail}" for i in report.issues if i.what in kinds
    )


@pytest.mark.parametrize("metric", list(F1_TARGETS))
def test_extraction_meets_f1_target(report, metric):
    f1 = report.metrics[metric].f1
    kinds = ("missed date", "false date", "wrong date")
    if metric.startswith("figures"):
        kinds = ("missed figure", "false figure", "wrong value", "wrong unit")
    listing = _issues(report, kinds)
    assert f1 >= F1_TARGETS[metric], f"{metric} F1 {f1:.3f}\n{listing}"


def test_no_false_figures_on_negatives(report):
    false_figures = report.false_figures
    found = "\n".join(f"{i.record}: {i.text!r} -> {i.detail}" for i in false_figures)
    assert len(false_figures) <= MAX_FALSE_FIGURES, found


def test_extractors_do_not_raise(report):
    errors = [(e.record, e.detail) for e in report.errors]
    assert not errors
