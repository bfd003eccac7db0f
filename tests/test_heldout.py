"""Held-out extraction quality on the offline sample site (bench/extraction.py, part 2).

The sample site's expected.json was written independently of the extractors, but lists
only a few figures and dates per article, so only recall is held to a floor (a few points
under the rates measured when this test landed), plus the figures found inside the
strings it lists as ``not_figures``.
"""

from __future__ import annotations

import pytest

from bench.extraction import (
    HeldoutArticle,
    evaluate_heldout,
    figures_inside_not_figures,
    load_extractors,
    load_heldout,
)
from bench.scoring import Prediction, locate, parse_record
from transforms.models import Figure

RECALL_FLOORS = {"figures.value": 0.97, "figures.value+unit": 0.96, "dates.value+grain": 0.97}
# Was 7 (switchboard numbers written "0238.3 844 612") until the phone pattern took any
# grouping after a leading 0. Never raise it without a recorded reason.
MAX_FALSE_FIGURES_IN_NOT_FIGURES = 0


@pytest.fixture(scope="module")
def articles() -> list[HeldoutArticle]:
    return load_heldout()  # raises if a gold mention is not in its cleaned text


@pytest.fixture(scope="module")
def held(articles):
    # no skip: a broken import in the extractors must fail these tests
    return evaluate_heldout(articles, load_extractors())


def _listing(issues) -> str:
    return "\n".join(f"{i.record} {i.what} {i.text!r} {i.detail}" for i in issues)


def test_every_article_is_read_with_gold(articles):
    assert len(articles) >= 20
    assert sum(len(a.gold.figures) for a in articles) >= 100
    assert sum(len(a.gold.dates) for a in articles) >= 40
    assert sum(len(a.not_figures) for a in articles) >= 40


@pytest.mark.parametrize("metric", list(RECALL_FLOORS))
def test_recall_stays_above_floor(held, metric):
    recall = held.recall(metric)
    assert recall >= RECALL_FLOORS[metric], f"{metric} R {recall:.3f}\n{_listing(held.misses)}"


def test_false_figures_inside_not_figures_stay_under_ceiling(held):
    found = len(held.false_figures)
    assert found <= MAX_FALSE_FIGURES_IN_NOT_FIGURES, _listing(held.false_figures)


def test_every_not_figure_is_in_the_cleaned_text(held):
    assert not held.unlocated, _listing(held.unlocated)


def test_extractors_do_not_raise(held):
    assert not held.report.errors, _listing(held.report.errors)


# --------------------------------------------------------------------------- the check itself


def _figure(text: str, phrase: str, value: int, occurrence: int = 1) -> Figure:
    start, end = locate(text, phrase, occurrence)
    return Figure(text=phrase, start=start, end=end, value=value, unit=None, unit_text=None)


def test_a_figure_counts_as_false_only_inside_a_not_figure():
    text = "Xóm 5 có 40 hộ. Gọi số 0238.3 111 222 để hỏi; xóm 5 ở gần."
    gold = parse_record({"id": "x", "published": "2024-01-02", "text": text})
    article = HeldoutArticle(gold, ("xóm 5", "0238.3 111 222", "Điều 9"))
    predicted = [
        _figure(text, "5", 5),  # in "Xóm 5": not the listed (lower-case) string
        _figure(text, "40 hộ", 40),
        _figure(text, "111", 111),
        _figure(text, "222 để", 222),  # runs out of the phone number
        _figure(text, "5", 5, occurrence=2),
    ]
    false, unlocated, occurrences = figures_inside_not_figures(
        [article], {"x": Prediction(figures=predicted)}
    )
    assert [(i.text, i.detail) for i in false] == [
        ("5", "5 None inside 'xóm 5'"),
        ("111", "111 None inside '0238.3 111 222'"),
    ]
    assert [i.text for i in unlocated] == ["Điều 9"]
    assert occurrences == 2
