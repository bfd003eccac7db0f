"""`baotinh run`: crawl papers and load what is new."""

from __future__ import annotations

import argparse
import os
from datetime import date

from baotinh.commands import format_summary, positive, registry_option, storage_options

NAME = "run"
RUNS_FLOWS = True  # supervised: see baotinh.supervise
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
    parser.add_argument("--base-url", help="crawl a mirror of the (one) site at this origin")
    parser.add_argument("--url", action="append", default=[], help="fetch this article (repeat)")
    parser.add_argument("--urls", help="a file of article URLs to fetch, one a line")
    parser.add_argument(
        "--replay", action="append", default=[], help="serve responses from this WARC file"
    )
    parser.add_argument("--concurrency", type=positive, default=4, help="papers at once")
    registry_option(parser)
    storage_options(parser)


def run(args: argparse.Namespace) -> int:
    from flows.pipeline import crawl_papers, pipeline
    from registry import all_sites, get_site

    urls = list(args.url)
    if args.urls:
        with open(args.urls, encoding="utf-8") as fh:
            urls += [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    by_site = _urls_by_site(urls, args.registry) if urls else {}
    if args.site == "all":
        keys = list(all_sites(args.registry))
    elif args.site:
        keys = [k.strip() for k in args.site.split(",") if k.strip()]
    else:
        keys = list(by_site) or ["baonghean"]
    for key in keys:  # an unknown key is a one-line error before any flow starts
        get_site(key, args.registry)
    if args.base_url and len(keys) != 1:
        raise ValueError("--base-url names the mirror of one site; give one --site")
    mode = "full" if args.full else "incremental"
    replay = [str(p) for p in args.replay] or None
    for path in replay or ():
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no WARC file to replay at {path}")
    if len(keys) == 1:
        summary = pipeline(
            site=keys[0], since=args.since, base_url=args.base_url, mode=mode,
            max_articles=args.max_articles, db=args.db, data_dir=args.data_dir,
            registry=args.registry, urls=by_site.get(keys[0]) if urls else None, replay=replay,
        )  # fmt: skip
        print(format_summary(summary))
        return 0
    if replay:
        raise ValueError("--replay replays the crawl of one site; give one --site")
    results = crawl_papers(
        sites=keys, since=args.since, mode=mode, max_articles=args.max_articles, db=args.db,
        data_dir=args.data_dir, registry=args.registry,
        urls={k: by_site.get(k, []) for k in keys} if urls else None,
        concurrency=args.concurrency, label="cli",
    )  # fmt: skip
    for summary in results:
        print(format_summary(summary) + "\n")
    return 0


def _urls_by_site(urls: list[str], registry: str | None) -> dict[str, list[str]]:
    from registry import site_for_url

    grouped: dict[str, list[str]] = {}
    for url in urls:
        site = site_for_url(url, registry)
        if site is None:
            raise ValueError(f"{url} is not on a registered paper's domain (see `baotinh sites`)")
        grouped.setdefault(site.key, []).append(url)
    return grouped
