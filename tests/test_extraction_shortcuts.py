"""The exact shortcuts of the extractors (issue 9) give what the slow paths give."""

from __future__ import annotations

import pickle
from dataclasses import asdict, fields, replace
from datetime import date

import pytest

from transforms.dates import extract_dates
from transforms.figure_context import is_label, label_before, qualifier_and_change
from transforms.figures import extract_figures
from transforms.lexicon import lexicon
from transforms.models import DateMention, Figure, Period, new_date_mention, new_figure
from transforms.numbers import _may_scale, _scale_firsts, _scale_re

TEXT = (
    "Năm 2023, tổng thu ngân sách của tỉnh Nghệ An đạt hơn 1,5 tỷ đồng, tăng 12%."
    "\nHuyện Đồng Văn có 84 tổ/498 người tham gia; 12/15 xã đạt chuẩn."
)


def test_new_figure_is_the_dataclass() -> None:
    period = Period("2023", "year", date(2023, 1, 1), date(2023, 12, 31), "sentence")
    values = {f.name: None for f in fields(Figure)}
    values.update(text="5 hộ", start=0, end=4, value=5, unit="hộ", unit_text="hộ")
    values.update(kind="count", period=period, extra={"unit_source": "guess"})
    made, built = new_figure(values), Figure(**values)
    assert made == built and repr(made) == repr(built) and asdict(made) == asdict(built)
    assert pickle.loads(pickle.dumps(made)) == built
    assert replace(made, sentence="x").sentence == "x"
    with pytest.raises(AttributeError):
        made.value = 6  # type: ignore[misc]


def test_new_date_mention_is_the_dataclass() -> None:
    values = {
        "text": "năm 2023",
        "start": 0,
        "end": 8,
        "value": "2023",
        "grain": "year",
        "first_day": date(2023, 1, 1),
        "last_day": date(2023, 12, 31),
        "value_to": None,
        "relative": False,
    }
    made, built = new_date_mention(values), DateMention(**values)
    assert made == built and repr(made) == repr(built) and hash(made) == hash(built)


def test_extracted_records_compare_with_constructed_ones() -> None:
    dates = extract_dates(TEXT, date(2023, 12, 1))
    figures = extract_figures(TEXT, date(2023, 12, 1), dates)
    assert figures and dates
    for f in figures:
        assert Figure(**{k.name: getattr(f, k.name) for k in fields(Figure)}) == f
    for d in dates:
        assert DateMention(**{k.name: getattr(d, k.name) for k in fields(DateMention)}) == d


@pytest.mark.parametrize(
    "text",
    [
        "5 triệu",
        "5  Triệu",
        "5\ttỷ",
        "5\u00a0nghìn",
        "5 người",
        "5",
        "5 ",
        "5\n ngàn",
        "5Vạn",
        "5%",
    ],
)
def test_scale_gate_never_hides_a_scale(text: str) -> None:
    if _scale_re().match(text, 1):
        assert _may_scale(text, 1, _scale_firsts())


def test_scale_gate_on_every_character() -> None:
    """Where the gate says no, the scale pattern finds nothing, whatever follows."""
    firsts = _scale_firsts()
    tails = [f"{w} " for w in lexicon().scales] + [f"{w.upper()} " for w in lexicon().scales]
    for code in range(0x3000):
        char = chr(code)
        for tail in ("", *tails):
            for text in (f"5{char}{tail}", f"5 {char}{tail}"):
                if not _may_scale(text, 1, firsts):
                    assert _scale_re().match(text, 1) is None, text


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["khoảng"],
        ["tăng", "gần"],
        ["lớp"],
        ["cấp"],
        ["quốc", "lộ"],
        ["đạt", "hơn"],
        ["#", "năm"],
    ],
)
def test_cached_word_readings(words: list[str]) -> None:
    assert qualifier_and_change(words) == qualifier_and_change(list(words))
    assert is_label(words) == (label_before(words) is not None)
