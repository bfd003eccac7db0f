"""Quality and speed of date and figure extraction: annotated set, then held-out pages.

Run from the repository root::

    python -m bench.extraction [--errors 40] [--mb 3] [--no-speed]

1. Annotated set (tests/annotated, used while tuning the extractors): precision/recall/F1
   (figures by value and by value+unit, dates by value+grain) next to the targets, a
   per-tag breakdown, the false figures on the negatives, the first misses and false
   positives, and the throughput in MB/s of text on one core, next to Facebook Duckling's
   Vietnamese parser on the same texts (when ``pyduckling-native-phihos`` is installed).
   Each rate is printed with the figures per KB of its texts (the work grows with them),
   and, as context that decides no target, the rate on the real article pages of
   ``../shared`` that the cleaning bench scores (when present).
2. Held-out: the offline sample site (tests/sample_site/baonghean), whose ground truth in
   ``expected.json`` was written independently of the extractors. Each page is cleaned as
   the pipeline does and read against its publication date. Its figure and date lists are
   partial (a few per article), so only RECALL is measured, with the same matcher as the
   annotated set; plus the false figures inside the ``not_figures`` strings it lists.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.scoring import (
    METRICS,
    SECONDARY,
    GoldRecord,
    Issue,
    Prediction,
    Report,
    find_whole_words,
    parse_record,
    score,
)
from bench.timing import batches, in_turn

REPO = Path(__file__).resolve().parents[1]
ANNOTATED_DIR = REPO / "tests" / "annotated"
SAMPLE_SITE_DIR = REPO / "tests" / "sample_site"
HELDOUT_SITE = "baonghean"
DEFAULT_SHARED = REPO.parent / "shared"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# An undated page is read against its fetch date in the pipeline; the sample has none.
UNDATED_REFERENCE = date(2025, 7, 1)
# Issues that lower held-out recall; "false ..." ones say nothing against partial gold.
MISS_KINDS = ("missed figure", "wrong value", "wrong unit", "missed date", "wrong date")

# Targets from the project brief: F1 per metric, false figures on negatives; speed from
# issue 9: MB/s of dates and figures together on one core, and that rate over Duckling's.
F1_TARGETS = {"figures.value": 0.97, "figures.value+unit": 0.93, "dates.value+grain": 0.95}
MAX_FALSE_FIGURES = 0
MIN_MB_PER_SECOND = 2.0
MIN_DUCKLING_RATIO = 10.0
# Text timed at each turn against Duckling: enough that the caches it evicted refill.
TURN_KB = 16


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


# --------------------------------------------------------------------------- held-out


@dataclass(frozen=True)
class HeldoutArticle:
    """One cleaned sample-site article: its partial gold and the strings that hold no figure."""

    gold: GoldRecord
    not_figures: tuple[str, ...] = ()


@dataclass
class HeldoutReport:
    """Recall on the partial gold (``report``: read only its recall and misses)."""

    report: Report
    articles: int
    not_figures: int  # not_figure strings listed
    not_figure_occurrences: int  # their whole-word occurrences in the cleaned texts
    false_figures: list[Issue]  # predicted figures lying inside a not_figure occurrence
    unlocated: list[Issue]  # not_figure strings absent from the cleaned text

    def recall(self, metric: str) -> float:
        return self.report.metrics[metric].recall

    @property
    def misses(self) -> list[Issue]:
        return [i for i in self.report.issues if i.what in MISS_KINDS]


def load_heldout(site_key: str = HELDOUT_SITE, root: Path | None = None) -> list[HeldoutArticle]:
    """Clean every article of the sample site as the pipeline does; gold from expected.json.

    The reference date is the publication date in Vietnam (flows/processing.py), or
    ``UNDATED_REFERENCE`` for a page without one.
    """
    from registry import get_site
    from transforms.clean import clean_article

    site = get_site(site_key)
    root = SAMPLE_SITE_DIR / site_key if root is None else root
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    articles = []
    for entry in expected["articles"]:
        html = (root / entry["path"].lstrip("/")).read_text(encoding="utf-8")
        page = clean_article(
            html, site.origin + entry["path"], site.layouts, site_origin=site.origin
        )
        published = page.published
        reference = published.astimezone(VIETNAM).date() if published else UNDATED_REFERENCE
        gold = parse_record(
            {
                "id": entry["path"],
                "published": reference.isoformat(),
                "text": page.text,
                "figures": entry.get("figures", []),
                "dates": entry.get("dates", []),
            }
        )
        articles.append(HeldoutArticle(gold, tuple(entry.get("not_figures", []))))
    return articles


def figures_inside_not_figures(
    articles: Sequence[HeldoutArticle], predictions: Mapping[str, Prediction]
) -> tuple[list[Issue], list[Issue], int]:
    """(false figures, unlocated not_figure strings, occurrences checked).

    A false figure is a predicted figure whose span lies inside a whole-word occurrence of
    one of the article's not_figure strings.
    """
    false_figures: list[Issue] = []
    unlocated: list[Issue] = []
    occurrences = 0
    for article in articles:
        text, rid = article.gold.text, article.gold.id
        figures = predictions[rid].figures if rid in predictions else ()
        for phrase in article.not_figures:
            starts = find_whole_words(text, phrase)
            if not starts:
                unlocated.append(Issue(rid, "unlocated", phrase, "not in the cleaned text"))
            occurrences += len(starts)
            for start in starts:
                end = start + len(phrase)
                for f in figures:
                    if start <= f.start and f.end <= end:
                        detail = f"{f.value} {f.unit} inside {phrase!r}"
                        false_figures.append(Issue(rid, "false figure", f.text, detail))
    return false_figures, unlocated, occurrences


def evaluate_heldout(
    articles: Sequence[HeldoutArticle] | None = None, extractors: Extractors | None = None
) -> HeldoutReport:
    """Recall on the sample site's partial gold, and false figures on its not_figures."""
    articles = load_heldout() if articles is None else articles
    extractors = load_extractors() if extractors is None else extractors
    golds = [a.gold for a in articles]
    predictions = predict(golds, extractors)
    false_figures, unlocated, occurrences = figures_inside_not_figures(articles, predictions)
    return HeldoutReport(
        report=score(golds, predictions),
        articles=len(articles),
        not_figures=sum(len(a.not_figures) for a in articles),
        not_figure_occurrences=occurrences,
        false_figures=false_figures,
        unlocated=unlocated,
    )


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
    """(megabytes, CPU seconds) to extract dates and figures from every text, one core.

    CPU time of this process, not wall time: on a shared machine other processes would
    otherwise be counted against the extractors.
    """
    size = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    started = time.process_time()
    for text in texts:
        run_one(text, reference, extractors)
    return size, time.process_time() - started


