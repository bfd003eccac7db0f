"""Figure extraction on news-style sentences written for these tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from transforms.dates import extract_dates
from transforms.figures import extract_figures
from transforms.models import Figure, to_json_dict

REF = date(2023, 6, 15)


def figures(text: str, reference: date = REF) -> list[Figure]:
    found = extract_figures(text, reference)
    for f in found:  # offsets are exact and the list is sorted
        assert text[f.start : f.end] == f.text
    assert [f.start for f in found] == sorted(f.start for f in found)
    return found


def only(text: str) -> Figure:
    found = figures(text)
    assert len(found) == 1, [f.text for f in found]
    return found[0]


def summary(text: str) -> list[tuple[float, str | None]]:
    return [(f.value, f.unit) for f in figures(text)]


# --- values and units ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind"),
    [
        ("Xã có 2.746 nhân khẩu.", 2746, "nhân khẩu", "count"),
        ("Huyện đã hỗ trợ 1.234.567 cây giống cho bà con.", 1234567, "cây giống", "count"),
        ("Mô hình thu về 1,8 tỷ đồng mỗi vụ.", 1_800_000_000, "VND", "money"),
        ("Tổng vốn đạt 3,25 nghìn tỷ đồng.", 3_250_000_000_000, "VND", "money"),
        ("Mỗi suất quà trị giá 700.000 đ.", 700_000, "VND", "money"),
        ("Xuất khẩu đạt 42 triệu USD.", 42_000_000, "USD", "money"),
        ("Công ty nhận 15.000 đô la Mỹ tiền tài trợ.", 15000, "USD", "money"),
        ("Khoản viện trợ 2 triệu euro đã được giải ngân.", 2_000_000, "EUR", "money"),
        ("Giá cà phê lên 98.500 đồng/kg.", 98500, "VND/kg", "money"),
        ("Giá dầu thô quanh 81,3 USD/thùng.", 81.3, "USD/thùng", "money"),
        ("Người lao động nhận 6,2 triệu đồng/tháng.", 6_200_000, "VND/tháng", "money"),
        ("Tỷ lệ tiêm chủng đạt 97,4%.", 97.4, "%", "percent"),
        ("Có bốn mươi phần trăm số hộ tham gia.", 40, "%", "percent"),
        ("Trồng mới 35,5 ha rừng keo.", 35.5, "ha", "measure"),
        ("Kè dài 850 m được hoàn thành.", 850, "m", "measure"),
        ("Nhà văn hóa rộng 240 m2.", 240, "m2", "measure"),
        ("Hồ chứa 1,2 triệu m³ nước.", 1_200_000, "m3", "measure"),
        ("Đã nạo vét 3.000 mét khối bùn.", 3000, "m3", "measure"),
        ("Thu hoạch 4,6 tấn cá.", 4.6, "tấn", "measure"),
        ("Năng suất 58 tạ/ha.", 58, "tạ/ha", "measure"),
        ("Nhiệt độ cao nhất 39 độ C.", 39, "°C", "measure"),
        ("Điện mặt trời công suất 50 MW.", 50, "MW", "measure"),
        ("Xe chạy 80 km/h trên cao tốc.", 80, "km/h", "measure"),
        ("Công trình kéo dài 8 tháng.", 8, "tháng", "duration"),
        ("Ông gắn bó với nghề hơn 17 năm.", 17, "năm", "duration"),
        ("Cụ bà năm nay 92 tuổi.", 92, "tuổi", "age"),
        ("Đơn vị đã xử lý 153 vụ việc.", 153, "vụ việc", "count"),
        ("Có 298 sáng kiến được công nhận.", 298, "sáng kiến", "count"),
        ("Đội tuyển giành 11 giải C.", 11, "giải", "count"),
        ("Kiểm tra 18 bến bãi ven sông.", 18, "bến bãi", "count"),
        ("Tiếp đón 3.200 lượt khách.", 3200, "lượt khách", "count"),
        ("Trang trại nuôi 500 con bò sữa.", 500, "con bò", "count"),
        ("Cảnh sát tạm giữ 12 chiếc xe.", 12, "chiếc xe", "count"),
        ("Hỗ trợ 420 hộ gia đình bị ảnh hưởng.", 420, "hộ", "count"),  # at most 2 syllables
        ("Thành lập 14 hợp tác xã mới.", 14, "hợp tác xã", "count"),  # unless unsplittable
        ("Xã còn 27 đồng chí cao tuổi sinh hoạt.", 27, "đồng chí", "count"),
        ("Đã cấp 86 giấy phép xây dựng.", 86, "giấy phép", "count"),
        ("Hội thi thu hút 140 thí sinh.", 140, "thí sinh", "count"),
        ("Lớp học có 35 cháu.", 35, "cháu", "count"),
        ("Hai mươi lăm học sinh được khen thưởng.", 25, "học sinh", "count"),
        ("Trao ba trăm linh năm suất quà.", 305, "suất quà", "count"),
        ("Gia đình nhận một triệu rưỡi đồng.", 1_500_000, "VND", "money"),
        ("Quỹ có 85 triệu người ủng hộ.", 85_000_000, "người", "count"),
        ("Con số ghi nhận là 4.500.", 4500, None, "number"),
    ],
)
def test_value_unit_kind(text: str, value: float, unit: str | None, kind: str) -> None:
    f = only(text)
    assert f.value == pytest.approx(value)
    assert (f.unit, f.kind) == (unit, kind)


def test_compound_durations_and_kin_groups() -> None:
    assert summary("Bị cáo lĩnh 2 năm 9 tháng tù; vụ cháy làm 3 mẹ con bị thương.") == [
        (2, "năm"),
        (9, "tháng"),
        (3, "mẹ con"),
    ]


def test_unknown_noun_falls_back_to_next_word() -> None:
    f = only("Bà con đã trồng 640 gốc bưởi.")
    assert f.unit == "gốc"
    f = only("Hợp tác xã bán 90 thúng mẻ.")  # not in the tables: the next syllable
    assert f.unit == "thúng"
    assert f.extra.get("unit_source") == "guess"


def test_unit_text_is_as_written() -> None:
    f = only("Doanh thu đạt 12 tỉ VNĐ.")
    assert (f.unit, f.unit_text) == ("VND", "VNĐ")
    f = only("Giá bán 30.000đ/kg.")
    assert (f.value, f.unit, f.unit_text) == (30000, "VND/kg", "đ/kg")


def test_glued_units() -> None:
    assert summary("Mưa 120mm, gió 60km/h, đất 5ha, gạo 10kg, tăng 7%.") == [
        (120, "mm"),
        (60, "km/h"),
        (5, "ha"),
        (10, "kg"),
        (7, "%"),
    ]


# --- compound statements, ranges, ratios, qualifiers, changes --------------------------


def test_compound_statements_share_a_group() -> None:
    text = (
        "Duy trì 45 tổ/312 người tuần tra bờ biển; 9 tổ hợp tác/120 phương tiện/860 lao động "
        "khai thác; tổ chức 77 buổi/5.430 lượt người nghe."
    )
    found = figures(text)
    assert [(f.value, f.unit) for f in found] == [
        (45, "tổ"),
        (312, "người"),
        (9, "tổ"),
        (120, "phương tiện"),
        (860, "lao động"),
        (77, "buổi"),
        (5430, "lượt người"),
    ]
    groups = [f.group for f in found]
    assert groups[0] == groups[1] != groups[2]
    assert groups[2] == groups[3] == groups[4] != groups[5]
    assert groups[5] == groups[6] is not None
    assert found[0].indicator == "tuần tra bờ biển"


def test_lone_figure_has_no_group() -> None:
    assert only("Có 40 hộ tham gia.").group is None


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("Mỗi ha cho từ 10 - 15 tấn củ.", 10, 15, "tấn"),
        ("Sụt 2-3 kg sau đợt ốm.", 2, 3, "kg"),
        ("Giá dao động từ 40 đến 45 nghìn đồng.", 40_000, 45_000, "VND"),
        ("Vốn cần 1,5 - 2 tỷ đồng.", 1_500_000_000, 2_000_000_000, "VND"),
        ("Lãi suất 6-7%.", 6, 7, "%"),
        ("Giá từ 200.000đ-350.000đ.", 200_000, 350_000, "VND"),
        ("Khoảng giữa 30 và 40 tấn.", 30, 40, "tấn"),
    ],
)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    f = only(text)
    assert (f.value, f.value_max, f.unit, f.qualifier) == (low, high, unit, "range")


def test_ratio_denominator_is_not_a_figure() -> None:
    f = only("Tỷ lệ mắc mới là 7,2 ca trên 100.000 dân.")
    assert (f.value, f.unit, f.kind, f.per) == (7.2, "ca", "ratio", "100.000 dân")


def test_over_an_age_is_not_a_ratio() -> None:
    people, age = figures("Có 14 người trên 60 tuổi được hỗ trợ.")
    assert (people.value, people.unit, people.per) == (14, "người", None)
    assert (age.value, age.unit, age.kind, age.qualifier) == (60, "tuổi", "age", "more_than")


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Khoảng 300 người tham dự.", "approx"),
        ("Gần 2 km đường bị sạt.", "approx"),
        ("Ước tính 50 tỷ đồng thiệt hại.", "approx"),
        ("Xấp xỉ 12% hộ dân.", "approx"),
        ("Trên dưới 80 hộ.", "approx"),
        ("Hơn 1.000 người.", "more_than"),
        ("Trên 300 hộ.", "more_than"),
        ("Dưới 5% lao động.", "less_than"),
        ("Chưa đến 20 ngày.", "less_than"),
        ("Ít nhất 3 người.", "at_least"),
        ("Tối thiểu 2 ha.", "at_least"),
        ("Người từ 60 tuổi trở lên.", "at_least"),
        ("Tối đa 10 triệu đồng.", "at_most"),
        ("Không quá 7.000 đồng.", "at_most"),
        ("Sản lượng đạt 9.600 tấn.", "reached"),
        ("Sản lượng ước đạt 9.600 tấn.", "approx"),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    assert only(text).qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("Kim ngạch tăng 12,3%.", "increase"),
        ("Số vụ cháy giảm 4,5% so với cùng kỳ.", "decrease"),
        ("Giá tăng gần 5%.", "increase"),
        ("Số ca giảm mạnh 40 ca.", "decrease"),
        ("Tỷ lệ hộ nghèo giảm còn 3,1%.", None),  # the new level, not the change
        ("Giá vàng tăng lên 70 triệu đồng.", None),
    ],
)
def test_changes(text: str, change: str | None) -> None:
    assert only(text).change == change


# --- not figures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hội nghị diễn ra sáng 18/12.",
        "Năm 2021, tỉnh tập trung chỉ đạo.",
        "Giai đoạn 2021-2025 là giai đoạn bản lề.",
        "Cuộc họp bắt đầu lúc 14h30.",
        "Tàu xuất phát 9 giờ sáng.",
        "Buổi lễ khai mạc vào 8 giờ 30.",
        "Em là học sinh lớp 9.",
        "Đội nhà xếp thứ 2.",
        "Đây là lần thứ 3 giải được tổ chức.",
        "Kỳ họp thứ 7 bế mạc.",
        "Đại hội đại biểu khóa XIII.",
        "Gia đình ở số 5 đường Lê Lợi.",
        "Phòng chống dịch Covid-19 được duy trì.",
        "Sạt lở trên Quốc lộ 1A và QL7.",
        "Thực hiện Nghị quyết 202/2025/QH15.",
        "Theo Quyết định số 1234/QĐ-UBND.",
        "Áp dụng Điều 5, Khoản 2 của luật.",
        "Mọi thắc mắc gọi 0238.3844.123.",
        "Đường dây nóng 0912 345 678.",
        "Xe biển số 37A-123.45 bị tạm giữ.",
        "Hội nghị G7 và mạng 4G/5G.",
        "Đội tuyển U23 thắng trận.",
        "Kết quả quý III tăng trưởng tốt.",
        "Đại tá Nguyễn Văn Hùng phát biểu.",
        "Thị xã Hoàng Mai có nhiều đổi mới.",
        "Quận Ba Đình nằm ở trung tâm.",
        "Huyện Năm Căn giáp biển.",
        "Ông Tám kể lại câu chuyện.",
        "Hàng trăm người dân có mặt.",
        "Hàng nghìn hộ bị ảnh hưởng.",
        "Hàng chục tấn hàng bị thu giữ.",
        "Vài ba người ngồi chờ.",
        "Chung cuộc đội khách thắng với tỷ số 3-1.",
        "Bão số 3 đổ bộ với sức gió cấp 12.",
        "Một người dân cho biết nước đã rút.",
        "Hằng năm người dân đều tổ chức lễ hội.",
        "Đồn Biên phòng 537 tổ chức tuần tra.",
        "Bệnh nhân được chuyển lên tuyến trên.",
        "Tỷ lệ bao phủ được nâng lên.",
    ],
)
def test_not_figures(text: str) -> None:
    assert figures(text) == []


def test_one_is_a_count_only_among_counts() -> None:
    assert summary("Vụ tai nạn làm một người chết, hai người bị thương.") == [
        (1, "người"),
        (2, "người"),
    ]
    assert summary("Một nhà phân tích dự báo giá đạt 5.000 USD/ounce.") == [(5000, "USD/ounce")]


def test_service_numbers_and_hotlines() -> None:
    assert figures("Khi cần, gọi 113 hoặc 115; tổng đài 1900 9095 trực 24/7.") == []
    assert summary("Đã có 115 người đăng ký.") == [(115, "người")]


def test_change_verb_a_few_words_before_a_rate() -> None:
    f = only("Năm nay phấn đấu giảm tỷ lệ hộ nghèo từ 1 - 1,5%.")
    assert (f.value, f.value_max, f.change) == (1, 1.5, "decrease")
    f = only("Tốc độ tăng trưởng kinh tế đạt 8,5%.")
    assert f.change is None


def test_half_after_the_unit() -> None:
    f = only("Sau hai năm rưỡi thi công, cầu được thông xe.")
    assert (f.value, f.unit) == (2.5, "năm")
    assert figures("Tàu về bến lúc 3 giờ rưỡi.") == []


def test_dates_inside_text_are_masked() -> None:
    text = "Ngày 5/3/2023, xã trao 40 suất quà; 9 tháng năm 2023 thu 12 tỷ đồng."
    assert summary(text) == [(40, "suất quà"), (12_000_000_000, "VND")]


# --- sentence, indicator, period ------------------------------------------------------


def test_sentence_and_indicator() -> None:
    text = "Mở đầu bản tin. Tổng thu ngân sách năm 2022 đạt 1,5 tỷ đồng, tăng 12% so với năm 2021."
    money, percent = figures(text)
    sentence = "Tổng thu ngân sách năm 2022 đạt 1,5 tỷ đồng, tăng 12% so với năm 2021."
    assert money.sentence == percent.sentence == sentence
    assert money.indicator == "Tổng thu ngân sách"
    assert percent.indicator == "Tổng thu ngân sách"  # a change inherits its subject


def test_period_rules() -> None:
    text = (
        "Năm 2022, toàn huyện trồng 900 ha rừng. Sản lượng gỗ đạt 50.000 tấn.\n"
        "Trong tháng 5/2023 có 12 vụ cháy, quý I/2023 xảy ra 30 vụ.\n"
        "Hiện nay xã có 4.100 hộ."
    )
    found = {f.text: f.period for f in figures(text)}
    assert (found["900 ha"].value, found["900 ha"].rule) == ("2022", "sentence")
    assert (found["50.000 tấn"].value, found["50.000 tấn"].rule) == ("2022", "paragraph")
    assert (found["12 vụ cháy"].value, found["12 vụ cháy"].rule) == ("2023-05", "clause")
    assert (found["30 vụ"].value, found["30 vụ"].rule) == ("2023-Q1", "clause")
    fallback = found["4.100 hộ"]
    assert (fallback.value, fallback.grain, fallback.rule) == ("2023", "year", "published")


def test_period_from_the_same_sentence() -> None:
    text = "Đơn vị đã cấp 320 thẻ, vượt kế hoạch năm 2023."
    period = only(text).period
    assert period is not None
    assert (period.value, period.rule) == ("2023", "sentence")


def test_comparison_year_does_not_govern() -> None:
    text = "Sản lượng đạt 8.000 tấn, tăng 5% so với năm 2020."
    found = figures(text)
    assert [f.period.rule for f in found if f.period] == ["published", "published"]
    text = "Vụ xuân năm 2023 đạt 61 tạ/ha, tăng 1,8 tạ/ha so với vụ xuân năm 2022."
    assert [f.period.value for f in figures(text) if f.period] == ["2023", "2023"]


def test_dates_can_be_passed_in() -> None:
    text = "Sáng 3/4, xã trao 60 suất quà."
    dates = extract_dates(text, REF)
    assert extract_figures(text, REF, dates) == extract_figures(text, REF)
    assert extract_figures(text, REF, [])[0].period.rule == "published"


def test_json_ready() -> None:
    (record,) = to_json_dict(figures("Khoảng 2-3 tấn cá chết."))
    assert record["value"] == 2 and record["value_max"] == 3
    assert record["period"]["first_day"] == "2023-01-01"


# --- the seed article (read from ../shared at run time) --------------------------------


def test_seed_article(shared_dir: Path) -> None:
    (seed,) = sorted((shared_dir / "seed").glob("*.txt"))
    text = seed.read_text(encoding="utf-8").split("\n", 1)[1]
    found = figures(text, date(2021, 12, 20))
    pairs = [(f.value, f.unit) for f in found]
    expected_in_order = [
        (84, "tổ"),
        (498, "người"),
        (716, "tổ"),
        (3959, "người"),
        (62, "tổ"),
        (423, "phương tiện"),
        (4029, "thành viên"),
        (18, "bến bãi"),
        (589, "buổi"),
        (87323, "lượt người"),
        (285, "giờ"),
        (172, "giờ"),
        (12350, "tờ rơi"),
        (52, "băng rôn"),
        (23, "buổi"),
        (752, "học sinh"),
    ]
    start = pairs.index((84, "tổ"))
    assert pairs[start : start + len(expected_in_order)] == expected_in_order
    by_value = {f.value: f for f in found}
    assert by_value[84].group == by_value[498].group is not None
    assert by_value[62].group == by_value[423].group == by_value[4029].group
    assert by_value[589].group == by_value[87323].group != by_value[84].group
    assert by_value[84].indicator.startswith("tham gia tự quản")
    assert all(f.period is not None and f.period.value == "2021" for f in found)
    # "lớp 9", "Covid-19", the ranks and "Hoàng Mai" are not figures
    assert 9 not in by_value and 19 not in by_value
    assert all(f.unit is not None for f in found)


def test_a_money_range_is_not_broken_by_a_year_lookalike() -> None:
    figures = extract_figures("Giá vé từ 1000 VNĐ tới 2000 VNĐ mỗi lượt.", date(2024, 5, 1))
    assert [(f.value, f.value_max, f.unit, f.qualifier) for f in figures] == [
        (1000, 2000, "VND", "range")
    ]


def test_switchboard_numbers_in_any_grouping_are_not_figures() -> None:
    text = "Liên hệ tổng đài 0238.3 844 612 hoặc 0912 345 678; đã hỗ trợ 250 hộ."
    figures = extract_figures(text, date(2024, 5, 1))
    assert [(f.value, f.unit) for f in figures] == [(250, "hộ")]


def test_unit_lookup_by_first_character_matches_the_full_unit_pattern() -> None:
    """The unit after a number is matched with only the forms that can start there (issue 9
    speed-up): it must find what the pattern of all forms finds, everywhere."""
    import json
    import random

    from transforms.figure_units import _unit_match, _unit_re

    texts = [
        json.loads(line)["text"]
        for path in sorted((Path(__file__).parent / "annotated").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(9)
    texts += [t.upper() for t in texts[:50]]
    alphabet = "kK\u212a gGmMſ%$₫°cC/ \t²đĐ"  # with the Kelvin sign and the long s
    texts += ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(200)]
    full = _unit_re()
    for text in texts:
        for pos in range(len(text) + 1):
            expected = full.match(text, pos)
            got = _unit_match(text, pos)
            assert (got and got.span()) == (expected and expected.span()), (text, pos)


def test_protected_spans_start_only_where_a_pattern_can() -> None:
    """The scan for times, phones and codes skips digits inside words and numbers (issue 9
    speed-up): the same spans as trying every digit, "(" and "+"."""
    import random
    import re

    from transforms.figure_context import _protected_re, protected_spans

    pattern = _protected_re().pattern
    gate = "(?=[\\d(+])(?=[(+]|(?<!\\w))"
    assert pattern.startswith(gate)
    every = re.compile("(?=[\\d(+])" + pattern[len(gate) :])
    rng = random.Random(9)
    alphabet = ["0", "1", "9", "12", "0912", "+84", "(", ")", " ", ".", "/", "-", "h", "giờ"]
    alphabet += ["phút", "A", "Đ", "QĐ", "x", "1900", "Km", "+", ":", "sáng", "kém", "_"]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        assert protected_spans(text) == [m.span() for m in every.finditer(text)], text


def test_the_figures_of_one_sentence_share_its_text() -> None:
    """What figures hold grows with the text, not with figures x sentence length: a table
    flattened into one endless sentence must not copy it once per figure."""
    text = "tăng 12,3% " * 2000
    figures = extract_figures(text, date(2024, 1, 1))
    assert len(figures) == 2000
    assert len({id(f.sentence) for f in figures}) == 1
