"""AutoThrottle that a missing page does not slow down.

Scrapy's AutoThrottle sets a site's delay from the latency of its responses, and lets a
non-200 response raise the delay but never lower it (error pages are small and fast, so
their latency would pull the delay down). A 404 or 410 is what discovery's guesses
(``/feed.xml``, ``/sitemaps.xml``) and dead links get, and its latency as measured here
includes any time the crawl's own process was busy: the parse of a large sitemap blocks
the reactor, so the 404s in flight meanwhile report its duration. One such answer raised
the delay and the following 404s, unable to lower it, kept it there: an incremental
re-run of a generated 10,000-article paper on loopback spent 20-29 s on 43 missing pages,
2 s without AutoThrottle. Here a 404 or 410 leaves the delay as it is, both ways; every
other answer is Scrapy's own rule, and 429/503 still back off
(:class:`spiders.middlewares.BackoffRetryMiddleware`).
"""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response

NOT_FOUND = frozenset({404, 410})


class NotFoundNeutralAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle, except that a 404 or 410 never changes the delay."""

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        if response.status in NOT_FOUND:
            return
        super()._adjust_delay(slot, latency, response)
