"""A page's bytes to NFC Unicode text, whatever encoding it really uses.

Candidates, in order of trust: the byte-order mark, the HTTP ``charset``, the page's own
``<meta charset>`` (or ``http-equiv``), UTF-8, windows-1258, the two 8-bit Vietnamese font
encodings (TCVN3/ABC, from ``data/tcvn3.toml``; VNI-Windows, from ``data/vni.toml``, also
when such text was stored inside a UTF-8 page) and, when none of these reads cleanly,
charset-normalizer's guess. Each decoding is scored by :func:`oddness`: the share of its
non-ASCII characters that Vietnamese text does not use (replacement characters, C1 controls,
stray combining marks, Latin letters outside the Vietnamese alphabet, words with two tone
marks). The first candidate that reads cleanly wins; else the least odd one, if it is good
enough; else the page is :class:`UndecodablePage`, never stored as mojibake.
"""

from __future__ import annotations

import codecs
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from transforms.nfc import to_nfc

CLEAN = 0.02  # a decoding this odd or less is accepted at once
MAX_ODD = 0.1  # the best decoding must be at most this odd
SNIFF_BYTES = 4096  # where <meta charset> is looked for

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels browsers read as another encoding (WHATWG), and names of the font encodings.
_ALIASES = {
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "tcvn": "tcvn3",
    "tcvn3": "tcvn3",
    "tcvn-3": "tcvn3",
    "tcvn5712": "tcvn3",
    "x-viet-tcvn5712": "tcvn3",
    "abc": "tcvn3",
    "vni": "vni",
    "vni-windows": "vni",
    "x-viet-vni": "vni",
}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ALL_ASCII = bytes(range(0x80))
_ASCII_LETTERS = bytes(c for c in range(0x80) if chr(c).isalpha())

_TONES = "\u0300\u0301\u0309\u0303\u0323"
_VOWELS = "aăâeêioôơuưy"


class UndecodablePage(ValueError):
    """No encoding reads the page as text; the message starts with ``undecodable:``."""


@dataclass(frozen=True)
class Decoded:
    """A page's text and the encoding it was read with (``tcvn3``, ``vni``, a codec name;
    ``utf-8+vni`` for font-encoded text inside a UTF-8 page)."""

    text: str
    encoding: str
    declared: str | None
    oddness: float


# --- the alphabet -----------------------------------------------------------------------------


def _vietnamese_letters() -> tuple[frozenset[str], frozenset[str]]:
    letters, toned = set("đĐ"), set()
    for vowel in _VOWELS + _VOWELS.upper():
        letters.add(vowel)
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", vowel + tone)
            letters.add(letter)
            toned.add(letter)
    return frozenset(letters), frozenset(toned)


VIETNAMESE_LETTERS, TONED_LETTERS = _vietnamese_letters()
# Non-ASCII characters at home in Vietnamese pages besides its letters.
_FINE = frozenset("\xa0°«»·×©€₫") | VIETNAMESE_LETTERS
# Both cases of each toned letter are listed: no IGNORECASE, which halves the scan's time.
_TWO_TONES = re.compile("[{t}][^\\W\\d_]*?[{t}]".format(t="".join(sorted(TONED_LETTERS))))


def _judged(char: str) -> bool:
    """Characters that can betray a wrong decoding (Latin, controls, marks, U+FFFD)."""
    code = ord(char)
    return code < 0x370 or 0x1E00 <= code < 0x1F00 or code == 0xFFFD


