"""Running one crawl as a subprocess and relaying its log."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from flows.processes import die_with_parent
from transforms.urls import is_loopback_host

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
    reason: str | None = None  # the crawl's own last word on a failure ("crawl failed: …")

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
        day, even when the paper's HTTP cache stood in with stale copies). A crawl of given
        URLs that had none left to fetch (none listed for this paper, or all already
        archived) asked the site nothing, and has not failed."""
        if self.returncode != 0:
            why = self.stats.get("baotinh/failure") or self.reason
            if why is None and self.returncode < 0:
                why = f"killed by {signal.Signals(-self.returncode).name}"
            return f"the crawl exited with status {self.returncode}" + (f": {why}" if why else "")
        if self.direct and not self.stats.get("downloader/request_count"):
            return None
        # The HTTP cache's copies are responses to Scrapy, not answers from the site (the
        # spider counts those that came over the network): a crawl that asked the site in
        # vain got no answer, even if the cache stood in with stale copies.
        from_site = self.stats.get("baotinh/responses/from_site", 0)
        asked_in_vain = not from_site and self.stats.get("downloader/exception_count", 0)
        if not self.stats.get("response_received_count") or asked_in_vain:
            errors = {
                k.rsplit("/", 1)[-1]: v
                for k, v in self.stats.items()
                if k.startswith("downloader/exception_type_count/")
            }
            stale = self.stats.get("httpcache/errorrecovery", 0)
            served = f"; {stale} stale copies from the cache" if stale else ""
            return f"no answer from the site ({errors or 'no request made'}{served})"
        return None


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def is_loopback(url: str) -> bool:
    """The URL's host is on this machine (the whole 127.0.0.0/8, ::1, localhost)."""
    return is_loopback_host(urlsplit(url).hostname)


def run_crawl(
    site_key: str,
    *,
    base_url: str,
    warc: Path,
    known: set[str] | Path,
    since: date | None,
    max_articles: int | None,
    log: logging.Logger | logging.LoggerAdapter,
    max_listing_pages: int = 20,
    registry: str | None = None,
    urls: list[str] | None = None,
    replay: list[Path] | None = None,
    state_dir: Path | None = None,
    stop_file: Path | None = None,
) -> CrawlOutcome:
    """Crawl ``site_key`` into ``warc`` with ``python -m spiders.crawl``.

    The crawl is stopped (:class:`CrawlStopped`) as soon as ``stop_file`` exists: how a run
    whose crawl runs in another thread stops it on a timeout or cancellation.

    ``urls`` fetches only those articles; ``replay`` serves every response from WARC files;
    ``state_dir`` keeps the paper's crawl state between runs (discovery pages for
    conditional requests, the frontier). A loopback ``base_url``
    (the demo, the tests) is crawled without politeness delays.
    """
    with _scratch(state_dir) as tmp:
        stats_file = Path(tmp) / "stats.json"
        if isinstance(known, Path):  # a file of URLs the caller wrote already
            known_file, known_count = known, _count_lines(known)
        else:
            known_file, known_count = Path(tmp) / "known.txt", len(known)
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
        log.info("crawling %s from %s (%d articles already known)", site_key, base_url, known_count)
        watched = _FailureLine(log)
        returncode = _run_relaying_log(command, watched, stop_file)
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return CrawlOutcome(
        warc if warc.exists() else None, returncode, stats, urls is not None, watched.reason
    )


