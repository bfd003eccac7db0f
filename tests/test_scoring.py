"""The scorer on small hand-made cases (bench/scoring.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bench.scoring import (
    AnnotationError,
    Prediction,
    find_whole_words,
    locate,
    parse_record,
    period_bounds,
    same_number,
    score,
    span_of,
)
from transforms.models import DateMention, Figure, Period


def fig(text: str, sentence: str, value, unit=None, occurrence: int = 1, **kw) -> Figure:
    start, end = locate(sentence, text, occurrence)
    return Figure(text=text, start=start, end=end, value=value, unit=unit, unit_text=unit, **kw)


def mention(text: str, sentence: str, value: str, grain: str, value_to=None) -> DateMention:
    start, end = locate(sentence, text)
    first, _ = period_bounds(value)
    _, last = period_bounds(value_to or value)
    return DateMention(text, start, end, value, grain, first, last, value_to=value_to)


def record(text, figures=(), dates=(), tags=(), rid="r1", published="2021-12-20"):
    return parse_record(
        {
            "id": rid,
            "published": published,
            "text": text,
            "figures": list(figures),
            "dates": list(dates),
            "tags": list(tags),
        }
    )


def gold(text, value, unit, **kw):
    return {"text": text, "value": value, "unit": unit, **kw}


# --------------------------------------------------------------------------- locating


def test_whole_word_match_skips_longer_numbers():
    text = "Thu 12 tấn cá và 2 tấn tôm, tổng 3.959 người và 959 người khác."
    assert find_whole_words(text, "2 tấn") == [text.index("2 tấn tôm")]
    assert find_whole_words(text, "959 người") == [text.index("959 người khác")]


def test_occurrence_picks_the_nth_whole_word_match():
    text = "Xã A có 5 hộ, xã B có 15 hộ, xã C có 5 hộ."
    first, second = find_whole_words(text, "5 hộ")
    assert locate(text, "5 hộ", 2) == (second, second + 4)
    assert first < second


def test_missing_surface_text_is_an_annotation_error():
    with pytest.raises(AnnotationError):
        record("Có 12 hộ.", figures=[gold("2 hộ", 2, "hộ")])


def test_range_date_value_is_split_into_value_and_value_to():
    r = record(
        "Giai đoạn 2021-2025 tỉnh phát triển.",
        dates=[
            {
                "text": "Giai đoạn 2021-2025",
                "value": {"from": "2021", "to": "2025"},
                "grain": "year",
            }
        ],
    )
    assert (r.dates[0].value, r.dates[0].value_to) == ("2021", "2025")


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021-H2", date(2021, 7, 1), date(2021, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2021-W50", date(2021, 12, 13), date(2021, 12, 19)),
        ("2021-12-18", date(2021, 12, 18), date(2021, 12, 18)),
    ],
)
def test_period_bounds_by_grain(value, first, last):
    assert period_bounds(value) == (first, last)


def test_span_of_a_range_runs_from_first_to_last_period():
    assert span_of({"from": "2021-01", "to": "2021-09"}) == (date(2021, 1, 1), date(2021, 9, 30))


def test_same_number_is_relative():
    assert same_number(0.1 + 0.2, 0.3)
    assert same_number(1_500_000_000, 1.5e9)
    assert not same_number(3959, 3959.01)
    assert not same_number(None, 0)


# --------------------------------------------------------------------------- figures

TEXT = "Năm 2021, huyện có 84 tổ/498 người tham gia, thu khoảng 1,5 tỷ đồng."
GOLD = [
    gold("84 tổ", 84, "tổ", group="g1", period="2021"),
    gold("498 người", 498, "người", group="g1", period="2021"),
    gold("1,5 tỷ đồng", 1_500_000_000, "VND", qualifier="approx", period="2021"),
]
YEAR = Period("2021", "year", date(2021, 1, 1), date(2021, 12, 31), "sentence", "Năm 2021")


def test_perfect_prediction_scores_one():
    preds = [
        fig("84 tổ", TEXT, 84, "tổ", group=1, period=YEAR),
        fig("498 người", TEXT, 498, "người", group=1, period=YEAR),
        fig("1,5 tỷ đồng", TEXT, 1_500_000_000, "VND", qualifier="approx", period=YEAR),
    ]
    report = score([record(TEXT, GOLD)], {"r1": Prediction(preds)})
    for name in ("figures.value", "figures.value+unit"):
        counts = report.metrics[name]
        assert (counts.tp, counts.predicted, counts.gold) == (3, 3, 3)
        assert counts.f1 == 1.0
    assert report.issues == []
    assert all(report.secondary[s].rate == 1.0 for s in ("qualifier", "group", "period"))


def test_wrong_unit_counts_for_value_but_not_value_unit():
    preds = [fig("84 tổ", TEXT, 84, "tổ/498")]
    report = score([record(TEXT, GOLD[:1])], {"r1": Prediction(preds)})
    assert report.metrics["figures.value"].tp == 1
    assert report.metrics["figures.value+unit"].tp == 0
    assert [i.what for i in report.issues] == ["wrong unit"]


def test_wrong_value_is_both_a_false_positive_and_a_miss():
    preds = [fig("1,5 tỷ đồng", TEXT, 1.5, "VND")]
    report = score([record(TEXT, GOLD[2:])], {"r1": Prediction(preds)})
    counts = report.metrics["figures.value"]
    assert (counts.tp, counts.precision, counts.recall) == (0, 0.0, 0.0)
    assert [i.what for i in report.issues] == ["wrong value"]


def test_partial_overlap_matches():
    text = "Có khoảng 500 người tham dự."
    pred = fig("khoảng 500 người tham dự", text, 500, "người")
    report = score([record(text, [gold("500 người", 500, "người")])], {"r1": Prediction([pred])})
    assert report.metrics["figures.value+unit"].f1 == 1.0


def test_duplicate_predictions_on_one_gold_leave_one_false_positive():
    text = "Thu giữ 3,2 kg ma túy."
    preds = [fig("3,2 kg", text, 3.2, "kg"), fig("3,2", text, 3.2, None)]
    report = score([record(text, [gold("3,2 kg", 3.2, "kg")])], {"r1": Prediction(preds)})
    counts = report.metrics["figures.value+unit"]
    assert (counts.tp, counts.predicted, counts.gold) == (1, 2, 1)
    assert counts.precision == 0.5
    assert [i.what for i in report.issues] == ["false figure"]


def test_one_prediction_spanning_two_golds_matches_the_agreeing_one():
    pred = fig("84 tổ/498 người", TEXT, 498, "người")
    report = score([record(TEXT, GOLD[:2])], {"r1": Prediction([pred])})
    assert report.metrics["figures.value+unit"].tp == 1
    assert [(i.what, i.text) for i in report.issues] == [("missed figure", "84 tổ")]


def test_non_overlapping_prediction_is_a_miss_and_a_false_positive():
    pred = fig("2021", TEXT, 2021, None)
    report = score([record(TEXT, GOLD[:1])], {"r1": Prediction([pred])})
    assert report.metrics["figures.value"].tp == 0
    assert sorted(i.what for i in report.issues) == ["false figure", "missed figure"]


def test_range_needs_both_ends():
    text = "Mỗi con bò cho 10 - 15 lít sữa."
    g = [gold("10 - 15 lít", 10, "lít", value_max=15, qualifier="range")]
    right = fig("10 - 15 lít", text, 10, "lít", value_max=15, qualifier="range")
    low_only = fig("10 - 15 lít", text, 10, "lít")
    assert score([record(text, g)], {"r1": Prediction([right])}).metrics["figures.value"].tp == 1
    assert score([record(text, g)], {"r1": Prediction([low_only])}).metrics["figures.value"].tp == 0


def test_group_accuracy_compares_co_membership():
    split = [
        fig("84 tổ", TEXT, 84, "tổ", group=1),
        fig("498 người", TEXT, 498, "người", group=2),
    ]
    report = score([record(TEXT, GOLD[:2])], {"r1": Prediction(split)})
    assert report.secondary["group"].rate == 0.0
    wrong_groups = [i.text for i in report.secondary_issues if i.what == "wrong group"]
    assert wrong_groups == ["84 tổ", "498 người"]


def test_period_accuracy_uses_covered_days_and_null_means_published():
    text = "Năm 2021 thu 5 tỷ đồng. Có 12 hộ."
    golds = [gold("5 tỷ đồng", 5e9, "VND", period="2021"), gold("12 hộ", 12, "hộ")]
    published = Period("2021-12-20", "day", date(2021, 12, 20), date(2021, 12, 20), "published")
    preds = [
        fig("5 tỷ đồng", text, 5e9, "VND", period=YEAR),
        fig("12 hộ", text, 12, "hộ", period=published),
    ]
    assert score([record(text, golds)], {"r1": Prediction(preds)}).secondary["period"].rate == 1
    wrong = [
        fig("5 tỷ đồng", text, 5e9, "VND", period=published),
        fig("12 hộ", text, 12, "hộ", period=YEAR),
    ]
    assert score([record(text, golds)], {"r1": Prediction(wrong)}).secondary["period"].rate == 0


def test_no_predictions_gives_zero_recall_and_f1():
    report = score([record(TEXT, GOLD)], {"r1": Prediction()})
    counts = report.metrics["figures.value"]
    assert (counts.recall, counts.f1) == (0.0, 0.0)
    assert len([i for i in report.issues if i.what == "missed figure"]) == 3


def test_extractor_error_is_reported_and_scores_as_no_prediction():
    report = score([record(TEXT, GOLD)], {"r1": Prediction(error="ValueError: boom")})
    assert [e.detail for e in report.errors] == ["ValueError: boom"]
    assert report.metrics["figures.value"].tp == 0


# --------------------------------------------------------------------------- dates

DTEXT = "Sáng 18/12, từ ngày 15 - 20/12 đoàn làm việc."
DGOLD = [
    {"text": "Sáng 18/12", "value": "2021-12-18", "grain": "day"},
    {
        "text": "từ ngày 15 - 20/12",
        "value": {"from": "2021-12-15", "to": "2021-12-20"},
        "grain": "day",
    },
]


def test_dates_compare_value_grain_and_both_range_ends():
    right = [
        mention("Sáng 18/12", DTEXT, "2021-12-18", "day"),
        mention("ngày 15 - 20/12", DTEXT, "2021-12-15", "day", value_to="2021-12-20"),
    ]
    report = score([record(DTEXT, dates=DGOLD)], {"r1": Prediction(dates=right)})
    assert report.metrics["dates.value+grain"].f1 == 1.0

    wrong = [
        mention("18/12", DTEXT, "2021-12", "month"),
        mention("ngày 15 - 20/12", DTEXT, "2021-12-15", "day"),
    ]
    report = score([record(DTEXT, dates=DGOLD)], {"r1": Prediction(dates=wrong)})
    assert report.metrics["dates.value+grain"].tp == 0
    assert [i.what for i in report.issues] == ["wrong date", "wrong date"]


# --------------------------------------------------------------------------- negatives and tags


def test_figures_on_negatives_are_counted_apart_and_their_dates_still_score():
    text = "Sáng 5/1/2023, Đại tá Lê Văn A gọi 113."
    neg = record(
        text,
        dates=[{"text": "Sáng 5/1/2023", "value": "2023-01-05", "grain": "day"}],
        tags=["negative", "rank"],
        rid="n1",
    )
    pos = record(TEXT, GOLD[:1], tags=["compound"], rid="p1")
    preds = {
        "n1": Prediction(
            figures=[fig("113", text, 113, None)],
            dates=[mention("Sáng 5/1/2023", text, "2023-01-05", "day")],
        ),
        "p1": Prediction([fig("84 tổ", TEXT, 84, "tổ")]),
    }
    report = score([neg, pos], preds)
    assert [f.text for f in report.false_figures] == ["113"]
    assert report.false_figures_by_tag == {"negative": 1, "rank": 1}
    assert report.metrics["figures.value"].predicted == 1  # the negative's figure is apart
    assert report.metrics["dates.value+grain"].tp == 1
    assert report.by_tag["compound"]["figures.value"].tp == 1
    assert report.by_tag["rank"]["dates.value+grain"].tp == 1
