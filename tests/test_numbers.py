"""Vietnamese number parsing: digit forms, scale words, spelled-out numbers, scanning."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from transforms.lexicon import lexicon
from transforms.numbers import parse_digits, parse_number, scan_numbers, words_value


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("3.959", 3959),
        ("87.323", 87323),
        ("1.234.567", 1234567),
        ("1,5", 1.5),
        ("12,3", 12.3),
        ("0,07", 0.07),
        ("10.000,50", 10000.5),
        (",5", 0.5),
        ("007", 7),
        ("2.5", 2.5),  # not grouped by three: read as a decimal point
        ("1,234,567", 1234567),  # English grouping, unambiguous with two groups
        ("-12", -12),
        ("âm 3,5", -3.5),
        ("2,5 triệu", 2_500_000),
        ("1,2 nghìn tỷ", 1_200_000_000_000),
        ("1,1 tỷ", 1_100_000_000),
        ("18 vạn", 180_000),
        ("7 ngàn", 7000),
        ("4 tỉ", 4_000_000_000),
        ("1 tỷ 250 triệu", 1_250_000_000),
        ("3 triệu 400 nghìn", 3_400_000),
        ("2 triệu rưỡi", 2_500_000),
        ("150k", 150_000),
        ("2tr7", 2_700_000),
        ("4M", 4_000_000),
        ("một", 1),
        ("mười", 10),
        ("mười lăm", 15),
        ("hai mươi mốt", 21),
        ("bốn mươi tư", 44),
        ("ba trăm linh năm", 305),
        ("sáu trăm lẻ bảy", 607),
        ("chín trăm rưỡi", 950),
        ("hai nghìn không trăm hai mươi tư", 2024),
        ("một triệu rưỡi", 1_500_000),
        ("bảy mươi hai nghìn", 72_000),
        ("ba tỷ lẻ tám", 3_000_000_008),
        ("một nghìn tỷ", 1_000_000_000_000),
        ("năm trăm nghìn", 500_000),
        ("hai triệu sáu", 2_600_000),  # spoken: the tail digit is the next place of the scale
        ("bốn ba", 43),  # spoken shortening
        ("ba phẩy không bảy", 3.07),
        ("không chấm năm", 0.5),
        ("mười hai phẩy năm triệu", 12_500_000),
    ],
)
def test_parse_number(written: str, value: float) -> None:
    got = parse_number(written)
    assert got == pytest.approx(value, rel=1e-12)
    assert isinstance(got, int) == (value == int(value))


@pytest.mark.parametrize(
    "written",
    ["", "abc", "hàng trăm", "lăm", "mươi", "nghìn", "năm năm", "hai mươi năm", "3.95.9", "1,2,3"],
)
def test_not_one_number(written: str) -> None:
    assert parse_number(written) is None


def test_scale_arithmetic_is_exact() -> None:
    # Decimal arithmetic: 1,1 x 1e9 must not become 1100000000.0000002
    assert parse_number("1,1 tỷ") == 1_100_000_000
    assert parse_number("0,3 triệu") == 300_000


def test_parse_digits_shapes() -> None:
    assert parse_digits("3.959") == Decimal(3959)
    assert parse_digits("1.234,5") == Decimal("1234.5")
    assert parse_digits("12.34.56") is None
    assert parse_digits("x") is None


def test_words_value_colloquial_switch() -> None:
    # "ba bốn người" in running text means three or four people, not 34
    assert words_value(["ba", "bốn"], colloquial=True) == 34
    assert words_value(["ba", "bốn"], colloquial=False) is None


def test_scan_numbers_offsets_and_scales() -> None:
    text = "Thu 2,5 triệu đồng, cấp hai mươi lăm suất quà và 1 tỷ 200 triệu đồng."
    found = [(text[n.start : n.end], n.value) for n in scan_numbers(text)]
    assert ("2,5 triệu", Decimal("2500000")) in found
    assert ("hai mươi lăm", Decimal(25)) in found
    assert ("1 tỷ 200 triệu", Decimal(1_200_000_000)) in found


def test_scan_numbers_leaves_year_word_alone() -> None:
    text = "ba nghìn năm lịch sử"
    (match,) = list(scan_numbers(text))
    assert text[match.start : match.end] == "ba nghìn"
    assert match.value == 3000


def test_scan_skips_rate_words_after_ty() -> None:
    text = "tỷ lệ 5 tỷ lệ"
    assert [text[n.start : n.end] for n in scan_numbers(text)] == ["5"]


def test_tables_are_lowercase_nfc() -> None:
    lex = lexicon()
    for word in [*lex.digits, *lex.scales, *lex.nouns, *lex.units, *lex.qualifiers]:
        assert word == unicodedata.normalize("NFC", word)
        assert word == word.lower(), word


CONFORMANCE_NUMBERS = [
    "duckling_vi/numeral.jsonl",
    "num2words_vi.jsonl",
    "nemo_vi/tn_cardinal.jsonl",
    "nemo_vi/tn_decimal.jsonl",
    "nemo_vi/itn_decimal.jsonl",
    "nemo_vi/itn_cardinal.jsonl",
]


@pytest.mark.parametrize("name", CONFORMANCE_NUMBERS)
def test_conformance_numbers(shared_dir: Path, name: str) -> None:
    """Third-party number suites: every record with a whole-text value parses to it.

    NeMo leaves a lone digit word ("một", "hai") unconverted where Duckling reads it as a
    number; we follow Duckling, so those NeMo records are not counted here.
    """
    failures = []
    for line in (shared_dir / "conformance" / name).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected = record["expected"]
        if expected is None or expected.get("partial"):
            continue
        got = parse_number(record["text"])
        if got is None or got != pytest.approx(expected["value"], rel=1e-9):
            failures.append((record["text"], expected["value"], got))
    assert not failures
