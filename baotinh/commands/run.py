"""`baotinh run`: crawl papers and load what is new."""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from baotinh.commands import (
    format_summary,
    http_origin,
    positive,
    registry_option,
    storage_options,
)

NAME = "run"
RUNS_FLOWS = True  # supervised: see baotinh.supervise
PAGE_WORKERS = True  # cleans pages in worker processes, started early (baotinh.cli)
SUMMARY = "crawl papers and load what is new"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        help="registry key(s), comma-separated, or `all` (default: baonghean, or the papers"
        " of the --url/--urls given)",
    )
    parser.add_argument("--since", type=date.fromisoformat, help="backfill down to YYYY-MM-DD")
    parser.add_argument("--full", action="store_true", help="fetch known articles again too")
    parser.add_argument("--max-articles", type=positive, help="stop after this many articles")
    parser.add_argument(
        "--base-url", type=http_origin, help="crawl a mirror of the (one) site at this origin"
    )
    parser.add_argument("--url", action="append", default=[], help="fetch this article (repeat)")
    parser.add_argument("--urls", help="a file of article URLs to fetch, one a line")
    parser.add_argument(
        "--replay", action="append", default=[], help="serve responses from this WARC file"
    )
    parser.add_argument("--concurrency", type=positive, default=4, help="papers at once")
    registry_option(parser)
    storage_options(parser)


@dataclass(frozen=True)
class _Plan:
    """What the arguments ask for, checked."""

    keys: list[str]
    urls: list[str]
    by_site: dict[str, list[str]]
    replay: list[str] | None


def prepare(args: argparse.Namespace) -> None:
    """Check the arguments before Prefect's server starts: a mistake is told at once."""
    args.plan = _checked(args)


def _checked(args: argparse.Namespace) -> _Plan:
    from flows.urllist import read_url_list
    from registry import all_sites, get_site
    from spiders.imports import detect_format

    urls = list(args.url)
    if args.urls:
        listed = read_url_list(args.urls)
        if not listed and not urls:  # never a whole crawl instead of the list meant
            raise ValueError(f"{args.urls} lists no URL: nothing to fetch")
        urls += listed
    by_site = _urls_by_site(urls, args.registry) if urls else {}
    if args.site == "all":
        keys = list(all_sites(args.registry))
    elif args.site is not None:
        keys = [k.strip() for k in args.site.split(",") if k.strip()]
        if not keys:
            raise ValueError(f"--site {args.site!r} names no paper (see `baotinh sites`)")
    else:
        keys = list(by_site) or ["baonghean"]
    for key in keys:  # an unknown key is a one-line error before any flow starts
        get_site(key, args.registry)
    if args.base_url and len(keys) != 1:
        raise ValueError("--base-url names the mirror of one site; give one --site")
    replay = [str(p) for p in args.replay] or None
    for path in replay or ():
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no WARC file to replay at {path}")
        if detect_format(Path(path)) != "warc":
            raise ValueError(f"{path} is not a WARC file")
    if len(keys) > 1 and replay:
        raise ValueError("--replay replays the crawl of one site; give one --site")
    return _Plan(keys, urls, by_site, replay)


def run(args: argparse.Namespace) -> int:
    plan = getattr(args, "plan", None) or _checked(args)
    keys, urls, by_site, replay = plan.keys, plan.urls, plan.by_site, plan.replay
    mode = "full" if args.full else "incremental"
    # The URL lists travel as files: a flow run's parameters hold 512 KB at most.
    with tempfile.TemporaryDirectory(prefix="baotinh-urls-") as folder:
        files = _url_files(by_site, keys, Path(folder)) if urls else None
        if len(keys) == 1:
            summary = _pipeline(args, keys[0], mode, replay, files)
            print(format_summary(summary))
            return 0
        results = _crawl_papers(args, keys, mode, files)
    for summary in results:
        print(format_summary(summary) + "\n")
    return 0


def _pipeline(args, key: str, mode: str, replay: list[str] | None, files) -> dict[str, object]:
    from flows.pipeline import pipeline

    return pipeline(
        site=key, since=args.since, base_url=args.base_url, mode=mode,
        max_articles=args.max_articles, db=args.db, data_dir=args.data_dir,
        registry=args.registry, urls_file=files[key] if files else None, replay=replay,
    )  # fmt: skip


def _crawl_papers(args, keys: list[str], mode: str, files) -> list[dict[str, object]]:
    from flows.pipeline import crawl_papers

    return crawl_papers(
        sites=keys, since=args.since, mode=mode, max_articles=args.max_articles, db=args.db,
        data_dir=args.data_dir, registry=args.registry, urls_files=files,
        concurrency=args.concurrency, label="cli",
    )  # fmt: skip


def _url_files(by_site: dict[str, list[str]], keys: list[str], folder: Path) -> dict[str, str]:
    """One file of URLs per paper (empty for a paper none of the URLs is on)."""
    files = {}
    for key in keys:
        path = folder / f"{key}.txt"
        path.write_text("".join(f"{url}\n" for url in by_site.get(key, [])), encoding="utf-8")
        files[key] = str(path)
    return files


def _urls_by_site(urls: list[str], registry: str | None) -> dict[str, list[str]]:
    from urllib.parse import urlsplit

    from registry import site_for_url

    grouped: dict[str, list[str]] = {}
    for url in urls:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise ValueError(f"{url} is not an http:// or https:// URL")
        site = site_for_url(url, registry)
        if site is None:
            raise ValueError(f"{url} is not on a registered paper's domain (see `baotinh sites`)")
        grouped.setdefault(site.key, []).append(url)
    return grouped
