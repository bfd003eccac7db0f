"""The bench's timing helpers: batches of text, the median round, works timed in turn."""

from __future__ import annotations

import time

import pytest

from bench.timing import batches, in_turn, median_index, spread


def test_batches_keep_every_text_in_order_and_close_at_the_size():
    texts = ["ạ" * 500, "b" * 700, "c" * 900, "d" * 100, "e" * 2000]  # "ạ" is 3 bytes
    groups = batches(texts, kilobytes=1.5)
    assert [t for group in groups for t in group] == texts
    assert groups == [[texts[0]], [texts[1], texts[2]], [texts[3], texts[4]]]


def test_batches_of_nothing_are_none():
    assert batches([], kilobytes=16) == []


def test_median_index_picks_the_middle_round_and_the_lower_of_two():
    assert median_index([1.3, 0.9, 1.1]) == 2
    assert median_index([1.2, 0.8]) == 1
    assert median_index([5.0]) == 0
    with pytest.raises(ValueError):
        median_index([])


def test_spread_shows_the_reported_median_and_the_range():
    assert spread([1.3, 0.9, 1.1]) == "1.10 (0.90-1.30)"
    assert spread([1.2, 0.8]) == "0.80 (0.80-1.20)"


def test_in_turn_charges_each_work_its_own_time_and_rotates_the_order():
    order: list[str] = []

    def busy(seconds: float, name: str):
        def work(item: int) -> None:
            order.append(name)
            end = time.process_time() + seconds
            while time.process_time() < end:
                pass

        return work

    light, heavy = in_turn([busy(0.002, "light"), busy(0.02, "heavy")], range(4))
    assert order == ["light", "heavy", "heavy", "light"] * 2
    assert 0.008 <= light < 0.04 and 0.08 <= heavy < 0.2
    assert heavy > 4 * light
