"""Tests for transforms.dates: Vietnamese date mentions and their resolution."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from pathlib import Path

import pytest

from transforms.dates import extract_dates
from transforms.models import to_json_dict
from transforms.periods import period_end, period_start, period_value, shift

REF = date(2021, 12, 20)  # a Monday


def found(text: str, reference: date = REF, **kw) -> list[tuple[str, object, str]]:
    """(mention text, JSON value, grain) for every mention, checking offsets on the way."""
    mentions = extract_dates(text, reference, **kw)
    for m in mentions:
        assert text[m.start : m.end] == m.text
    return [(m.text, m.json_value(), m.grain) for m in mentions]


def only(text: str, reference: date = REF, **kw) -> tuple[str, object, str]:
    result = found(text, reference, **kw)
    assert len(result) == 1, result
    return result[0]


# --------------------------------------------------------------------------- full dates


@pytest.mark.parametrize(
    ("text", "mention", "value"),
    [
        ("Hạn chót nộp hồ sơ là 30/11/2020.", "30/11/2020", "2020-11-30"),
        ("Văn bản ký ngày 07-03-2019 có hiệu lực ngay.", "ngày 07-03-2019", "2019-03-07"),
        ("Lễ khánh thành dự kiến vào 2.9.2024.", "2.9.2024", "2024-09-02"),
        ("Ông sinh ngày 5 tháng 6 năm 1958 tại xã.", "ngày 5 tháng 6 năm 1958", "1958-06-05"),
        ("Trận lũ lịch sử xảy ra ngày 16/10/2010.", "ngày 16/10/2010", "2010-10-16"),
        ("Bản tin phát hành 3/3/17 trên trang.", "3/3/17", "2017-03-03"),
        ("ngày mồng 3 tháng 3 năm 2017", "ngày mồng 3 tháng 3 năm 2017", "2017-03-03"),
        ("Thứ Tư, 07/01/2015 | 22:34", "Thứ Tư, 07/01/2015", "2015-01-07"),
        ("Khai trương 9 Tháng 1 2015 lúc 15:08", "9 Tháng 1 2015", "2015-01-09"),
    ],
)
def test_full_dates(text: str, mention: str, value: str) -> None:
    assert only(text) == (mention, value, "day")


# --------------------------------------------------------------------------- partial dates


@pytest.mark.parametrize(
    ("text", "mention", "value"),
    [
        ("Sáng 18/12, tỉnh tổ chức hội nghị tổng kết.", "Sáng 18/12", "2021-12-18"),
        ("Chiều 5/1, đoàn công tác đến thăm xã.", "Chiều 5/1", "2021-01-05"),
        ("Tối 20-11, nhà trường tổ chức giao lưu.", "Tối 20-11", "2021-11-20"),
        ("Đêm 3/2, mưa lớn gây ngập cục bộ.", "Đêm 3/2", "2021-02-03"),
        ("Trưa 12/12, xe khách gặp nạn trên đèo.", "Trưa 12/12", "2021-12-12"),
        ("Rạng sáng 9/12, lực lượng biên phòng bắt giữ.", "Rạng sáng 9/12", "2021-12-09"),
        ("Ngày 8-1, công an huyện tiếp nhận tin báo.", "Ngày 8-1", "2021-01-08"),
        ("Tính đến hết 15/12, toàn tỉnh đã tiêm đủ.", "15/12", "2021-12-15"),
        ("sáng ngày 14/12 tại hội trường", "sáng ngày 14/12", "2021-12-14"),
        ("hôm 11/12 sau khi tan ca", "hôm 11/12", "2021-12-11"),
    ],
)
def test_partial_days_resolve_to_the_latest_past_year(text: str, mention: str, value: str) -> None:
    assert only(text) == (mention, value, "day")


def test_weekday_prefix_is_part_of_the_mention() -> None:
    ref = date(2023, 12, 20)
    assert only("Thứ Hai, 18/12, hội nghị khai mạc.", ref) == (
        "Thứ Hai, 18/12",
        "2023-12-18",
        "day",
    )
    assert only("Chủ nhật (7/1) đoàn lên đường.", date(2024, 1, 10)) == (
        "Chủ nhật (7/1)",
        "2024-01-07",
        "day",
    )
    assert only("sáng thứ Bảy 16/12 tại nhà văn hóa", ref)[1] == "2023-12-16"


def test_weekday_chooses_the_year_whose_calendar_agrees() -> None:
    # 18/12 fell on a Monday in 2023; without the weekday the past rule would keep 2024.
    assert only("Thứ Hai, 18/12", date(2024, 12, 25))[1] == "2023-12-18"
    assert only("ngày 18/12", date(2024, 12, 25))[1] == "2024-12-18"


# --------------------------------------------------------------------------- year rule


def test_resolution_across_the_new_year() -> None:
    assert only("Sáng 28/12, lễ ra quân diễn ra.", date(2022, 1, 5))[1] == "2021-12-28"
    assert only("Ngày 25/12 tới, nhà thờ mở cửa đón khách.", REF)[1] == "2021-12-25"
    assert only("Ngày 5/1 tới, trường khai giảng học kỳ hai.", REF)[1] == "2022-01-05"
    assert only("Ngày 5/1, trường khai giảng học kỳ hai.", REF)[1] == "2021-01-05"


def test_future_markers_in_the_sentence() -> None:
    assert only("Hội nghị sẽ khai mạc vào ngày 5/1.", REF)[1] == "2022-01-05"
    assert only("Dự kiến, ngày 10/1 tuyến đường thông xe.", REF)[1] == "2022-01-10"
    assert only("Ngày 10/1, tuyến đường sẽ thông xe.", REF)[1] == "2022-01-10"
    # a marker in a later clause does not reach back
    assert found("Công trình khởi công ngày 10/1, dự kiến xong vào quý III.", REF)[0][1] == (
        "2021-01-10"
    )
    # a plan named by its number is a document, not a marker
    assert only("Kế hoạch số 12/KH-UBND ngày 10/1 của huyện", REF)[1] == "2021-01-10"


def test_unmarked_dates_are_not_in_the_future() -> None:
    # one day of grace for publication dates a few hours off the local day
    assert only("Lễ hội diễn ra ngày 21/12 tại quảng trường.", REF)[1] == "2021-12-21"
    # beyond it an unmarked date is last year's (the contract rule) ...
    assert only("Lễ hội diễn ra ngày 25/12 tại quảng trường.", REF)[1] == "2020-12-25"
    # ... and a past-tense sentence gets no grace at all
    assert only("Lễ hội đã diễn ra ngày 21/12 tại quảng trường.", REF)[1] == "2020-12-21"


def test_past_suffix_overrides_grace() -> None:
    assert only("ngày 21/12 vừa qua", REF) == ("ngày 21/12 vừa qua", "2020-12-21", "day")


def test_prefer_future() -> None:
    assert only("tháng 6", date(2017, 2, 2), prefer="future")[1] == "2017-06"
    assert only("tháng 6", date(2017, 2, 2))[1] == "2016-06"
    assert only("quý 3", date(2017, 2, 2), prefer="future")[1] == "2017-Q3"


def test_year_taken_from_an_earlier_date_in_the_paragraph() -> None:
    text = "Ngày 2/9/1945, bản tuyên ngôn được đọc. Đến ngày 19/12, cả nước kháng chiến."
    assert [v for _, v, _ in found(text)] == ["1945-09-02", "1945-12-19"]
    # a new paragraph starts afresh
    text = "Ngày 2/9/1945, bản tuyên ngôn được đọc.\nSáng 18/12, tỉnh họp."
    assert [v for _, v, _ in found(text)] == ["1945-09-02", "2021-12-18"]


# --------------------------------------------------------------------------- months, quarters


@pytest.mark.parametrize(
    ("text", "mention", "value", "grain"),
    [
        ("Trong tháng 12/2021, toàn tỉnh thu hút", "tháng 12/2021", "2021-12", "month"),
        ("vào tháng 11 năm 2020 khi mưa lũ", "tháng 11 năm 2020", "2020-11", "month"),
        ("từ tháng 3-2019 đã đi vào hoạt động", "tháng 3-2019", "2019-03", "month"),
        ("Hồi tháng Mười hai, giá lúa tăng.", "tháng Mười hai", "2021-12", "month"),
        ("Tháng 10 vừa qua, lượng khách giảm.", "Tháng 10 vừa qua", "2021-10", "month"),
        ("đến cuối tháng 11, toàn tỉnh", "cuối tháng 11", "2021-11", "month"),
        ("Tháng 8/1972, những người lính", "Tháng 8/1972", "1972-08", "month"),
        ("Kết quả quý III/2021 khả quan.", "quý III/2021", "2021-Q3", "quarter"),
        ("tăng trưởng quý I năm 2022 đạt", "quý I năm 2022", "2022-Q1", "quarter"),
        ("sản lượng quý IV-2020 giảm", "quý IV-2020", "2020-Q4", "quarter"),
        ("Trong quý 3, nhà máy", "quý 3", "2021-Q3", "quarter"),
        ("nhiệm vụ quý I tới", "quý I tới", "2022-Q1", "quarter"),
        ("6 tháng đầu năm 2022, thu ngân sách", "6 tháng đầu năm 2022", "2022-H1", "half"),
        ("Nhiệm vụ 6 tháng cuối năm rất nặng.", "6 tháng cuối năm", "2021-H2", "half"),
        ("nửa đầu năm 2025 tăng mạnh", "nửa đầu năm 2025", "2025-H1", "half"),
        ("3 tháng đầu năm, doanh thu", "3 tháng đầu năm", "2021-Q1", "quarter"),
    ],
)
def test_months_quarters_halves(text: str, mention: str, value: str, grain: str) -> None:
    assert only(text) == (mention, value, grain)


def test_first_months_of_a_year_are_a_range() -> None:
    assert only("9 tháng năm 2021, tỉnh thu hút 20 dự án.") == (
        "9 tháng năm 2021",
        {"from": "2021-01", "to": "2021-09"},
        "month",
    )
    assert only("11 tháng đầu năm nay") == (
        "11 tháng đầu năm nay",
        {"from": "2021-01", "to": "2021-11"},
        "month",
    )


# --------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("text", "mention", "value"),
    [
        ("Năm 2021, huyện hoàn thành các chỉ tiêu.", "Năm 2021", "2021"),
        ("kế hoạch năm 2022 đã được giao", "năm 2022", "2022"),
        ("kể từ năm 1979 đến giờ", "năm 1979", "1979"),
        ("so với cùng kỳ năm trước", "cùng kỳ năm trước", "2020"),
        ("so với cùng kỳ năm 2019", "cùng kỳ năm 2019", "2019"),
        ("Năm ngoái, mưa lũ kéo dài.", "Năm ngoái", "2020"),
        ("năm nay thời tiết thuận lợi", "năm nay", "2021"),
        ("Năm tới, tỉnh phấn đấu", "Năm tới", "2022"),
        ("từ đầu năm, giá tăng", "đầu năm", "2021"),
        ("Tầm nhìn đến 2030, tỉnh sẽ", "2030", "2030"),
        ("hội nghị tổng kết cuối năm 2021", "cuối năm 2021", "2021"),
    ],
)
def test_years(text: str, mention: str, value: str) -> None:
    assert only(text) == (mention, value, "year")


@pytest.mark.parametrize(
    ("text", "mention", "first", "last"),
    [
        ("Nghị quyết giai đoạn 2021-2025 đặt mục tiêu", "giai đoạn 2021-2025", "2021", "2025"),
        ("Đại hội nhiệm kỳ 2020 - 2025 thành công", "nhiệm kỳ 2020 - 2025", "2020", "2025"),
        ("khai giảng năm học 2023-2024", "năm học 2023-2024", "2023", "2024"),
        ("trong năm 2021-2022 tỉnh", "năm 2021-2022", "2021", "2022"),
        ("kỷ niệm 30 năm thành lập (1995-2025)", "1995-2025", "1995", "2025"),
        ("từ năm 2015 đến năm 2020, toàn tỉnh", "từ năm 2015 đến năm 2020", "2015", "2020"),
    ],
)
def test_year_ranges(text: str, mention: str, first: str, last: str) -> None:
    assert only(text) == (mention, {"from": first, "to": last}, "year")


# --------------------------------------------------------------------------- relative


@pytest.mark.parametrize(
    ("text", "value", "grain"),
    [
        ("hôm nay", "2021-12-20", "day"),
        ("hôm qua", "2021-12-19", "day"),
        ("ngày hôm kia", "2021-12-18", "day"),
        ("ngày mai", "2021-12-21", "day"),
        ("sáng nay", "2021-12-20", "day"),
        ("tối qua", "2021-12-19", "day"),
        ("chiều mai", "2021-12-21", "day"),
        ("tuần trước", "2021-W50", "week"),
        ("tuần này", "2021-W51", "week"),
        ("tuần tới", "2021-W52", "week"),
        ("tháng trước", "2021-11", "month"),
        ("tháng này", "2021-12", "month"),
        ("tháng sau", "2022-01", "month"),
        ("quý này", "2021-Q4", "quarter"),
        ("năm ngoái", "2020", "year"),
        ("năm trước", "2020", "year"),
        ("năm tới", "2022", "year"),
        ("10 năm trước", "2011", "year"),
        ("cách đây 3 tháng", "2021-09", "month"),
        ("sau 5 năm nữa", "2026", "year"),
    ],
)
def test_relative_expressions(text: str, value: str, grain: str) -> None:
    assert only(f"Theo ông, {text}, tình hình ổn định.") == (text, value, grain)


def test_relative_day_with_its_date_in_brackets() -> None:
    assert only("Sáng nay (18/12), đoàn đến xã.", date(2021, 12, 18)) == (
        "Sáng nay (18/12)",
        "2021-12-18",
        "day",
    )
    # the bracketed date decides, the relative word only picks the year
    assert only("Hôm qua (31/12), trời rét.", date(2022, 1, 1))[1] == "2021-12-31"


def test_elapsed_periods_and_counts() -> None:
    # "năm qua" late in the year is this year; early in the year the one just ended
    assert only("Năm qua, ngành y tế đã nỗ lực.", REF)[1] == "2021"
    assert only("Năm qua, ngành y tế đã nỗ lực.", date(2022, 1, 10))[1] == "2021"
    assert only("Trong 5 năm qua, tỉnh xây 40 trường.", REF) == (
        "5 năm qua",
        {"from": "2016", "to": "2020"},
        "year",
    )
    assert only("3 tháng tới", date(2017, 2, 2))[1] == {"from": "2017-03", "to": "2017-05"}


def test_weekdays_without_a_date() -> None:
    assert only("Sáng thứ Năm tuần trước, đoàn kiểm tra.") == (
        "Sáng thứ Năm tuần trước",
        "2021-12-16",
        "day",
    )
    assert only("vào thứ Sáu tới") == ("thứ Sáu tới", "2021-12-24", "day")
    assert only("Chủ nhật vừa qua") == ("Chủ nhật vừa qua", "2021-12-19", "day")


# --------------------------------------------------------------------------- ranges & lists


@pytest.mark.parametrize(
    ("text", "mention", "first", "last", "grain"),
    [
        ("từ ngày 15 - 20/12 tại", "từ ngày 15 - 20/12", "2021-12-15", "2021-12-20", "day"),
        ("Từ 15/12 đến 20/12, đoàn", "Từ 15/12 đến 20/12", "2021-12-15", "2021-12-20", "day"),
        ("từ 28/12 đến 3/1 tới", "từ 28/12 đến 3/1 tới", "2021-12-28", "2022-01-03", "day"),
        ("dịp nghỉ 30/4 - 1/5", "30/4 - 1/5", "2021-04-30", "2021-05-01", "day"),
        (
            "từ tháng 3 đến tháng 5/2022",
            "từ tháng 3 đến tháng 5/2022",
            "2022-03",
            "2022-05",
            "month",
        ),
        ("trong tháng 3-5/2020 đã", "tháng 3-5/2020", "2020-03", "2020-05", "month"),
        ("từ quý II đến quý IV/2020", "từ quý II đến quý IV/2020", "2020-Q2", "2020-Q4", "quarter"),
        ("Từ năm 2016 đến nay, chị", "Từ năm 2016 đến nay", "2016", "2021", "year"),
        ("Từ đầu năm đến nay, giá vàng", "Từ đầu năm đến nay", "2021-01", "2021-12", "month"),
    ],
)
def test_ranges(text: str, mention: str, first: str, last: str, grain: str) -> None:
    assert only(text) == (mention, {"from": first, "to": last}, grain)


def test_until_now_ends_on_the_reference_day() -> None:
    (m,) = extract_dates("Từ đầu năm đến nay, giá tăng.", REF)
    assert (m.first_day, m.last_day) == (date(2021, 1, 1), REF)


def test_lists_share_the_year_of_the_last_item() -> None:
    assert found("trong tháng 11 và 12/2020") == [
        ("tháng 11", "2020-11", "month"),
        ("12/2020", "2020-12", "month"),
    ]
    assert found("ngày 15 và 16/12 tại", date(2022, 3, 1)) == [
        ("ngày 15", "2021-12-15", "day"),
        ("16/12", "2021-12-16", "day"),
    ]
    assert [v for _, v, _ in found("quý I và quý II/2020")] == ["2020-Q1", "2020-Q2"]


def test_a_range_is_resolved_as_a_whole() -> None:
    # the start is in the past: the end follows it, even beyond the reference
    assert only("Từ ngày 1/12 đến hết ngày 31/12, tỉnh ra quân.")[1] == {
        "from": "2021-12-01",
        "to": "2021-12-31",
    }
    assert only("từ 15/12/2021 đến 5/1")[1] == {"from": "2021-12-15", "to": "2022-01-05"}
    assert only("Từ tháng 11 đến tháng 2 năm sau")[1] == {"from": "2021-11", "to": "2022-02"}


def test_year_lists_and_birth_years() -> None:
    assert [v for _, v, _ in found("trong các năm 2019, 2020 và 2021")] == [
        "2019",
        "2020",
        "2021",
    ]
    assert found("Nguyễn Văn B (SN 1988, trú tại xã) bị bắt.") == [("1988", "1988", "year")]


def test_a_dateline_is_not_a_range() -> None:
    assert found("Hà Nội, 18/12 - Sáng nay, đoàn đến.", date(2021, 12, 18)) == [
        ("18/12", "2021-12-18", "day"),
        ("Sáng nay", "2021-12-18", "day"),
    ]


# --------------------------------------------------------------------------- not dates


@pytest.mark.parametrize(
    "text",
    [
        "Có 1250 hộ dân được hỗ trợ.",
        "Cuộc họp bắt đầu lúc 14h30 và kết thúc lúc 9 giờ tối.",
        "Công trình thi công 8 tháng, chậm hơn 17 năm so với quy hoạch.",
        "Cụ ông 63 tuổi được trao quà.",
        "Thực hiện Nghị quyết 202/2025/QH15 của Quốc hội.",
        "theo Quyết định số 15/2022/QĐ-UBND của tỉnh",
        "Quyết định 12/2021 của UBND tỉnh",
        "Đội nhà thắng 3-1 trên sân khách.",
        "Duy trì 84 tổ/498 người tham gia tự quản.",
        "Liên hệ 0238.3844.123 hoặc 0912 345 678.",
        "phòng chống dịch Covid-19 cho học sinh lớp 9",
        "Diện tích rừng chiếm 2/3 diện tích toàn huyện.",
        "Xã đạt 19/19 tiêu chí nông thôn mới.",
        "12/12 xã đã hoàn thành.",
        "Nhà hàng nằm trên đường 3/2 của thành phố.",
        "Tổng đài trực 24/7 để hỗ trợ.",
        "Kỷ niệm Cách mạng tháng Tám thành công.",
        "Mỗi tháng hai lần, đoàn về xã.",
        "gần 6 tháng 10 ngày nằm viện",
        "hơn 1 tuần nay, gần 2 năm nay",
        "suốt hàng chục năm qua",
        "Những năm qua, huyện đã đổi mới.",
        "Thứ hai, cần tăng cường kiểm tra.",
        "lần thứ 2 tổ chức",
        "3 ngày trước khi khai mạc",
        "mỗi năm 300 lượt khách",
        "tăng từ 1950 lên 2020 người",
        "năm sau đó, ông chuyển công tác",
        "Cuối kỳ, 12/12 trường học tổ chức thi.",
        "Lễ vía diễn ra ngày 15/7 âm lịch hằng năm.",
        "Rằm tháng 7 âm lịch, người dân đi lễ chùa.",
        "Giá xăng được điều chỉnh lúc 15h.",
        "Em học lớp 10/2 trường THPT.",
        "QĐ 12/2021 của tỉnh",
        "Đội bóng vào vòng 1/8, gặp đối thủ mạnh.",
        "Nhà văn hóa khu 5/2.",
        "xếp thứ 5/12 đội tham dự",
    ],
)
def test_not_dates(text: str) -> None:
    assert found(text) == []


# --------------------------------------------------------------------------- contract


def test_mentions_are_sorted_and_do_not_overlap() -> None:
    text = (
        "Sáng 18/12, tại huyện diễn ra hội nghị tổng kết năm 2021. Từ ngày 15 - 20/12, đoàn "
        "kiểm tra 12 xã; quý IV/2021 thu ngân sách tăng so với cùng kỳ năm trước. Trong 6 "
        "tháng đầu năm 2022, huyện sẽ hoàn thành giai đoạn 2021-2025 theo kế hoạch."
    )
    mentions = extract_dates(text, REF)
    assert len(mentions) == 7
    for before, after in itertools.pairwise(mentions):
        assert before.end <= after.start
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.first_day <= m.last_day


def test_case_insensitive_but_accents_required() -> None:
    assert only("SÁNG 18/12") == ("SÁNG 18/12", "2021-12-18", "day")
    assert only("QUÝ III/2021")[1] == "2021-Q3"
    assert found("thang 12 nam 2021") == []


def test_json_of_a_range() -> None:
    (m,) = extract_dates("giai đoạn 2021-2025", REF)
    out = to_json_dict(m)
    assert out["value"] == {"from": "2021", "to": "2025"}
    assert out["first_day"] == "2021-01-01" and out["last_day"] == "2025-12-31"
    assert json.dumps(out)


def test_first_and_last_days_cover_the_period() -> None:
    (q,) = extract_dates("quý I/2024", REF)
    assert (q.first_day, q.last_day) == (date(2024, 1, 1), date(2024, 3, 31))
    (w,) = extract_dates("tuần này", date(2021, 1, 1))  # ISO week 53 of 2020
    assert w.value == "2020-W53" and w.first_day == date(2020, 12, 28)
    (d,) = extract_dates("ngày 29/2", date(2021, 3, 1))  # 2021 has no 29 February
    assert d.value == "2020-02-29"


def test_long_texts_give_every_mention_once() -> None:
    """Repeated paragraphs: no mention lost or doubled at scale (speed is `make bench`'s job)."""
    paragraph = (
        "Sáng 18/12, tại huyện diễn ra hội nghị tổng kết năm 2021. Trong 11 tháng đầu năm, "
        "huyện thu 650 tỷ đồng, tăng 6,8% so với cùng kỳ; 84 tổ/498 người tham gia tuần tra, "
        "phát hiện 12 vụ vi phạm. Dự kiến ngày 5/1, huyện sẽ ra quân; quý I/2022 hoàn thành "
        "3 công trình thuộc giai đoạn 2021-2025. Liên hệ số 0238.3862.114 để biết thêm.\n"
    )
    text = paragraph * 1500  # ~0.5 MB
    mentions = extract_dates(text, REF)
    assert len(mentions) == 6 * 1500
    assert len({m.start for m in mentions}) == len(mentions)


def test_periods_helpers() -> None:
    assert period_start("quarter", date(2021, 11, 5)) == date(2021, 10, 1)
    assert period_end("half", date(2021, 7, 1)) == date(2021, 12, 31)
    assert period_value("week", date(2021, 12, 20)) == "2021-W51"
    assert shift("month", date(2021, 12, 1), 2) == date(2022, 2, 1)


# --------------------------------------------------------------------------- shared material


def test_seed_article(shared_dir: Path) -> None:
    """The canonical article: "Sáng 18/12" is 18 December 2021; no "Covid-19" or "lớp 9"."""
    seed = next((shared_dir / "seed").glob("*.txt"))
    raw = seed.read_text(encoding="utf-8")
    head = re.match(r"\s*date (\d{4})-(\d{2})\s+", raw)
    assert head, "seed file should start with its publication month"
    text = raw[head.end() :]
    # known only to the month: its last day keeps every December day in the past
    reference = period_end("month", date(int(head[1]), int(head[2]), 1))
    mentions = extract_dates(text, reference)
    by_text = {m.text: m for m in mentions}
    assert by_text["Sáng 18/12"].value == "2021-12-18"
    assert by_text["Sáng 18/12"].grain == "day"
    assert by_text["năm 2021"].value == "2021"
    assert by_text["năm 2021"].grain == "year"
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert "Covid" not in m.text and "lớp" not in m.text


def test_duckling_reference_corpus(shared_dir: Path) -> None:
    """Day-or-coarser Duckling examples we claim to support, resolved forward as Duckling
    does (``prefer="future"``)."""
    path = shared_dir / "conformance" / "duckling_vi" / "time.jsonl"
    if not path.exists():
        pytest.skip("no duckling corpus")
    passed = total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected = record["expected"]
        if expected is None or expected["grain"] not in {"day", "week", "month", "quarter", "year"}:
            continue
        if expected["type"] != "value":
            continue
        total += 1
        reference = date.fromisoformat(record["reference_time"][:10])
        mentions = extract_dates(record["text"], reference, prefer="future")
        passed += any(
            m.first_day.isoformat() == expected["date"] and m.grain == expected["grain"]
            for m in mentions
        )
    assert total > 50
    assert passed / total >= 0.85, (passed, total)


def test_a_bare_number_before_a_unit_is_not_a_year() -> None:
    text = "Giá vé từ 1000 VNĐ tới 2000 VNĐ, hoàn thành trước 2030."
    mentions = extract_dates(text, date(2024, 5, 1))
    assert [(m.text, m.value) for m in mentions] == [("2030", "2030")]


# --------------------------------------------------------------------------- speed-ups
# Shortcuts taken for speed (issue 9) must find exactly what the plain patterns find.


def test_words_before_reads_backwards_as_the_tail_pattern_finds() -> None:
    import random

    from transforms.date_rules import _TAIL_WORDS, Context
    from transforms.date_tables import date_tables

    rng = random.Random(9)
    pieces = ["a", "ă", "Đ", "1", "_", " ", " ", "\t", "\xa0", "\n", ",", "-", "năm ", "từ  "]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 140)))
        ctx = Context(text, text, REF, "past", date_tables())
        for pos in range(len(text) + 1):
            m = _TAIL_WORDS.search(text, max(0, pos - 60), pos)
            assert ctx.words_before(pos) == (m.group(0).split() if m else []), (text, pos)


