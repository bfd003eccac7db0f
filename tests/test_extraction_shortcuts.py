"""The exact shortcuts of the extractors (issue 9) give what the slow paths give."""

from __future__ import annotations

import bisect
import pickle
import random
import re
from dataclasses import asdict, fields, replace
from datetime import date

import pytest

from transforms.dates import _find_all, _needle_places, _plan, extract_dates
from transforms.figure_context import is_label, label_before, qualifier_and_change
from transforms.figures import _Blocked, extract_figures
from transforms.lexicon import lexicon
from transforms.models import DateMention, Figure, Period, new_date_mention, new_figure
from transforms.numbers import (
    _CASE_EXCEPTIONS,
    _may_scale,
    _scale_firsts,
    _scale_re,
    _spelled_core,
    _spelled_re,
    _spelled_runs,
    scan_numbers,
)
from transforms.places import (
    _DISTRICT,
    _DISTRICT_CORE,
    _province_core,
    _province_re,
)
from transforms.segments import (
    _CLAUSE_END,
    _SENTENCE_END,
    _abbreviation_before,
    _trimmed_spans,
    segment,
)
from transforms.textscan import at_word_starts, lowered, trie_alternation

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


def _mixed_texts(pieces: list[str], count: int = 400, seed: int = 9) -> list[str]:
    """Texts glued together from ``pieces`` and separators, to hit overlaps and edges."""
    rng = random.Random(seed)
    glue = ["", "", " ", "  ", ", ", ". ", "\n", "x", "5", "_", "-", " - ", ".\n"]
    return [
        "".join(rng.choice(pieces) + rng.choice(glue) for _ in range(rng.randint(1, 12)))
        for _ in range(count)
    ]


def test_one_scan_finds_every_needle() -> None:
    """The needles of the date rules, found in one scan, are where str.find finds them."""
    words = sorted({w for *_, needles in _plan() for w in needles})
    crafted = ["thángày", "noelễ", "tếtết", "cáchôm", "rạngày", "tuầnăm", "giánggiữa", "thg"]
    texts = [TEXT.lower(), *crafted, *_mixed_texts([*words, *crafted, "2024", "ng", "nă"])]
    for low in texts:
        expected = {w: _find_all(low, w) for w in words}
        assert _needle_places(low) == {w: at for w, at in expected.items() if at}, low


def test_place_patterns_without_lookbehind() -> None:
    """Province and district names found past the word-boundary shortcut are what the
    patterns with the lookbehind find."""
    pieces = [
        "huyện Nam Đàn",
        "Huyện Hòa Bình",
        "xã Long An",
        "thành phố Cần Thơ",
        "TP.HCM",
        "TP. HCM",
        "Nghệ An",
        "Thanh Hoá",
        "Bà Rịa - Vũng Tàu",
        "phường 12",
        "thị xã Cửa Lò",
        "tỉnh",
        "Xã",
        "xã",
        "An",
        "Hà",
    ]
    for text in [TEXT, *_mixed_texts(pieces)]:
        got = [m.span() for m in at_word_starts(_DISTRICT_CORE, text)]
        assert got == [m.span() for m in _DISTRICT.finditer(text)], text
        got = [m.span() for m in at_word_starts(_province_core(), text)]
        assert got == [m.span() for m in _province_re().finditer(text)], text


def test_segments_shortcuts() -> None:
    """Sentence ends found from their mark, and spans worked out piece by piece, are those
    of the lookbehind pattern and of the whole-list computation."""
    pieces = ["Năm 2023", "đạt 250 triệu USD", "TP.", "ThS.", "Nguyễn", "hơn", "1,5", "(12)"]
    pieces += ["“Ông", "»", ")", "...", "…", "!", "?", "Hà Nội", "a"]
    for text in [TEXT, "", "\n", " \n ", *_mixed_texts(pieces)]:
        seg = segment(text)
        reference = [0] + [
            m.end()
            for m in _SENTENCE_END.finditer(text)
            if m.group() == "\n" or not _abbreviation_before(text, m.start())
        ]
        assert seg.sentences == reference, text
        spans = {
            kind: _trimmed_spans(text, starts)
            for kind, starts in (("p", seg.paragraphs), ("s", seg.sentences), ("c", seg.clauses))
        }
        fresh = segment(text)
        for pos in range(len(text) + 1):
            for kind, starts, got in (
                ("p", seg.paragraphs, fresh.paragraph(pos)),
                ("s", seg.sentences, fresh.sentence(pos)),
            ):
                i = max(bisect.bisect_right(starts, pos) - 1, 0)
                assert got == spans[kind][i], (text, pos, kind)
            s_lo, s_hi = spans["s"][max(bisect.bisect_right(seg.sentences, pos) - 1, 0)]
            c_lo, c_hi = spans["c"][max(bisect.bisect_right(seg.clauses, pos) - 1, 0)]
            assert fresh.clause(pos) == (max(c_lo, s_lo), min(c_hi, s_hi)), (text, pos)