@cache
def duckling_parser() -> Callable[[str], object] | None:
    """Facebook Duckling's Vietnamese parser, asked for times, numbers, money, quantities,
    distances and ordinals (what our extractors find), warmed up; None without
    ``pyduckling-native-phihos``. It parses in the calling thread, so CPU time compares
    like for like."""
    try:
        import duckling
    except ImportError:
        return None
    zones = duckling.load_time_zones("/usr/share/zoneinfo")
    locale = duckling.default_locale_lang(duckling.parse_lang("VI"))
    ref = duckling.parse_ref_time(zones, "Asia/Ho_Chi_Minh", 1717200000)
    context = duckling.Context(ref, locale)
    dims = duckling.parse_dimensions(
        ["time", "number", "amount-of-money", "quantity", "distance", "ordinal"]
    )

    def parse(text: str) -> object:
        return duckling.parse(text, context, dims, False)

    parse("ngày 1/1/2024")  # warm up outside the timing
    return parse


def against_duckling(
    texts: Sequence[str], extractors: Extractors, reference: date = date(2023, 6, 30)
) -> tuple[float, float, float] | None:
    """(megabytes, our CPU seconds, Duckling's CPU seconds) on ``texts``, the two timed in
    turn (:func:`bench.timing.in_turn`) on batches of :data:`TURN_KB`; None without
    Duckling."""
    parse = duckling_parser()
    if parse is None:
        return None
    run_one(texts[0], reference, extractors)  # warm up, as Duckling

    def ours(batch: list[str]) -> None:
        for text in batch:
            run_one(text, reference, extractors)

    def theirs(batch: list[str]) -> None:
        for text in batch:
            parse(text)

    ours_seconds, their_seconds = in_turn([ours, theirs], batches(texts, TURN_KB))
    return sum(len(t.encode("utf-8")) for t in texts) / 1_000_000, ours_seconds, their_seconds


