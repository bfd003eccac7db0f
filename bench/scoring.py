"""Score predicted dates and figures against the annotated set (pure: no I/O).

Gold mentions are located in the record text by their surface ``text`` (the
``occurrence``-th whole-word match, 1-based). Predictions are matched to gold one to one
within each record by span overlap; among overlapping candidates the pair that agrees best
wins, then the larger overlap. Metrics are micro-averaged precision/recall/F1:

* ``figures.value``: value (and ``value_max`` of a range) equal within 1e-9 relative;
* ``figures.value+unit``: the same and the normalised unit equal;
* ``dates.value+grain``: value (both ends of a range) and grain equal.

Records tagged ``negative`` hold no figures: every figure predicted there is a *false
figure*, reported apart and left out of the figure metrics (their dates still count).
Qualifier, change, group, period, kind and ``per`` agreement on matched figures are
secondary accuracies, printed but not targets.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

NEGATIVE_TAG = "negative"
REL_TOL = 1e-9
FIGURE_METRICS = ("figures.value", "figures.value+unit")
DATE_METRICS = ("dates.value+grain",)
METRICS = FIGURE_METRICS + DATE_METRICS
SECONDARY = ("qualifier", "change", "group", "period", "kind", "per")
GRAINS = ("day", "week", "month", "quarter", "half", "year")


class AnnotationError(ValueError):
    """A gold record that cannot be read or located in its text."""


# --------------------------------------------------------------------------- gold records


@dataclass(frozen=True)
class GoldFigure:
    text: str
    start: int
    end: int
    value: float | int
    unit: str | None
    value_max: float | int | None = None
    qualifier: str | None = None
    change: str | None = None
    group: str | None = None
    period: str | Mapping[str, str] | None = None
    kind: str | None = None
    per: str | None = None


@dataclass(frozen=True)
class GoldDate:
    text: str
    start: int
    end: int
    value: str
    grain: str
    value_to: str | None = None


@dataclass(frozen=True)
class GoldRecord:
    id: str
    published: date
    text: str
    figures: tuple[GoldFigure, ...]
    dates: tuple[GoldDate, ...]
    tags: tuple[str, ...] = ()

    @property
    def negative(self) -> bool:
        return NEGATIVE_TAG in self.tags


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _starts_cleanly(text: str, start: int) -> bool:
    """No letter/digit glued before ``start`` (a digit after ``1.`` or ``1,`` is glued)."""
    if start == 0 or not _is_word_char(text[start]):
        return True
    before = text[start - 1]
    if _is_word_char(before):
        return False
    glued_number = before in ".," and start >= 2 and text[start - 2].isdigit()
    return not (text[start].isdigit() and glued_number)


def _ends_cleanly(text: str, end: int) -> bool:
    if end >= len(text) or not _is_word_char(text[end - 1]):
        return True
    after = text[end]
    if _is_word_char(after):
        return False
    glued_number = after in ".," and end + 1 < len(text) and text[end + 1].isdigit()
    return not (text[end - 1].isdigit() and glued_number)


def find_whole_words(text: str, needle: str) -> list[int]:
    """Start offsets of ``needle`` in ``text`` not glued to surrounding letters or digits."""
    if not needle:
        return []
    starts: list[int] = []
    i = text.find(needle)
    while i >= 0:
        if _starts_cleanly(text, i) and _ends_cleanly(text, i + len(needle)):
            starts.append(i)
        i = text.find(needle, i + 1)
    return starts


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Span of the ``occurrence``-th (1-based) whole-word match of ``needle``."""
    starts = find_whole_words(text, needle)
    if occurrence < 1 or occurrence > len(starts):
        raise AnnotationError(f"{needle!r} occurrence {occurrence} not found (has {len(starts)})")
    start = starts[occurrence - 1]
    return start, start + len(needle)


