"""Quality and speed of date and figure extraction on the annotated set.

Run from the repository root::

    python -m bench.extraction [--errors 40] [--mb 3] [--no-speed]

Prints precision/recall/F1 (figures by value and by value+unit, dates by value+grain)
next to the targets, a per-tag breakdown, the false figures on the negatives, the first
misses and false positives, and the throughput in MB/s of text on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.scoring import (
    METRICS,
    SECONDARY,
    GoldRecord,
    Prediction,
    Report,
    parse_record,
    score,
)

ANNOTATED_DIR = Path(__file__).resolve().parents[1] / "tests" / "annotated"

# Targets from the project brief: F1 per metric, false figures on negatives, MB/s.
F1_TARGETS = {"figures.value": 0.97, "figures.value+unit": 0.93, "dates.value+grain": 0.95}
MAX_FALSE_FIGURES = 0
MIN_MB_PER_SECOND = 1.0


@dataclass(frozen=True)
class Extractors:
    """The functions under evaluation."""

    extract_dates: Callable[[str, date], Sequence[Any]]
    extract_figures: Callable[..., Sequence[Any]]


def load_extractors() -> Extractors:
    """Import the extractors; raises ImportError while they are not written yet."""
    from transforms.dates import extract_dates
    from transforms.figures import extract_figures

    return Extractors(extract_dates, extract_figures)


def load_annotated(directory: Path = ANNOTATED_DIR) -> list[GoldRecord]:
    """All records of ``*.jsonl`` in ``directory``, in file then line order."""
    records = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    records.append(parse_record(json.loads(line)))
    return records


def run_one(text: str, reference: date, extractors: Extractors) -> Prediction:
    """Dates then figures for one text (figures reuse the dates); errors are caught."""
    try:
        dates = list(extractors.extract_dates(text, reference))
        figures = list(extractors.extract_figures(text, reference, dates))
    except Exception as exc:  # an extractor bug must not stop the bench
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Prediction(error=last)
    return Prediction(figures=figures, dates=dates)


def predict(records: Iterable[GoldRecord], extractors: Extractors) -> dict[str, Prediction]:
    return {r.id: run_one(r.text, r.published, extractors) for r in records}


def evaluate(
    records: Sequence[GoldRecord] | None = None, extractors: Extractors | None = None
) -> Report:
    """Score the extractors on the annotated set."""
    records = load_annotated() if records is None else records
    extractors = load_extractors() if extractors is None else extractors
    return score(records, predict(records, extractors))


def targets_met(report: Report) -> dict[str, bool]:
    """Which quality targets the report reaches (F1 per metric, no false figures)."""
    met = {name: report.metrics[name].f1 >= goal for name, goal in F1_TARGETS.items()}
    met["false figures"] = len(report.false_figures) <= MAX_FALSE_FIGURES
    return met


# --------------------------------------------------------------------------- throughput


def speed_corpus(records: Sequence[GoldRecord], megabytes: float, seed: int = 7) -> list[str]:
    """Articles of 3-8 annotated paragraphs in shuffled combinations, ``megabytes`` in all.

    Every article is a different combination, so no cache keyed on whole texts helps.
    """
    paragraphs = [p for r in records for p in r.text.split("\n") if p.strip()]
    rng = random.Random(seed)
    texts, size, goal = [], 0, megabytes * 1_000_000
    while size < goal:
        text = "\n".join(rng.sample(paragraphs, rng.randint(3, 8)))
        texts.append(text)
        size += len(text.encode("utf-8"))
    return texts


def measure_speed(
    texts: Sequence[str], extractors: Extractors, reference: date = date(2023, 6, 30)
) -> tuple[float, float]:
    """(megabytes, seconds) to extract dates and figures from every text, one core."""
    size = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    started = time.perf_counter()
    for text in texts:
        run_one(text, reference, extractors)
    return size, time.perf_counter() - started


# --------------------------------------------------------------------------- printing


def _row(name: str, counts: Any, target: float | None = None) -> str:
    goal = ""
    if target is not None:
        goal = f"  target F1 >= {target:.2f} {'OK' if counts.f1 >= target else 'MISSED'}"
    return (
        f"{name:<22} P {counts.precision:6.3f}  R {counts.recall:6.3f}  F1 {counts.f1:6.3f}"
        f"  (tp {counts.tp}, predicted {counts.predicted}, gold {counts.gold}){goal}"
    )


def format_report(report: Report, max_issues: int = 40) -> str:
    lines = [
        f"Annotated set: {report.records} records ({report.negative_records} negatives)",
        "",
    ]
    lines += [_row(name, report.metrics[name], F1_TARGETS.get(name)) for name in METRICS]
    nff = len(report.false_figures)
    ok = "OK" if nff <= MAX_FALSE_FIGURES else "MISSED"
    lines.append(f"{'false figures':<22} {nff} on negatives  target <= {MAX_FALSE_FIGURES} {ok}")
    lines += ["", "Secondary (matched figures, not targets):"]
    for name in SECONDARY:
        acc = report.secondary[name]
        rate = "n/a" if acc.rate is None else f"{acc.rate:.3f}"
        lines.append(f"  {name:<10} {rate:>6}  ({acc.correct}/{acc.total})")
    lines += ["", "By tag (F1: figures value | value+unit | dates; false figures on negatives):"]
    for tag in sorted(report.by_tag):
        c = report.by_tag[tag]
        cells = []
        for name in METRICS:
            cells.append(f"{c[name].f1:5.3f}" if c[name].gold or c[name].predicted else "  -  ")
        false = report.false_figures_by_tag.get(tag)
        extra = f" | {false} false" if false else ""
        lines.append(f"  {tag:<20} " + " | ".join(cells) + extra)
    if report.errors:
        lines += ["", f"Extractor errors ({len(report.errors)}):"]
        lines += [f"  {e.record}: {e.detail}" for e in report.errors[:max_issues]]
    if report.false_figures:
        lines += ["", f"False figures on negatives ({nff}):"]
        lines += [f"  {e.record}: {e.text!r} -> {e.detail}" for e in report.false_figures]
    lines += ["", f"Misses and false positives ({len(report.issues)}, first {max_issues}):"]
    for issue in report.issues[:max_issues]:
        lines.append(f"  {issue.record:<6} {issue.what:<14} {issue.text!r}  {issue.detail}")
    secondary = report.secondary_issues
    lines += ["", f"Secondary disagreements ({len(secondary)}, first {max_issues}):"]
    for issue in secondary[:max_issues]:
        lines.append(f"  {issue.record:<6} {issue.what:<15} {issue.text!r}  {issue.detail}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--errors", type=int, default=40, help="issues to list (default 40)")
    parser.add_argument("--mb", type=float, default=3.0, help="MB of text for the speed run")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput run")
    args = parser.parse_args(argv)
    try:
        extractors = load_extractors()
    except ImportError as exc:
        print(f"extractors not importable yet: {exc}")
        return 2
    records = load_annotated()
    report = score(records, predict(records, extractors))
    print(format_report(report, args.errors))
    if not args.no_speed:
        size, seconds = measure_speed(speed_corpus(records, args.mb), extractors)
        rate = size / seconds if seconds else float("inf")
        ok = "OK" if rate >= MIN_MB_PER_SECOND else "MISSED"
        print(
            f"\nThroughput: {size:.2f} MB in {seconds:.2f} s = {rate:.2f} MB/s (dates + figures,"
            f" one core)  target >= {MIN_MB_PER_SECOND:.1f} MB/s {ok}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
