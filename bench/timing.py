"""Timing on a machine whose speed drifts: works compared item by item in turn, and the
median of repeated rounds.

On this 2-core VM the same work costs up to 40% more CPU time from one minute to the next.
Two works timed one after the other can land on either side of such a change; timed in
turn, item by item, a change slows both alike. An item must not be too small, though: our
extractors timed text by text right after Duckling ran at half their speed (Duckling had
evicted what they keep in the CPU's caches), so short texts are timed in batches
(:func:`batches`) of some kilobytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def in_turn(works: Sequence[Callable[[Item], object]], items: Iterable[Item]) -> list[float]:
    """CPU seconds each of ``works`` spent on ``items``, timed item by item, the order of
    the works rotating from one item to the next so that none always goes first."""
    spent = [0.0] * len(works)
    for n, item in enumerate(items):
        first = n % len(works)
        for i in [*range(first, len(works)), *range(first)]:
            started = time.process_time()
            works[i](item)
            spent[i] += time.process_time() - started
    return spent


def batches(texts: Sequence[str], kilobytes: float) -> list[list[str]]:
    """``texts`` in consecutive groups of about ``kilobytes`` of UTF-8 each (the last may be
    smaller)."""
    groups: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if size >= kilobytes * 1000:
            groups.append([])
            size = 0
        groups[-1].append(text)
        size += len(text.encode("utf-8"))
    return [group for group in groups if group]


def median_index(values: Sequence[float]) -> int:
    """Index of the median of ``values`` (the lower middle one when their number is even):
    the round reported, so that its figures stay those of one real run."""
    if not values:
        raise ValueError("no values")
    return sorted(range(len(values)), key=values.__getitem__)[(len(values) - 1) // 2]


def spread(values: Sequence[float]) -> str:
    """ "median (min-max)" of ``values``, for a printed line."""
    middle = values[median_index(values)]
    return f"{middle:.2f} ({min(values):.2f}-{max(values):.2f})"
