"""Scrapy settings for a polite news crawler.

Politeness is configuration, not spider code: robots.txt is obeyed, AutoThrottle keeps at
most ~1 request in flight per site, 429/503 answers slow the site down (see
:class:`spiders.middlewares.BackoffRetryMiddleware`), and every page has a timeout and a size
cap. :func:`local_overrides` relaxes the delays for a server on this machine (tests, demo).
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("baotinh")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0"

CONTACT = os.environ.get("BAOTINH_CONTACT", "https://github.com/baotinh/baotinh#crawler")

BOT_NAME = "baotinh"
SPIDER_MODULES = ["spiders.news"]
USER_AGENT = f"baotinh/{__version__} (+{CONTACT}; research crawler of Vietnamese provincial news)"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5",
}
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy checks every callback for a generator that returns a value by parsing its source;
# its cache holds the bound method weakly and each request's bound method dies with it, so
# every response re-read and re-parsed the spider's source (about 6% of a crawl's CPU).
# tests/test_spider.py makes the same check once on the spider's callbacks.
WARN_ON_GENERATOR_RETURN_VALUE = False

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# AutoThrottle, but a 404 or 410 (a discovery guess, a dead link) leaves the delay alone.
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "spiders.throttle.NotFoundNeutralAutoThrottle": 0,
}

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0

DOWNLOADER_MIDDLEWARES = {
    # Robots.txt is fetched and parsed before any other request to a host, for every waiter.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RobotsFirstMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    # After HttpCompressionMiddleware (590) on the way back: the archive stores decoded bodies.
    "spiders.middlewares.WarcArchiveMiddleware": 580,
}
# Closest to the network, added for replays only (spiders.crawl): answers from WARC files.
REPLAY_MIDDLEWARE = {"spiders.replay.ReplayMiddleware": 960}

# Conditional requests for discovery pages (feeds, sitemaps, listings): the crawl keeps the
# last copy with its ETag / Last-Modified and asks "changed since?"; an unchanged feed costs
# one 304. Articles are never cached (``dont_cache``): the WARC archive is their store.
# Switched on per crawl with HTTPCACHE_DIR (see spiders.crawl), off for replays.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_EXPIRATION_SECS = 0

LOG_LEVEL = "INFO"
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"
LOG_DATEFORMAT = "%H:%M:%S"


def local_overrides() -> dict[str, object]:
    """Settings for a server on this machine (tests, demo, bench) or a replay: no waiting
    between requests; AutoThrottle still follows the server's latency."""
    return {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_START_DELAY": 0.01,
        "AUTOTHROTTLE_MAX_DELAY": 5.0,
        "RETRY_BACKOFF_BASE": 0.2,
        "RETRY_BACKOFF_MAX": 5.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    }
