"""Running one crawl as a subprocess and relaying its log."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

_LEVELS = {
    name: getattr(logging, name) for name in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
}


class CrawlFailed(RuntimeError):
    """The crawl died, or reached nothing of the site at all."""


@dataclass(frozen=True)
class CrawlOutcome:
    """What a crawl left: its WARC file (None if it archived nothing) and statistics."""

    warc: Path | None
    returncode: int
    stats: dict[str, object] = field(default_factory=dict)

    @property
    def articles_fetched(self) -> int:
        return int(self.stats.get("baotinh/archived/article", 0))

    @property
    def listing_pages(self) -> int:
        return sum(int(self.stats.get(f"baotinh/archived/{k}", 0)) for k in ("listing", "feed"))

    @property
    def pages_fetched(self) -> int:
        return self.articles_fetched + self.listing_pages

    def failure(self) -> str | None:
        """Why this crawl counts as failed, or None: it must exit cleanly and get at least one
        answer from the site (a site that is down or unreachable is an error, not an empty
        day)."""
        if self.returncode != 0:
            return f"the crawl exited with status {self.returncode}"
        if not self.stats.get("response_received_count"):
            errors = {
                k.rsplit("/", 1)[-1]: v
                for k, v in self.stats.items()
                if k.startswith("downloader/exception_type_count/")
            }
            return f"no answer from the site ({errors or 'no request made'})"
        return None


def is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


def run_crawl(
    site_key: str,
    *,
    base_url: str,
    warc: Path,
    known: set[str],
    since: date | None,
    max_articles: int | None,
    log: logging.Logger | logging.LoggerAdapter,
    max_listing_pages: int = 20,
) -> CrawlOutcome:
    """Crawl ``site_key`` into ``warc`` with ``python -m spiders.crawl``.

    A loopback ``base_url`` (the demo, the tests) is crawled without politeness delays.
    """
    with tempfile.TemporaryDirectory(prefix="baotinh-crawl-") as tmp:
        known_file, stats_file = Path(tmp) / "known.txt", Path(tmp) / "stats.json"
        known_file.write_text("".join(f"{url}\n" for url in sorted(known)), encoding="utf-8")
        command = [
            sys.executable, "-m", "spiders.crawl",
            "--site", site_key,
            "--warc", str(warc),
            "--base-url", base_url,
            "--known", str(known_file),
            "--stats", str(stats_file),
            "--max-listing-pages", str(max_listing_pages),
        ]  # fmt: skip
        if since:
            command += ["--since", since.isoformat()]
        if max_articles:
            command += ["--max-articles", str(max_articles)]
        if is_loopback(base_url):
            command.append("--local")
        log.info("crawling %s from %s (%d articles already known)", site_key, base_url, len(known))
        returncode = _run_relaying_log(command, log)
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return CrawlOutcome(warc if warc.exists() else None, returncode, stats)


def _run_relaying_log(command: list[str], log: logging.Logger | logging.LoggerAdapter) -> int:
    """Run ``command``; each line it logs on stderr is logged again at its own level."""
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    ) as process:
        assert process.stderr is not None
        previous = logging.DEBUG
        for raw in process.stderr:
            line = raw.rstrip()
            if not line:
                continue
            head = line.split(" ", 1)[0]
            if head in _LEVELS:
                previous = level = _LEVELS[head]
            else:  # a continuation line: the stats dump, a traceback
                level = previous if previous >= logging.WARNING else logging.DEBUG
            log.log(level, line)
        return process.wait()