def oddness(text: str) -> float:
    """The share of the text's Latin-range non-ASCII characters that Vietnamese does not use.

    Words holding two tone marks ("ngýõÌi", windows-1258 read as windows-1252) count as one
    odd character each. Other scripts (Chinese, Khmer) are not judged.

    Both counts work on the text's UTF-8 bytes with ASCII taken out by ``bytes.translate``
    (no byte of a multi-byte character is ASCII, so what is left decodes to the text's
    non-ASCII characters): a page is mostly ASCII markup, which a scan of the whole text
    would walk character by character.
    """
    data = text.encode("utf-8", "surrogatepass")
    non_ascii = data.translate(None, _ALL_ASCII).decode("utf-8", "surrogatepass")
    judged = odd = 0
    for char, n in Counter(non_ascii).items():
        if _judged(char):
            judged += n
            odd += 0 if char in _FINE else n
    if not judged:
        return 0.0
    # The same words for _TWO_TONES with their ASCII letters dropped: inside a word they only
    # join its letters; any other ASCII character still parts words.
    words = data.translate(None, _ASCII_LETTERS)
    odd += len(_TWO_TONES.findall(words.decode("utf-8", "surrogatepass")))
    return min(1.0, odd / judged)


# --- the font encodings -----------------------------------------------------------------------


def _data(name: str) -> dict:
    return tomllib.loads(resources.files("transforms").joinpath(f"data/{name}").read_text("utf-8"))


@cache
def _tcvn3_table() -> str:
    table = [chr(i) if i < 0x80 or i == 0xA0 else "\ufffd" for i in range(256)]
    for byte, char in _data("tcvn3.toml")["bytes"].items():
        table[int(byte, 16)] = char
    return "".join(table)


@cache
def _vni_tables() -> tuple[dict[str, str], dict[str, str], re.Pattern[str]]:
    data = _data("vni.toml")
    single, marks = data["single"], data["marks"]
    bases = "aeiouyAEIOUYôöÔÖ"
    pattern = re.compile(f"([{bases}])([{''.join(marks)}])?|[{''.join(single)}]")
    return single, marks, pattern


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes as Unicode."""
    return data.decode("latin-1").translate(dict(enumerate(_tcvn3_table())))


def from_vni(text: str) -> str:
    """Text in VNI-Windows, read as windows-1252 characters, as NFC Unicode."""
    single, marks, pattern = _vni_tables()

    def letter(match: re.Match[str]) -> str:
        base, mark = match.group(1), match.group(2)
        if base is None:
            return single[match.group(0)]
        base = single.get(base, base)
        if mark is None:
            return base
        combined = unicodedata.normalize("NFC", base + marks[mark])
        return combined if len(combined) == 1 else base + mark

    return pattern.sub(letter, text)


def _as_font_bytes(text: str) -> bytes | None:
    """Text whose non-ASCII characters are all one byte in windows-1252/Latin-1, as bytes."""
    out = bytearray()
    for char in text:
        if ord(char) < 0x100 and not 0x80 <= ord(char) < 0xA0:
            out.append(ord(char))
            continue
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            return None
    return bytes(out)


# --- declared encodings -----------------------------------------------------------------------


def canonical_encoding(label: str | None) -> str | None:
    """A codec name for a charset label (``tcvn3``/``vni`` for the font encodings)."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` of a Content-Type header."""
    if not content_type:
        return None
    found = _CHARSET.search(content_type.encode("latin-1", "replace"))
    return canonical_encoding(found.group(1).decode("ascii")) if found else None


def meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag declares in the page's first bytes."""
    for tag in _META.finditer(body[:SNIFF_BYTES]):
        found = _CHARSET.search(tag.group(0))
        if found:
            return canonical_encoding(found.group(1).decode("ascii"))
    return None


# --- decoding ---------------------------------------------------------------------------------


def _decode_with(body: bytes, encoding: str) -> str:
    if encoding == "tcvn3":
        return decode_tcvn3(body)
    if encoding == "vni":
        return from_vni(body.decode("cp1252", errors="strict"))
    return body.decode(encoding, errors="strict")


def _candidates(body: bytes, declared: list[str]) -> Iterator[tuple[str, Callable[[], str]]]:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            yield f"bom:{encoding}", lambda e=encoding: body.decode(e)
            break
    for encoding in (*declared, "utf-8", "cp1258", "tcvn3", "vni"):
        yield encoding, lambda e=encoding: _decode_with(body, e)
    yield "detected", lambda: _detected(body)


