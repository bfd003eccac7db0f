"""Places a figure's text names: provinces (any era's spelling) and districts or communes."""

from __future__ import annotations

from datetime import date

from transforms.figures import extract_figures
from transforms.places import PlaceFinder, district_mentions, province_mentions
from transforms.segments import segment


def _place(text: str, needle: str):
    finder = PlaceFinder(text, segment(text))
    return finder.place_at(text.index(needle))


def test_provinces_are_found_in_their_spellings() -> None:
    text = "Thanh Hoá, Thừa Thiên Huế, TP.HCM và Bà Rịa–Vũng Tàu cùng Đắk Lắk."
    assert [m[2] for m in province_mentions(text)] == [
        "Thanh Hóa", "Huế", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu", "Đắk Lắk",
    ]  # fmt: skip


def test_a_district_sharing_a_province_name_is_a_district() -> None:
    text = "Huyện Hòa Bình (Bạc Liêu) và xã Long An có 120 hộ."
    assert [m[2] for m in province_mentions(text)] == ["Bạc Liêu"]
    assert [m[2] for m in district_mentions(text)] == ["huyện Hòa Bình", "xã Long An"]


def test_the_sentence_names_the_province_first() -> None:
    text = "Tin Nghệ An.\nTrong khi đó, Hà Tĩnh thu ngân sách 20 tỷ đồng. Tỉnh đón 30 lượt khách."
    place = _place(text, "20 tỷ")
    assert (place.province, place.rule) == ("Hà Tĩnh", "sentence")
    place = _place(text, "30 lượt")
    assert (place.province, place.rule) == ("Hà Tĩnh", "paragraph")


def test_the_lead_decides_when_nothing_nearer_does() -> None:
    text = "Kinh tế Hà Giang phục hồi.\nThu ngân sách đạt 2.300 tỷ đồng."
    place = _place(text, "2.300")
    assert (place.province, place.rule) == ("Hà Giang", "lead")


def test_no_place_named_leaves_it_to_the_paper() -> None:
    text = "Thu ngân sách đạt 2.300 tỷ đồng."
    place = _place(text, "2.300")
    assert (place.province, place.rule, place.district) == (None, None, None)


def test_thanh_pho_of_a_province_is_the_province_not_a_district() -> None:
    text = "Thành phố Cần Thơ có 5 quận, huyện Phong Điền có 7 xã."
    assert [m[2] for m in district_mentions(text)] == ["huyện Phong Điền"]


def test_figures_carry_their_place_and_district() -> None:
    text = "Năm 2023, huyện Đồng Văn (Hà Giang) đón 500.000 lượt khách."
    (figure,) = extract_figures(text, date(2023, 12, 1))
    assert figure.place_province == "Hà Giang"
    assert figure.place_rule == "sentence"
    assert figure.place_district == "huyện Đồng Văn"
