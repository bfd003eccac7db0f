"""Indicator keys: wordings of one measure group together; non-phrases are rejected."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.figures import extract_figures
from transforms.indicators import indicator_key, starter_indicators


@pytest.mark.parametrize(
    ("a", "b", "unit"),
    [
        ("thu ngân sách", "thu ngân sách nhà nước", "VND"),
        ("Tổng thu ngân sách nhà nước trên địa bàn tỉnh Nghệ An", "thu ngân sách", "VND"),
        ("tổ tự quản đường biên, mốc giới", "tổ tự quản đường biên giới, mốc quốc giới", "tổ"),
        ("Tăng trưởng GRDP", "Tốc độ tăng trưởng GRDP", "%"),
        ("Kim ngạch xuất khẩu", "xuất khẩu", "USD"),
        ("tỉ lệ hộ nghèo", "Tỷ lệ hộ nghèo", "%"),
        ("sản lượng lúa", "lúa sản lượng", "tấn"),  # word order
    ],
)
def test_wordings_of_one_measure_share_a_key(a: str, b: str, unit: str) -> None:
    assert indicator_key(a, unit) is not None
    assert indicator_key(a, unit) == indicator_key(b, unit)


@pytest.mark.parametrize(
    "phrase", ["|", "- -", "có chiều dài", "so với", "trở lên trong năm", "Hà Giang cũ", "dự toán"]
)
def test_non_phrases_are_rejected(phrase: str) -> None:
    assert indicator_key(phrase, "%") is None


def test_the_counted_noun_names_an_empty_phrase() -> None:
    assert indicator_key("toàn tỉnh đón", "lượt khách") == "khách lượt"
    assert indicator_key("Lượt khách du lịch", "lượt khách") is not None


def test_the_starter_set_covers_the_common_indicators() -> None:
    names = {s.indicator for s in starter_indicators()}
    assert {
        "budget_revenue", "grdp_growth", "exports", "fdi", "tourists", "poverty_rate",
        "rice_output", "new_rural_communes",
    } <= names  # fmt: skip
    keys = {(s.key, s.unit) for s in starter_indicators()}
    assert (indicator_key("thu ngân sách nhà nước", "VND"), "VND") in keys


def test_figures_carry_their_key() -> None:
    (figure,) = extract_figures("Tổng thu ngân sách nhà nước đạt 1.500 tỷ đồng.", date(2023, 5, 1))
    assert figure.indicator_key == indicator_key("thu ngân sách", "VND")


@pytest.mark.parametrize(
    ("text", "numerator", "denominator", "unit"),
    [
        ("Đến nay có 12/15 xã đạt chuẩn nông thôn mới.", 12, 15, "xã"),
        ("Xã đã đạt 19/19 tiêu chí.", 19, 19, "tiêu chí"),
        ("Tỉnh có 3/5 huyện đạt chuẩn.", 3, 5, "huyện"),
        ("Toàn tỉnh 7/7 huyện hoàn thành.", 7, 7, "huyện"),
    ],
)
def test_shares_of_a_whole_are_figures_not_dates(text, numerator, denominator, unit) -> None:
    from transforms.dates import extract_dates

    assert extract_dates(text, date(2023, 5, 1)) == []
    (figure,) = extract_figures(text, date(2023, 5, 1))
    assert (figure.value, figure.numerator, figure.denominator, figure.unit) == (
        numerator, numerator, denominator, unit,
    )  # fmt: skip
    assert figure.share == pytest.approx(numerator / denominator)


def test_dates_and_plain_slashes_are_not_shares() -> None:
    figures = extract_figures("Ngày 1/7/2023, tỷ lệ 1/2 và mã 15/2021/NĐ-CP.", date(2023, 8, 1))
    assert all(f.denominator is None for f in figures)


def test_a_figure_takes_the_period_of_its_own_sentence() -> None:
    text = (
        "Quý III/2021, kim ngạch xuất khẩu đạt 250 triệu USD. "
        "Từ ngày 1/7 đến 15/7/2023, tỉnh đón 20.000 lượt khách."
    )
    first, second = extract_figures(text, date(2023, 8, 1))
    assert (first.value, first.period.value, first.period.rule) == (
        250_000_000,
        "2021-Q3",
        "sentence",
    )
    assert second.period.value.startswith("2023-07")