def _split_value(value: Any) -> tuple[str, str | None]:
    if isinstance(value, Mapping):
        return str(value["from"]), str(value["to"])
    return str(value), None


def parse_record(obj: Mapping[str, Any]) -> GoldRecord:
    """Build a :class:`GoldRecord` from one JSON object of the annotated set."""
    rid = str(obj.get("id", "?"))
    try:
        text = obj["text"]
        published = date.fromisoformat(obj["published"])
        figures = []
        for f in obj.get("figures", []):
            start, end = locate(text, f["text"], f.get("occurrence", 1))
            figures.append(
                GoldFigure(
                    text=f["text"],
                    start=start,
                    end=end,
                    value=f["value"],
                    unit=f.get("unit"),
                    value_max=f.get("value_max"),
                    qualifier=f.get("qualifier"),
                    change=f.get("change"),
                    group=f.get("group"),
                    period=f.get("period"),
                    kind=f.get("kind"),
                    per=f.get("per"),
                )
            )
        dates = []
        for d in obj.get("dates", []):
            start, end = locate(text, d["text"], d.get("occurrence", 1))
            value, value_to = _split_value(d["value"])
            dates.append(GoldDate(d["text"], start, end, value, d["grain"], value_to))
    except (KeyError, TypeError, ValueError) as exc:
        raise AnnotationError(f"record {rid}: {exc}") from exc
    return GoldRecord(
        id=rid,
        published=published,
        text=text,
        figures=tuple(sorted(figures, key=lambda g: g.start)),
        dates=tuple(sorted(dates, key=lambda g: g.start)),
        tags=tuple(obj.get("tags", ())),
    )


# --------------------------------------------------------------------------- periods


