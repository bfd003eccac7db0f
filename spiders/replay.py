"""Replay: every response served from WARC files instead of the network.

With ``BAOTINH_REPLAY`` set to one or more WARC paths (a JSON list of them), this
downloader middleware answers each request from the archive: the recorded response of the
same URL (compared normalised, and by path and query when the archive was recorded from a
mirror on another origin), or a 404 when the archive does not hold it. Nothing reaches the
network, so a replayed crawl is how the spider is regression-tested on recorded pages and
how a crawl is re-run offline.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from spiders.warc import read_page_at, read_pages
from transforms.urls import normalize_url

log = logging.getLogger(__name__)


def _path_key(url: str) -> str:
    parts = urlsplit(normalize_url(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


class ReplayMiddleware:
    """Answers requests from recorded responses; a URL not recorded is a 404."""

    def __init__(self, paths: list[Path], crawler: Crawler) -> None:
        self.crawler = crawler
        self.by_url: dict[str, tuple[Path, int]] = {}
        self.by_path: dict[str, tuple[Path, int]] = {}
        for path in paths:
            if not path.is_file():
                raise FileNotFoundError(f"no WARC file to replay at {path}")
            for page in read_pages(path):
                where = (path, page.offset)
                self.by_url.setdefault(normalize_url(page.url), where)
                self.by_path.setdefault(_path_key(page.url), where)
        log.info("replaying %d recorded responses from %d file(s)", len(self.by_url), len(paths))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        raw = crawler.settings.get("BAOTINH_REPLAY")
        if not raw:
            raise NotConfigured("not a replay")
        listed = json.loads(raw) if isinstance(raw, str) else raw  # JSON from the command line
        paths = [Path(p) for p in listed]
        return cls(paths, crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Response:
        where = self.by_url.get(normalize_url(request.url)) or self.by_path.get(
            _path_key(request.url)
        )
        stats = self.crawler.stats
        if where is None:
            stats.inc_value("baotinh/replay/missing")
            return Response(request.url, status=404, request=request)
        page = read_page_at(*where)
        stats.inc_value("baotinh/replay/served")
        headers = Headers({"Content-Type": page.content_type} if page.content_type else {})
        cls = responsetypes.from_args(headers=headers, url=request.url, body=page.body)
        return cls(
            request.url, status=page.status, headers=headers, body=page.body, request=request
        )
