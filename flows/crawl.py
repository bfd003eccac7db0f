"""Running one crawl as a subprocess and relaying its log."""

from __future__ import annotations

import ctypes
import ipaddress
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

_PR_SET_PDEATHSIG = 1
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
    direct: bool = False  # only given article URLs were fetched, no discovery

    @property
    def articles_fetched(self) -> int:
        return int(self.stats.get("baotinh/archived/article", 0))

    @property
    def listing_pages(self) -> int:
        return sum(int(self.stats.get(f"baotinh/archived/{k}", 0)) for k in ("listing", "feed"))

    @property
    def article_links(self) -> int:
        """Article URLs discovery found: requested, already known or over the cap."""
        keys = ("baotinh/articles/requested", "baotinh/articles/known_skipped")
        return sum(int(self.stats.get(k, 0)) for k in (*keys, "baotinh/articles/over_cap"))

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
    """The URL's host is on this machine (the whole 127.0.0.0/8, ::1, localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    registry: str | None = None,
    urls: list[str] | None = None,
    replay: list[Path] | None = None,
    state_dir: Path | None = None,
) -> CrawlOutcome:
    """Crawl ``site_key`` into ``warc`` with ``python -m spiders.crawl``.

    ``urls`` fetches only those articles; ``replay`` serves every response from WARC files;
    ``state_dir`` keeps the paper's crawl state between runs (discovery pages for
    conditional requests, the frontier). A loopback ``base_url``
    (the demo, the tests) is crawled without politeness delays.
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
        if registry:
            command += ["--registry", str(registry)]
        if urls is not None:
            urls_file = Path(tmp) / "urls.txt"
            urls_file.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")
            command += ["--urls", str(urls_file)]
        for path in replay or ():
            command += ["--replay", str(path)]
        if state_dir is not None and not replay:
            command += ["--state-dir", str(state_dir)]
        if since:
            command += ["--since", since.isoformat()]
        if max_articles:
            command += ["--max-articles", str(max_articles)]
        if is_loopback(base_url):
            command.append("--local")
        log.info("crawling %s from %s (%d articles already known)", site_key, base_url, len(known))
        returncode = _run_relaying_log(command, log)
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return CrawlOutcome(warc if warc.exists() else None, returncode, stats, urls is not None)


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the process that started it dies (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the finally clause of the parent still ends the crawl


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """End the crawl's whole process group: SIGTERM (Scrapy closes its archive), then KILL."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _run_relaying_log(command: list[str], log: logging.Logger | logging.LoggerAdapter) -> int:
    """Run ``command`` in its own process group; each line it logs on stderr is logged again
    at its own level. If this thread is interrupted (cancellation, timeout, Ctrl-C) or the
    parent process dies, the crawl is ended with it."""
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    ) as process:
        try:
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
        finally:
            _stop(process)
