"""Run one crawl in this process: ``python -m spiders.crawl --site baonghean --warc OUT``.

Twisted's reactor cannot be restarted, so callers that crawl many times (the Prefect flow,
the tests) start this module as a subprocess per crawl. It writes the WARC file and a JSON
file of the crawl's statistics, logs to stderr, and exits non-zero when the crawl did not
finish normally; its last line then says why (``ERROR spiders.crawl: crawl failed: …``), as
does the stat ``baotinh/failure``. With ``--state-dir`` it keeps the paper's HTTP cache
(``httpcache/``) and frontier (``frontier.json``) there.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from spiders import settings as crawl_settings
from spiders.news import NewsSpider

_NORMAL_ENDINGS = ("finished", "closespider_")
FRONTIER_FILE = "frontier.json"
log = logging.getLogger("spiders.crawl")


def build_settings(
    *,
    warc: Path,
    site: str,
    local: bool,
    state_dir: Path | None = None,
    replay: list[Path] | None = None,
    overrides: dict[str, str] | None = None,
) -> Settings:
    """Project settings plus this crawl's archive path, HTTP cache, replay and overrides."""
    settings = Settings()
    settings.setmodule(crawl_settings, priority="project")
    if local or replay:
        settings.setdict(crawl_settings.local_overrides(), priority="cmdline")
    crawl = {"BAOTINH_WARC_PATH": str(warc), "BAOTINH_SITE": site}
    if replay:
        crawl["BAOTINH_REPLAY"] = json.dumps([str(p) for p in replay])  # any path
        middlewares = {**settings.getdict("DOWNLOADER_MIDDLEWARES")}
        settings.set(
            "DOWNLOADER_MIDDLEWARES",
            {**middlewares, **crawl_settings.REPLAY_MIDDLEWARE},
            priority="cmdline",
        )
    elif state_dir is not None:
        cache = (state_dir / "httpcache").resolve()
        crawl.update(HTTPCACHE_ENABLED=True, HTTPCACHE_DIR=str(cache))
    settings.setdict({**crawl, **(overrides or {})}, priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides = dict(pair.split("=", 1) for pair in args.set)
    settings = build_settings(
        warc=args.warc,
        site=args.site,
        local=args.local,
        state_dir=args.state_dir,
        replay=args.replay,
        overrides=overrides,
    )
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(NewsSpider)
    frontier = args.state_dir / FRONTIER_FILE if args.state_dir and not args.replay else None
    process.crawl(
        crawler,
        site=args.site,
        registry=str(args.registry) if args.registry else None,
        base_url=args.base_url,
        known=str(args.known) if args.known else None,
        urls=str(args.urls) if args.urls else None,
        max_articles=args.max_articles,
        max_listing_pages=args.max_listing_pages,
        since=args.since,
        frontier=str(frontier) if frontier else None,
    )
    process.start()
    stats = {k: _jsonable(v) for k, v in crawler.stats.get_stats().items()}
    failure = failure_of(stats)
    if args.stats:
        try:
            args.stats.write_text(json.dumps(stats, indent=2, sort_keys=True), encoding="utf-8")
        except OSError as exc:
            failure = failure or f"statistics not written: {exc}"
    if failure:
        log.error("crawl failed: %s", failure)
        return 1
    return 0


def failure_of(stats: dict[str, object]) -> str | None:
    """Why a crawl with these statistics failed, or None when it finished normally."""
    reason = str(stats.get("finish_reason", ""))
    if stats.get("baotinh/failure"):
        return str(stats["baotinh/failure"])
    if not reason.startswith(_NORMAL_ENDINGS):
        return f"finish reason {reason or 'unknown'}"
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m spiders.crawl", description=__doc__)
    parser.add_argument("--site", required=True, help="registry key of the paper")
    parser.add_argument("--warc", required=True, type=Path, help="WARC file to write")
    parser.add_argument("--registry", type=Path, help="an extra registry file (TOML)")
    parser.add_argument("--base-url", help="fetch from this origin instead of the paper's")
    parser.add_argument("--urls", type=Path, help="fetch only these article URLs (one a line)")
    parser.add_argument(
        "--replay", type=Path, action="append", help="serve responses from this WARC file"
    )
    parser.add_argument(
        "--state-dir", type=Path, help="the paper's crawl state: HTTP cache, frontier"
    )
    parser.add_argument("--known", type=Path, help="file of already archived article URLs")
    parser.add_argument("--max-articles", type=int)
    parser.add_argument("--max-listing-pages", type=int, default=20)
    parser.add_argument("--since", help="YYYY-MM-DD")
    parser.add_argument("--stats", type=Path, help="write the crawl statistics here (JSON)")
    parser.add_argument("--local", action="store_true", help="no politeness delays (loopback)")
    parser.add_argument("-s", "--set", action="append", default=[], help="SETTING=VALUE")
    return parser


def _jsonable(value: object) -> object:
    return value if isinstance(value, (int, float, str, bool, type(None))) else str(value)


if __name__ == "__main__":
    sys.exit(main())
