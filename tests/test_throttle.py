"""AutoThrottle, minus the ratchet of missing pages: a slow 404 or 410 leaves a site's delay
as it is; every other answer follows Scrapy's own rule (the control shows that rule raises
the delay on the same 404)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from spiders.crawl import build_settings
from spiders.throttle import NotFoundNeutralAutoThrottle

URL = "http://127.0.0.1:8000/feed.xml"


def throttle(cls: type[AutoThrottle]) -> AutoThrottle:
    """The extension as a crawl would build it, with its bounds set as when the spider opens."""
    crawler = get_crawler(settings_dict={"AUTOTHROTTLE_ENABLED": True, "DOWNLOAD_DELAY": 0.0})
    extension = cls.from_crawler(crawler)
    extension.mindelay, extension.maxdelay = 0.0, 60.0
    return extension


def delay_after(extension: AutoThrottle, status: int, latency: float, delay: float) -> float:
    slot = Slot(concurrency=2, delay=delay, jitter=0)
    extension._adjust_delay(slot, latency, Response(URL, status=status))
    return slot.delay


@pytest.mark.parametrize("status", [404, 410])
def test_a_slow_missing_page_leaves_the_delay_alone(status: int) -> None:
    ours = throttle(NotFoundNeutralAutoThrottle)
    assert delay_after(ours, status, latency=0.8, delay=0.01) == 0.01
    assert delay_after(ours, status, latency=0.001, delay=0.5) == 0.5


def test_scrapys_own_rule_raises_the_delay_on_that_404() -> None:
    assert delay_after(throttle(AutoThrottle), 404, latency=0.8, delay=0.01) == pytest.approx(0.8)


@pytest.mark.parametrize(("status", "latency", "expected"), [(200, 0.8, 0.8), (503, 0.8, 0.8)])
def test_other_answers_follow_scrapys_rule(status: int, latency: float, expected: float) -> None:
    ours, stock = throttle(NotFoundNeutralAutoThrottle), throttle(AutoThrottle)
    got = delay_after(ours, status, latency, delay=0.01)
    assert got == pytest.approx(expected) == delay_after(stock, status, latency, delay=0.01)
    assert delay_after(ours, 200, latency=0.001, delay=0.5) < 0.5  # a fast 200 lowers it


def test_crawls_run_with_it_in_place_of_scrapys(tmp_path: Path) -> None:
    for local in (False, True):
        settings = build_settings(warc=tmp_path / "a.warc.gz", site="baonghean", local=local)
        extensions = settings.getdict("EXTENSIONS")
        assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
        assert "spiders.throttle.NotFoundNeutralAutoThrottle" in extensions
        assert settings.getbool("AUTOTHROTTLE_ENABLED")