def _detected(body: bytes) -> str:
    from charset_normalizer import from_bytes  # imported lazily: only hard pages need it

    best = from_bytes(body).best()
    if best is None:
        raise UnicodeDecodeError("detector", body, 0, len(body), "no encoding fits")
    return str(best)


def _readings(name: str, text: str) -> Iterator[tuple[str, str]]:
    """A decoded text, and font-encoded text carried inside it (a UTF-8 page in VNI)."""
    yield name, text
    if name.startswith(("utf", "bom:utf")) and _NON_ASCII.search(text):
        raw = _as_font_bytes(text)
        if raw is not None:
            yield f"{name}+tcvn3", decode_tcvn3(raw)
            yield f"{name}+vni", from_vni(raw.decode("cp1252", errors="replace"))


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """The page's text in NFC, read with the encoding that makes sense of it.

    Raises :class:`UndecodablePage` when no candidate encoding reads it cleanly enough.
    """
    declared = [e for e in (http_charset(content_type), meta_charset(body)) if e]
    said = declared[0] if declared else None
    declared = list(dict.fromkeys(declared))
    best: Decoded | None = None
    tried: set[str] = set()
    for name, decode in _candidates(body, declared):
        if name in tried:
            continue
        tried.add(name)
        try:
            text = decode()
        except (UnicodeDecodeError, LookupError):
            continue
        for label, reading in _readings(name, text):
            reading = to_nfc(reading)
            found = Decoded(reading, label, said, oddness(reading))
            if best is None or found.oddness < best.oddness:
                best = found
            if found.oddness <= CLEAN:
                return found
    if best is None or best.oddness > MAX_ODD:
        share = f"{best.oddness:.0%} odd characters as {best.encoding}" if best else "no text"
        raise UndecodablePage(
            f"undecodable: declared {said or 'no charset'}; best reading has {share}"
        )
    return best


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """:func:`decode_page`'s text."""
    return decode_page(body, content_type).text


# --- the reverse, for tests and fixtures -----------------------------------------------------


def encode_tcvn3(text: str) -> bytes:
    """NFC text as TCVN3 bytes (uppercase toned letters, which TCVN3 lacks, are lowered)."""
    reverse = {char: int(byte, 16) for byte, char in _data("tcvn3.toml")["bytes"].items()}
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        code = reverse.get(char, reverse.get(char.lower()))
        out += bytes([code]) if code is not None else char.encode("latin-1")
    return bytes(out)


def to_vni(text: str) -> str:
    """NFC text in VNI-Windows, as windows-1252 characters (encode with ``cp1252``)."""
    single, marks, _ = _vni_tables()
    letters = {v: k for k, v in single.items() if k.lower() not in "íì"}
    by_marks = {
        unicodedata.normalize("NFD", "a" + v)[1:]: k for k, v in marks.items() if k.islower()
    }
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in letters:
            out.append(letters[char])
            continue
        base, *combining = unicodedata.normalize("NFD", char)
        rest = "".join(combining)
        horn = rest.startswith("\u031b")  # ơ, ư
        if horn:
            base, rest = letters[unicodedata.normalize("NFC", base + "\u031b")], rest[1:]
        if not rest or base.lower() not in "aeiouyôö":
            out.append(char if not horn else base + rest)
            continue
        mark = by_marks[rest]
        out.append(base + (mark.upper() if char.isupper() else mark))
    return "".join(out)


def encode_cp1258(text: str) -> bytes:
    """NFC text as windows-1258 bytes: precomposed where the code page has the letter, else
    the letter without its tone followed by the combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", char)
            tone = "".join(m for m in marks if m in _TONES)
            base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in _TONES))
            out += (base + tone).encode("cp1258")
    return bytes(out)