def test_spelled_numbers_found_in_the_lowercased_text() -> None:
    """Number words found case-sensitively in the lowercased text, past the word-start
    shortcut, are what the case-insensitive pattern finds in the text itself."""
    pieces = ["hai", "Hai", "HAI", "mươi", "Năm", "năm", "ba", "Ba Đình", "khai", "trăm"]
    pieces += ["nghìn", "TRIỆU", "không", "phẩy", "một", "mười lăm", "ſáu", "İ", "ı", "_"]
    for text in [TEXT, *_mixed_texts(pieces)]:
        got = [(m.span(), m.group().lower()) for m in _spelled_runs(text)]
        assert got == [(m.span(), m.group().lower()) for m in _spelled_re().finditer(text)]


def test_case_exceptions_of_the_number_words() -> None:
    """A character matches a letter of the number words ignoring case exactly when
    lowercasing turns it into that letter, but for the few that send a text down the slow
    path; and lowercasing keeps word characters word characters."""
    letters = sorted({c for c in _spelled_core().pattern if c.isalpha()})
    either = re.compile("[" + "".join(letters) + "]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        low = lowered(char)
        assert char.isalnum() == low.isalnum(), hex(code)
        if _CASE_EXCEPTIONS.match(char):
            continue
        if either.fullmatch(char) or low in letters:
            assert low in letters and re.fullmatch(re.escape(low), char, re.I), hex(code)


def test_clause_ends_from_their_first_character() -> None:
    """Clause ends matched from their first character are those of the alternation."""
    alternation = re.compile(r"(?:[,;:][ \t]+|[()\[\]]|[ \t][-–—][ \t]|\n)")
    pieces = [",", ", ", ";\t", ":", " - ", " – ", "\t—\t", "-", "(", ")", "[", "]", "\n", "a"]
    pieces += [" ", "  ", "1,5", "x"]
    for text in [TEXT, *_mixed_texts(pieces)]:
        got = [m.span() for m in _CLAUSE_END.finditer(text)]
        assert got == [m.span() for m in alternation.finditer(text)], text


def test_trie_alternation_matches_the_longest_word() -> None:
    """The trie-shaped pattern finds what the alternation of the words, longest first,
    finds."""
    rng = random.Random(9)
    for _ in range(300):
        words = {"".join(rng.choice("abc.") for _ in range(rng.randint(1, 4))) for _ in range(6)}
        ordered = sorted(words, key=len, reverse=True)
        alternation = re.compile("|".join(map(re.escape, ordered)))
        trie = re.compile(trie_alternation(words))
        for text in _mixed_texts(sorted(words), count=20, seed=rng.randrange(10**6)):
            got = [m.span() for m in trie.finditer(text)]
            assert got == [m.span() for m in alternation.finditer(text)], (words, text)


def test_numbers_skipped_before_reading_are_those_the_reader_drops() -> None:
    """Numbers left out by scan_numbers(skip=...) all overlap the blocked spans, which the
    figure reader drops, and it reads every other (shorthand and spelled numbers included)."""
    pieces = ["10k", "1tr5", "2.500", "1,5 tỷ", "hai mươi", "năm", "12/2023", "3", " ", "-"]
    rng = random.Random(9)
    for text in [TEXT, *_mixed_texts(pieces)]:
        spans = [(a, a + rng.randint(1, 6)) for a in rng.sample(range(len(text)), len(text) // 5)]
        blocked = _Blocked(spans)
        read = list(scan_numbers(text, skip=blocked.overlaps))
        every = list(scan_numbers(text))
        assert all(n in every for n in read), text
        assert all(blocked.overlaps(n.start, n.digits_end) for n in every if n not in read)
        assert [n for n in read if not blocked.overlaps(n.start, n.digits_end)] == [
            n for n in every if not blocked.overlaps(n.start, n.digits_end)
        ], text