def test_every_rule_hit_starts_with_one_of_its_needles() -> None:
    """A rule is scanned from the first of its needles (or digit) in the text, and not at all
    without one: every match of its core must start with one."""
    from transforms.date_grammar import grammar
    from transforms.textscan import lowered

    texts = [
        json.loads(line)["text"]
        for path in sorted((Path(__file__).parent / "annotated").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    checked = 0
    for rule in grammar().rules:
        assert rule.numeric != bool(rule.needles), rule.name
        for text in texts:
            for m in rule.core.finditer(lowered(text)):
                if rule.numeric:
                    assert re.match(r"\d", m.group()), (rule.name, m.group())
                else:
                    assert m.group().startswith(rule.needles), (rule.name, m.group())
                checked += 1
    assert checked > 100


def test_trying_rules_at_their_needles_finds_what_scanning_finds() -> None:
    """Rules with needles are tried only where one is: the same hits as a whole-text scan."""
    import random

    from transforms.date_grammar import grammar, scan
    from transforms.dates import _find_all
    from transforms.textscan import lowered

    texts = [
        json.loads(line)["text"]
        for path in sorted((Path(__file__).parent / "annotated").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(9)
    words = ["tháng", "năm", "quý", "ngày", "tuần", "sáng", "nay", "hôm", "thứ", "hai", "tết"]
    words += ["12", "2021", "/", "-", "đến", " ", " ", ",", "qua", "tới", "đầu", "x", "ii"]
    texts += [" ".join(rng.choice(words) for _ in range(40)) for _ in range(300)]

    def spans(hits):
        return [(h.start(), h.end()) for h in hits]

    for rule in grammar().rules:
        if not rule.needles:
            continue
        for text in texts:
            low = lowered(text)
            starts = sorted({at for word in rule.needles for at in _find_all(low, word)})
            assert spans(scan(rule, low, starts=starts)) == spans(scan(rule, low)), rule.name
