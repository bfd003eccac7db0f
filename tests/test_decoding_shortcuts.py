"""The cheaper paths of page decoding (issue 9) give exactly what the plain ones give:
:func:`transforms.nfc.to_nfc` against ``unicodedata.normalize``, and
:func:`transforms.encoding.oddness` against its definition written out plainly below."""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from transforms.encoding import _FINE, _TWO_TONES, TONED_LETTERS, _judged, decode_page, oddness
from transforms.nfc import to_nfc

# Characters that make NFC work: combining marks (with classes that reorder), letters they
# compose with, Hangul jamo that compose into syllables, singletons that NFC replaces
# (Ohm sign, CJK compatibility ideograph), a precomposed letter NFC decomposes and
# recomposes, spaces and other ASCII, characters outside the BMP, a lone surrogate.
NFC_ALPHABET = (
    list("aeouyAEOUdđơư ") * 3
    + list(" \t\n.,")
    + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u031b", "\u0302", "\u0306"]
    + ["\u1100", "\u1161", "\u11a8", "\uac00"]
    + ["\u2126", "\uf900", "\u0344", "\u1f71", "ế", "Ấ", "ự"]
    + ["\U0001d15e", "\U0001f600", "\ud800"]
)


def _random_text(rng: random.Random, alphabet: list[str], size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 8])
def test_to_nfc_equals_unicodedata_on_random_text(piece: int) -> None:
    rng = random.Random(piece)
    for _ in range(4000):
        text = _random_text(rng, NFC_ALPHABET, rng.randint(0, 60))
        assert to_nfc(text, piece=piece) == unicodedata.normalize("NFC", text), repr(text)


def test_to_nfc_equals_unicodedata_on_long_decomposed_text() -> None:
    rng = random.Random(7)
    precomposed = [chr(c) for c in range(0x1EA0, 0x1EFA)] + list("đơưăâêô")
    words = [
        "".join(rng.choice(precomposed + list("nghtc")) for _ in range(rng.randint(1, 6)))
        for _ in range(3000)
    ]
    text = " ".join(words)
    decomposed = unicodedata.normalize("NFD", text)
    mixed = "".join(
        unicodedata.normalize("NFD", w) if i % 97 == 0 else w for i, w in enumerate(words)
    )
    for sample in (text, decomposed, mixed, " ".join([mixed] * 3)):
        assert len(sample) > 2 * 4096  # long enough to be cut
        assert to_nfc(sample) == unicodedata.normalize("NFC", sample)


def _plain_oddness(text: str) -> float:
    """:func:`oddness` as it reads: counts of the non-ASCII characters, _TWO_TONES on the
    whole text."""
    counts = Counter(re.sub(r"[\x00-\x7f]+", "", text))
    judged = sum(n for char, n in counts.items() if _judged(char))
    odd = sum(n for char, n in counts.items() if _judged(char) and char not in _FINE)
    if not judged:
        return 0.0
    return min(1.0, (odd + len(_TWO_TONES.findall(text))) / judged)


def test_oddness_equals_its_plain_definition_on_random_text() -> None:
    rng = random.Random(3)
    alphabet = (
        list(string.printable)
        + sorted(TONED_LETTERS) * 3
        + list("đĐăâêôơưĂÂÊÔƠƯ_½²٣€₫·«\xa0\u0300\u0301\ufffdÌõýß")
        + [chr(c) for c in rng.sample(range(0x80, 0x3000), 200)]
        + ["\U0001f600", "\ud800", "\udfff", "\x85", "\x9c"]
    )
    for _ in range(20000):
        text = _random_text(rng, alphabet, rng.randint(0, 16))
        assert oddness(text) == _plain_oddness(text), repr(text)


def test_oddness_of_a_wrong_decoding_is_unchanged() -> None:
    """Vietnamese in windows-1258 read as windows-1252: two tone marks a word."""
    text = "Người dân xã Nghi Lộc đã nhận được hỗ trợ. " * 20
    wrong = text.encode("cp1258", errors="replace").decode("cp1252", errors="replace")
    assert oddness(wrong) == _plain_oddness(wrong) > 0.1
    assert oddness(text) == _plain_oddness(text) == 0.0


def test_real_pages_decode_and_score_as_the_plain_paths_do(shared_dir: Path) -> None:
    pages = sorted(p for p in (shared_dir / "pages").rglob("*") if p.suffix in (".html", ".htm"))
    if not pages:
        pytest.skip("no saved pages")
    for path in pages:
        body = path.read_bytes()
        text = body.decode("utf-8", errors="replace")
        assert to_nfc(text) == unicodedata.normalize("NFC", text), path.name
        assert oddness(text) == _plain_oddness(text), path.name
        assert decode_page(body).text == unicodedata.normalize("NFC", text), path.name