def first_megabytes(texts: Sequence[str], megabytes: float) -> list[str]:
    """The leading texts of ``texts`` that add up to about ``megabytes``."""
    out, size = [], 0
    for text in texts:
        if size >= megabytes * 1_000_000:
            break
        out.append(text)
        size += len(text.encode("utf-8"))
    return out


def figures_per_kb(texts: Sequence[str], extractors: Extractors) -> float:
    """Figures found per 1,000 bytes of ``texts``: the work of extraction grows with it, so a
    rate in MB/s means little without it."""
    found = sum(len(run_one(t, date(2023, 6, 30), extractors).figures) for t in texts)
    size = sum(len(t.encode("utf-8")) for t in texts)
    return 1000 * found / size if size else 0.0


def real_article_texts(shared: Path) -> list[str]:
    """The cleaned texts of the saved real article pages that the cleaning bench scores (its
    gold specs name them), read as the pipeline reads them; empty without ``shared``."""
    from bench.cleaning import gold_specs
    from transforms.clean import clean_article

    texts = []
    for spec in gold_specs():
        page = shared / "pages" / json.loads(spec.read_text(encoding="utf-8"))["page"]
        if page.is_file():
            html = page.read_text(encoding="utf-8")
            texts.append(clean_article(html, f"https://{page.parent.name}/{page.name}").text)
    return texts


def measure_small_speed(
    texts: Sequence[str], extractors: Extractors, min_seconds: float = 0.5, rounds: int = 3
) -> tuple[float, float]:
    """:func:`measure_speed` on a few texts: repeated until ``min_seconds`` of CPU, best of
    ``rounds``, as (megabytes, CPU seconds) of one pass."""
    size = sum(len(t.encode("utf-8")) for t in texts) / 1_000_000
    best = float("inf")
    for _ in range(rounds):
        passes, started = 0, time.process_time()
        while time.process_time() - started < min_seconds:
            measure_speed(texts, extractors)
            passes += 1
        best = min(best, (time.process_time() - started) / passes)
    return size, best


def _rate(megabytes: float, seconds: float) -> float:
    return megabytes / seconds if seconds else float("inf")


def format_speed(rate: float, size: float, seconds: float, density: float | None = None) -> str:
    ok = "OK" if rate >= MIN_MB_PER_SECOND else "MISSED"
    dense = "" if density is None else f", {density:.1f} figures/KB"
    return (
        f"Throughput: {size:.2f} MB in {seconds:.2f} CPU s = {rate:.2f} MB/s (dates + figures,"
        f" one core{dense})  target >= {MIN_MB_PER_SECOND:.1f} MB/s {ok}"
    )


def format_real_speed(
    rate: float, size: float, count: int, density: float, duckling: float | None
) -> str:
    """The rate on real article text, which decides no target: a handful of pages."""
    against = "" if duckling is None else f", Duckling {duckling:.3f} MB/s = {rate / duckling:.1f}x"
    return (
        f"On real article text ({count} saved pages of ../shared, cleaned, {size * 1000:.0f} KB,"
        f" {density:.1f} figures/KB): ours {rate:.2f} MB/s{against}  (context, not a target:"
        " the annotated sentences above were chosen for their figures)"
    )


def format_duckling(ours: float, duckling: float | None, size: float) -> str:
    """Our rate against Duckling's on the same texts (both measured in this run)."""
    if duckling is None:
        return (
            "Against Duckling: not measured (pip install pyduckling-native-phihos)"
            f"  target >= {MIN_DUCKLING_RATIO:.0f}x"
        )
    ratio = ours / duckling if duckling else float("inf")
    ok = "OK" if ratio >= MIN_DUCKLING_RATIO else "MISSED"
    return (
        f"Against Duckling (time, number, money, quantity, distance, ordinal) on the same"
        f" {size:.2f} MB: ours {ours:.2f} MB/s, Duckling {duckling:.3f} MB/s ="
        f" {ratio:.1f}x  target >= {MIN_DUCKLING_RATIO:.0f}x {ok}"
    )


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
        "== Annotated set (tests/annotated; used while tuning the extractors) ==",
        "",
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