@contextmanager
def _scratch(state_dir: Path | None) -> Iterator[str]:
    """A temporary folder for one crawl's files, removed afterwards.

    With a state folder it lives under ``<state>/tmp/`` and holds an ``flock`` while in use,
    so the folders of runs that were killed (nothing removes them then) are found and removed
    by the next crawl of the paper; without one it is an ordinary temporary directory.
    """
    if state_dir is None:
        with tempfile.TemporaryDirectory(prefix="baotinh-crawl-") as tmp:
            yield tmp
        return
    parent = state_dir / "tmp"
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.iterdir():
        _remove_if_abandoned(stale)
    folder = Path(tempfile.mkdtemp(prefix="crawl-", dir=parent))
    try:
        with (folder / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield str(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_if_abandoned(folder: Path) -> None:
    """Remove a crawl's scratch folder whose process is gone (its lock is free)."""
    try:
        with (folder / ".lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(folder, ignore_errors=True)
    except BlockingIOError:
        return  # in use by a live crawl
    except (FileNotFoundError, NotADirectoryError):
        if folder.is_dir():  # made, then killed before its lock existed
            shutil.rmtree(folder, ignore_errors=True)


class _FailureLine(logging.LoggerAdapter):
    """Relays the crawl's log and remembers its ``crawl failed: …`` line (see spiders.crawl),
    so the reason reaches the run's error even when the statistics could not be written."""

    def __init__(self, logger: logging.Logger | logging.LoggerAdapter) -> None:
        super().__init__(logger, {})  # type: ignore[arg-type]
        self.reason: str | None = None

    def log(self, level: int, msg: object, *args: object, **kwargs: object) -> None:
        text = str(msg) % args if args else str(msg)
        if level >= logging.ERROR and "crawl failed: " in text:
            self.reason = text.split("crawl failed: ", 1)[1].strip()
        super().log(level, msg, *args, **kwargs)  # type: ignore[arg-type]


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


class CrawlStopped(RuntimeError):
    """The run asked its crawl to stop (its stop file appeared): a timeout or cancellation
    of the flow while the crawl ran in another thread."""


def _run_relaying_log(
    command: list[str],
    log: logging.Logger | logging.LoggerAdapter,
    stop_file: Path | None = None,
) -> int:
    """Run ``command`` in its own process group; each line it logs on stderr is logged again
    at its own level, condensed (:class:`_Condenser`). If this thread is interrupted
    (cancellation, timeout, Ctrl-C) or the parent process dies, the crawl is ended with it."""
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    ) as process:
        condenser = _Condenser(log)
        try:
            assert process.stderr is not None
            for line in _lines(process.stderr, stop_file=stop_file):
                condenser.feed(line)
            return process.wait()
        finally:
            condenser.close()
            _stop(process)


def _lines(stream, tick: float = 0.5, stop_file: Path | None = None) -> Iterator[str]:
    """The lines of ``stream``, read by a helper thread, so that this thread runs Python at
    least every ``tick`` seconds: an exception sent to it (Prefect's timeout, cancellation)
    lands even while the crawl is silent, instead of at its next log line."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        try:
            for raw in stream:
                lines.put(raw.rstrip())
        except (OSError, ValueError):  # the stream was closed under us: the crawl was stopped
            pass
        finally:
            lines.put(None)

    threading.Thread(target=pump, name="crawl-log", daemon=True).start()
    while True:
        if stop_file is not None and stop_file.exists():
            raise CrawlStopped(f"stopped by {stop_file.name}: the run was cancelled or timed out")
        try:
            line = lines.get(timeout=tick)
        except queue.Empty:
            continue
        if line is None:
            return
        yield line


# Scrapy's start-up banner: each of these INFO lines is followed by a dump of settings.
_BANNER = (
    "Scrapy ", "Versions:", "Enabled addons:", "Enabled extensions:", "Overridden settings:",
    "Enabled downloader middlewares:", "Enabled spider middlewares:", "Enabled item pipelines:",
    "Telnet console listening", "Remote control HTTP server listening",
)  # fmt: skip
_REQUEST = re.compile(r"<(?:GET|HEAD|POST|\d{3}) [^>]*>")
_STAT = re.compile(r"'([^']+)': ([^,]+),?$")
_KEEP_EXAMPLES = 1  # identical errors (URL aside) logged in full this many times


class _Condenser:
    """Relays the crawl's log a person can read.

    * the start-up banner (versions, middlewares, settings) goes to DEBUG;
    * the stats dump becomes one INFO line (requests, statuses, errors, pages given up,
      time), the dump DEBUG;
    * a traceback goes to DEBUG; its error line is logged once, with the exception's last line;
    * an error repeated for other URLs is logged once, then counted ("and N more like it");
    * 404s of probing (``/sitemap.xml``, feed paths) are expected: counted in the stats line.
    """

    def __init__(self, log: logging.Logger | logging.LoggerAdapter) -> None:
        self.log = log
        self.head: tuple[int, str] | None = None  # the leveled line awaiting its continuation
        self.body: list[str] = []
        self.repeats: dict[str, list] = {}  # error shape -> [level, line, count]

    def feed(self, line: str) -> None:
        if not line:
            return
        first = line.split(" ", 1)[0]
        if first in _LEVELS:
            self._flush()
            self.head = (_LEVELS[first], line)
        elif self.head is None:  # before Scrapy's logging starts: warnings of imports
            self.log.debug(line)
        else:
            self.body.append(line)

    def close(self) -> None:
        self._flush()
        for level, line, count in self.repeats.values():
            if count > _KEEP_EXAMPLES:
                more = count - _KEEP_EXAMPLES
                self.log.log(level, "... and %d more like: %s", more, _shape(line))
        self.repeats.clear()

    def _flush(self) -> None:
        if self.head is None:
            return
        (level, line), body = self.head, self.body
        self.head, self.body = None, []
        message = line.split(": ", 1)[1] if ": " in line else line
        for text in body:
            self.log.debug(text)
        if message.startswith(_BANNER):
            self.log.debug(line)
        elif message.startswith("Dumping Scrapy stats"):
            self.log.info("%s", _stats_line(body))
        elif level >= logging.WARNING:
            self._problem(level, line, body)
        else:
            self.log.log(level, line)

    def _problem(self, level: int, line: str, body: list[str]) -> None:
        exception = next((b.strip() for b in reversed(body) if _is_exception(b)), None)
        if exception and exception.split(": ", 1)[-1] not in line:
            line = f"{line} ({exception})"
        shape = _shape(line)
        seen = self.repeats.setdefault(shape, [level, line, 0])
        seen[2] += 1
        self.log.log(level if seen[2] <= _KEEP_EXAMPLES else logging.DEBUG, line)


def _shape(line: str) -> str:
    return _REQUEST.sub("<request>", line)


def _is_exception(text: str) -> bool:
    """``pkg.module.SomeError: reason``: the last line of a traceback."""
    name = text.strip().split(":", 1)[0]
    return (
        not text.startswith(" ")
        and name.replace(".", "").replace("_", "").isalnum()
        and (name.endswith(("Error", "Exception", "Failure", "Timeout", "Lost")) or "." in name)
    )


def _stats_line(body: list[str]) -> str:
    """The stats dump in one line: what a person checks first."""
    stats: dict[str, str] = {}
    for text in body:
        if match := _STAT.search(text.strip().lstrip("{").rstrip("}")):
            stats[match.group(1)] = match.group(2).rstrip("}").strip()
    statuses = {
        k.rsplit("/", 1)[-1]: v
        for k, v in stats.items()
        if k.startswith("downloader/response_status_count/")
    }
    errors = {
        k.rsplit("/", 1)[-1].rsplit(".", 1)[-1]: v
        for k, v in stats.items()
        if k.startswith("downloader/exception_type_count/")
    }
    parts = [
        f"{stats.get('downloader/request_count', 0)} requests",
        f"{stats.get('response_received_count', 0)} responses",
    ]
    if statuses:
        shown = ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
        parts.append(
            f"status {shown}" + (" (404s of probing are expected)" if "404" in statuses else "")
        )
    if errors:
        parts.append("errors " + ", ".join(f"{name}: {n}" for name, n in errors.items()))
    if given_up := stats.get("baotinh/frontier/given_up"):
        parts.append(f"gave up on {given_up} pages that never answered (named above)")
    elapsed = stats.get("elapsed_time_seconds")
    if elapsed:
        parts.append(f"{float(elapsed):.1f} s")
    parts.append(f"finished: {stats.get('finish_reason', '?').strip(chr(39))}")
    return "crawl stats: " + "; ".join(parts)