def _last_of_month(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def period_bounds(value: str) -> tuple[date, date]:
    """First and last day covered by an ISO-like period value (any grain)."""
    if "-W" in value:
        year, week = value.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        return monday, monday + timedelta(days=6)
    if "-Q" in value:
        year, q = value.split("-Q")
        first_month = 3 * (int(q) - 1) + 1
        return date(int(year), first_month, 1), _last_of_month(int(year), first_month + 2)
    if "-H" in value:
        year, h = value.split("-H")
        first_month = 6 * (int(h) - 1) + 1
        return date(int(year), first_month, 1), _last_of_month(int(year), first_month + 5)
    parts = value.split("-")
    if len(parts) == 1:
        return date(int(value), 1, 1), date(int(value), 12, 31)
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        return date(year, month, 1), _last_of_month(year, month)
    day = date.fromisoformat(value)
    return day, day


def span_of(value: str | Mapping[str, str]) -> tuple[date, date]:
    """Covered days of a gold period: a single value or a ``{"from", "to"}`` range."""
    first, last = _split_value(value)
    return period_bounds(first)[0], period_bounds(last or first)[1]


# --------------------------------------------------------------------------- comparison


def same_number(a: float | int | None, b: float | int | None) -> bool:
    """Equal within ``REL_TOL`` relative (both ``None`` is equal)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def _norm(s: str | None) -> str | None:
    return None if s is None else unicodedata.normalize("NFC", s).strip()


def figure_value_ok(g: GoldFigure, p: Any) -> bool:
    return same_number(g.value, p.value) and same_number(g.value_max, getattr(p, "value_max", None))


def figure_unit_ok(g: GoldFigure, p: Any) -> bool:
    return _norm(g.unit) == _norm(p.unit)


def date_ok(g: GoldDate, p: Any) -> bool:
    return g.grain == p.grain and g.value == p.value and g.value_to == getattr(p, "value_to", None)


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def match(
    gold: Sequence[Any], pred: Sequence[Any], agreement: Callable[[Any, Any], int]
) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs whose spans overlap.

    Greedy over all overlapping pairs, best first: higher ``agreement``, larger overlap,
    closer boundaries, then document order.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            shared = overlap(g.start, g.end, p.start, p.end)
            if shared:
                drift = abs(g.start - p.start) + abs(g.end - p.end)
                candidates.append((-agreement(g, p), -shared, drift, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for *_, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


# --------------------------------------------------------------------------- results


@dataclass
class Counts:
    """True positives against predicted and gold totals."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold
        return self

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += ok
        self.total += 1

    @property
    def rate(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True)
class Issue:
    """One disagreement, for the error listing."""

    record: str
    what: str  # missed/false/wrong figure|date
    text: str
    detail: str = ""


@dataclass(frozen=True)
class Prediction:
    """What the extractors returned for one record (``error`` if they raised)."""

    figures: Sequence[Any] = ()
    dates: Sequence[Any] = ()
    error: str | None = None


@dataclass
class Report:
    metrics: dict[str, Counts] = field(default_factory=lambda: {m: Counts() for m in METRICS})
    by_tag: dict[str, dict[str, Counts]] = field(default_factory=dict)
    secondary: dict[str, Accuracy] = field(
        default_factory=lambda: {s: Accuracy() for s in SECONDARY}
    )
    false_figures: list[Issue] = field(default_factory=list)
    false_figures_by_tag: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    secondary_issues: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    records: int = 0
    negative_records: int = 0


# --------------------------------------------------------------------------- scoring


def _describe_figure(f: Any) -> str:
    rng = f"-{f.value_max}" if getattr(f, "value_max", None) is not None else ""
    return f"{f.value}{rng} {f.unit}"


def _describe_date(d: Any) -> str:
    to = f"..{d.value_to}" if getattr(d, "value_to", None) else ""
    return f"{d.value}{to} ({d.grain})"


def _group_partners(
    pairs: Sequence[tuple[int, int]], gold: Sequence[GoldFigure], pred: Sequence[Any]
) -> tuple[dict[int, frozenset[int]], dict[int, frozenset[int]]]:
    """For each matched gold index: gold indices sharing its group, by gold and by prediction."""
    pred_of = dict(pairs)
    gold_partners: dict[int, frozenset[int]] = {}
    pred_partners: dict[int, frozenset[int]] = {}
    for gi, pi in pairs:
        g_group = gold[gi].group
        gold_partners[gi] = frozenset(
            gj for gj in pred_of if gj != gi and g_group is not None and gold[gj].group == g_group
        )
        p_group = getattr(pred[pi], "group", None)
        pred_partners[gi] = frozenset(
            gj
            for gj, pj in pred_of.items()
            if gj != gi and p_group is not None and getattr(pred[pj], "group", None) == p_group
        )
    return gold_partners, pred_partners


def _describe_field(value: Any) -> str:
    """A secondary field for listing; a Period shows its value, rule and mention."""
    if hasattr(value, "rule"):
        return f"{value.value} ({value.rule}: {value.mention_text!r})"
    return str(value)


def _period_ok(g: GoldFigure, p: Any) -> bool:
    period = getattr(p, "period", None)
    if g.period is None:
        return period is None or getattr(period, "rule", None) == "published"
    if period is None:
        return False
    return span_of(g.period) == (period.first_day, period.last_day)


def _score_secondary(
    record_id: str,
    report: Report,
    pairs: Sequence[tuple[int, int]],
    gold: Sequence[GoldFigure],
    pred: Sequence[Any],
) -> None:
    gold_partners, pred_partners = _group_partners(pairs, gold, pred)
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        p_per = _norm(getattr(p, "per", None))
        checks = {
            "qualifier": (g.qualifier == getattr(p, "qualifier", None), g.qualifier, p.qualifier),
            "change": (g.change == getattr(p, "change", None), g.change, p.change),
            "group": (gold_partners[gi] == pred_partners[gi], g.group, p.group),
            "period": (_period_ok(g, p), g.period, p.period),
        }
        if g.kind is not None:
            checks["kind"] = (g.kind == getattr(p, "kind", None), g.kind, p.kind)
        if g.per is not None or p_per is not None:
            checks["per"] = (_norm(g.per) == p_per, g.per, p_per)
        for name, (ok, want, got) in checks.items():
            report.secondary[name].add(ok)
            if not ok:
                detail = f"gold {_describe_field(want)}, got {_describe_field(got)}"
                report.secondary_issues.append(Issue(record_id, f"wrong {name}", g.text, detail))


def _score_figures(record: GoldRecord, pred: Sequence[Any], report: Report) -> dict[str, Counts]:
    gold = record.figures

    def agreement(g: GoldFigure, p: Any) -> int:
        return figure_value_ok(g, p) * (1 + figure_unit_ok(g, p))

    pairs = match(gold, pred, agreement)
    value = Counts(predicted=len(pred), gold=len(gold))
    value_unit = Counts(predicted=len(pred), gold=len(gold))
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if figure_value_ok(g, p):
            value.tp += 1
            if figure_unit_ok(g, p):
                value_unit.tp += 1
            else:
                report.issues.append(
                    Issue(record.id, "wrong unit", g.text, f"gold {g.unit!r}, got {p.unit!r}")
                )
        else:
            detail = f"gold {_describe_figure(g)}, got {_describe_figure(p)} from {p.text!r}"
            report.issues.append(Issue(record.id, "wrong value", g.text, detail))
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    for gi, g in enumerate(gold):
        if gi not in matched_gold:
            report.issues.append(Issue(record.id, "missed figure", g.text, _describe_figure(g)))
    for pi, p in enumerate(pred):
        if pi not in matched_pred:
            report.issues.append(Issue(record.id, "false figure", p.text, _describe_figure(p)))
    _score_secondary(record.id, report, pairs, gold, pred)
    return {"figures.value": value, "figures.value+unit": value_unit}


def _score_dates(record: GoldRecord, pred: Sequence[Any], report: Report) -> dict[str, Counts]:
    gold = record.dates
    pairs = match(gold, pred, lambda g, p: int(date_ok(g, p)))
    counts = Counts(predicted=len(pred), gold=len(gold))
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if date_ok(g, p):
            counts.tp += 1
        else:
            detail = f"gold {_describe_date(g)}, got {_describe_date(p)} from {p.text!r}"
            report.issues.append(Issue(record.id, "wrong date", g.text, detail))
    matched_gold = {gi for gi, _ in pairs}
    matched_pred = {pi for _, pi in pairs}
    for gi, g in enumerate(gold):
        if gi not in matched_gold:
            report.issues.append(Issue(record.id, "missed date", g.text, _describe_date(g)))
    for pi, p in enumerate(pred):
        if pi not in matched_pred:
            report.issues.append(Issue(record.id, "false date", p.text, _describe_date(p)))
    return {"dates.value+grain": counts}


def score(records: Iterable[GoldRecord], predictions: Mapping[str, Prediction]) -> Report:
    """Compare predictions (by record id) with the gold records."""
    report = Report()
    for record in records:
        report.records += 1
        pred = predictions.get(record.id, Prediction(error="no prediction"))
        if pred.error:
            report.errors.append(Issue(record.id, "extractor error", "", pred.error))
        per_record = _score_dates(record, list(pred.dates), report)
        if record.negative:
            report.negative_records += 1
            for f in pred.figures:
                report.false_figures.append(
                    Issue(record.id, "false figure", f.text, _describe_figure(f))
                )
                for tag in record.tags:
                    by_tag = report.false_figures_by_tag
                    by_tag[tag] = by_tag.get(tag, 0) + 1
        else:
            per_record |= _score_figures(record, list(pred.figures), report)
        for name, counts in per_record.items():
            report.metrics[name] += counts
            for tag in record.tags:
                tag_counts = report.by_tag.setdefault(tag, {m: Counts() for m in METRICS})
                tag_counts[name] += counts
    return report