def format_heldout(held: HeldoutReport, max_issues: int = 40) -> str:
    report = held.report
    lines = [
        f"== Held-out: sample site, recall only (tests/sample_site/{HELDOUT_SITE}) ==",
        "",
        f"{held.articles} articles cleaned as the pipeline does; expected.json lists a few"
        " figures and dates per article, so precision is not measured.",
        "",
    ]
    for name in METRICS:
        c = report.metrics[name]
        lines.append(f"{name:<22} R {c.recall:6.3f}  (found {c.tp} of {c.gold})")
    nff = len(held.false_figures)
    lines.append(
        f"{'false figures':<22} {nff} inside not_figures ({held.not_figures} strings,"
        f" {held.not_figure_occurrences} occurrences)"
    )
    if report.errors:
        lines += ["", f"Extractor errors ({len(report.errors)}):"]
        lines += [f"  {e.record}: {e.detail}" for e in report.errors[:max_issues]]
    if held.unlocated:
        lines += ["", f"not_figures absent from the cleaned text ({len(held.unlocated)}):"]
        lines += [f"  {i.record}: {i.text!r}" for i in held.unlocated]
    if held.false_figures:
        lines += ["", f"False figures inside not_figures ({nff}):"]
        lines += [f"  {i.record}: {i.text!r} -> {i.detail}" for i in held.false_figures]
    misses = held.misses
    lines += ["", f"Misses ({len(misses)}, first {max_issues}):"]
    for issue in misses[:max_issues]:
        lines.append(f"  {issue.record} {issue.what}: {issue.text!r}  {issue.detail}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--errors", type=int, default=40, help="issues to list (default 40)")
    parser.add_argument("--mb", type=float, default=3.0, help="MB of text for the speed run")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput run")
    parser.add_argument(
        "--duckling-mb",
        type=float,
        default=0.3,
        help="MB of the speed texts timed against Duckling, which is slow (default 0.3; 0 skips)",
    )
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
        texts = speed_corpus(records, args.mb)
        size, seconds = measure_speed(texts, extractors)
        rate = size / seconds if seconds else float("inf")
        density = figures_per_kb(texts[:200], extractors)
        print("\n" + format_speed(rate, size, seconds, density))
        real = real_article_texts(DEFAULT_SHARED)
        if real:
            real_size, real_seconds = measure_small_speed(real, extractors)
            real_density = figures_per_kb(real, extractors)
            rate = real_size / real_seconds
            # Five passes over the few pages, so that the two take turns a dozen times.
            duck = against_duckling(real * 5, extractors) if args.duckling_mb > 0 else None
            # Duckling's rate is ours scaled by the ratio of the two timed in turn: a few
            # pages are too little text for one pass of ours to time on its own.
            real_duckling = None if duck is None or not duck[2] else rate * duck[1] / duck[2]
            print(format_real_speed(rate, real_size, len(real), real_density, real_duckling))
        if args.duckling_mb > 0:
            sample = first_megabytes(texts, args.duckling_mb)
            duck = against_duckling(sample, extractors)
            if duck is None:
                print(format_duckling(0.0, None, 0.0))
            else:
                sample_size, ours_seconds, duck_seconds = duck
                print(
                    format_duckling(
                        _rate(sample_size, ours_seconds),
                        _rate(sample_size, duck_seconds),
                        sample_size,
                    )
                )
    print()
    if (SAMPLE_SITE_DIR / HELDOUT_SITE / "expected.json").is_file():
        print(format_heldout(evaluate_heldout(extractors=extractors), args.errors))
    else:
        print(f"held-out: no sample site at {SAMPLE_SITE_DIR / HELDOUT_SITE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
