"""Near-duplicate text (wire copy) as MinHash signatures and LSH band keys; no I/O.

Provincial papers re-publish one story (a TTXVN dispatch, a neighbour's article) with a new
first line, another byline or a trailing "Theo TTXVN". Two texts are compared as sets of
*shingles*: every run of :data:`SHINGLE_SIZE` consecutive syllables of the normalised text
(NFC, case-folded, punctuation removed). The Jaccard similarity of two such sets is
estimated from MinHash signatures of :data:`NUM_PERM` values, computed as datasketch's
``affine32`` scheme computes them (each value fits 32 bits; see :func:`signature`).

Candidates are found by LSH banding: the signature is cut into :data:`BANDS` bands of
:data:`ROWS` values; two texts sharing any band key are candidates, which happens with
probability ``1 - (1 - s**ROWS) ** BANDS`` for Jaccard similarity ``s``. With 25 bands of
5 rows (125 values) that is 0.99 at s = 0.7, 0.87 at 0.6, 0.55 at 0.5 and 0.06 at 0.3 (the
curve's threshold, ``(1/25) ** (1/5)``, is 0.52). A candidate is a duplicate only when its
estimated similarity reaches :data:`THRESHOLD` (0.6); the estimate's standard error at
s = 0.3 is 0.04, so a pair that far apart is practically never accepted. Fewer rows (32×4)
make a candidate of almost every pair at 0.3 (23 %); more rows (16×8) miss 39 % at 0.7.
"""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np

SHINGLE_SIZE = 5  # syllables per shingle
MIN_WORDS = 40  # shorter texts get no signature: too few shingles to tell copy from topic
BANDS = 25
ROWS = 5
NUM_PERM = BANDS * ROWS
THRESHOLD = 0.6  # estimated Jaccard similarity from which two texts are one story
SEED = 1
SCHEME = "affine32"  # datasketch >= 2's name for it: stored signatures depend on it
# MurmurHash3's 32-bit finalizer: shifts and multipliers, as datasketch's affine32 pre-mix.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)

Signature = tuple[int, ...]

_SHA1_DIGEST = operator.methodcaller("digest")
_SHA1_SIZE = 20

_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)


def normalise(text: str) -> str:
    """NFC, case-folded, punctuation replaced by spaces, whitespace collapsed."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(_PUNCTUATION.sub(" ", folded).split())


def words(text: str) -> list[str]:
    """The syllables of the normalised text."""
    return normalise(text).split()


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Every run of ``size`` consecutive syllables (the whole text when shorter)."""
    syllables = words(text)
    if len(syllables) <= size:
        return {" ".join(syllables)} if syllables else set()
    return _runs(syllables, size, " ")


def _runs(syllables: list, size: int, space: str | bytes) -> set:
    """Every run of ``size`` consecutive syllables joined by ``space`` (str or bytes alike),
    built by C-level ``map`` and ``zip``: :func:`signature` takes them as UTF-8 bytes."""
    return set(map(space.join, zip(*(syllables[i:] for i in range(size)), strict=False)))


def jaccard(a: set[str], b: set[str]) -> float:
    """The exact Jaccard similarity of two shingle sets (for tests and tuning)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The ``a`` (odd) and ``b`` of each affine permutation ``h -> a * h + b mod 2**32``,
    drawn from NumPy's legacy ``RandomState(SEED)`` in datasketch's order."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    return values ^ (values >> np.uint32(s3))


def signature(text: str) -> Signature | None:
    """The MinHash signature of a text, or None for a text under :data:`MIN_WORDS` words.

    Each shingle is hashed to the first 4 bytes of its SHA-1 (little-endian), pre-mixed with
    MurmurHash3's finalizer and put through each affine permutation mod 2**32; a value is the
    least of its permutation. These are datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED,
    scheme="affine32")`` values (the tests compare them), computed here with NumPy alone:
    importing datasketch imports SciPy for its LSH indexes (about 50 MB and 1-2 s per
    process), and only the values are used.

    The text is normalised once and its shingles are built and hashed as UTF-8 bytes by
    C-level ``map`` calls: the syllables are joined by single spaces, so a shingle's bytes
    are the encoding of :func:`shingles`'s string. This runs once per loaded article in the
    run's process, where a Python loop per shingle cost about as much as the rest of loading.
    """
    syllables = normalise(text).encode("utf-8").split(b" ")
    if len(syllables) < MIN_WORDS:
        return None
    distinct = _runs(syllables, SHINGLE_SIZE, b" ")  # :func:`shingles`, as UTF-8 bytes
    digests = b"".join(map(_SHA1_DIGEST, map(hashlib.sha1, distinct)))
    first_words = np.frombuffer(digests, dtype=np.uint8).reshape(-1, _SHA1_SIZE)[:, :4]
    hashed = _fmix32(first_words.copy().view("<u4").ravel().astype(np.uint32))
    a, b = _permutations()
    with np.errstate(over="ignore"):
        values = (hashed[:, np.newaxis] * a + b).min(axis=0)
    return tuple(values.tolist())


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """The Jaccard similarity estimated from two signatures: the share of equal values."""
    if len(a) != len(b) or not a:
        raise ValueError(f"signatures of different or zero length: {len(a)} and {len(b)}")
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def band_keys(sig: Sequence[int]) -> list[tuple[int, int]]:
    """``(band, key)`` for each LSH band: key is a signed 64-bit hash of the band's values."""
    if len(sig) != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} values, not {len(sig)}")
    values = np.asarray(sig, dtype="<u4")
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "big", signed=True)))
    return keys


def candidate_probability(s: float, bands: int = BANDS, rows: int = ROWS) -> float:
    """The chance that two texts of Jaccard similarity ``s`` share at least one band key."""
    return 1.0 - (1.0 - s**rows) ** bands


def is_duplicate(a: Sequence[int], b: Sequence[int]) -> bool:
    """Whether two signatures are near-duplicates (estimate at least :data:`THRESHOLD`)."""
    return similarity(a, b) >= THRESHOLD
