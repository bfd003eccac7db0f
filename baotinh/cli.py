"""The ``baotinh`` command: a thin shell over the flows, the transforms and the warehouse.

Imports are deferred to each command, so ``baotinh extract`` and ``baotinh query`` start
without loading Prefect or Scrapy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import date
from typing import TextIO

# The same indicator, year after year: what the warehouse is for.
EXAMPLE_QUERY = """
SELECT province, site_key AS paper, period_year AS year, median(value) AS value,
       count(DISTINCT story_id) AS stories
FROM figure_facts
WHERE indicator_key LIKE '%thu ngân sách nhà nước%' AND indicator_key NOT LIKE '%dự toán%'
  AND unit = 'VND' AND change IS NULL AND period_grain = 'year'
GROUP BY ALL
ORDER BY province, paper, year
""".strip()


def main(argv: list[str] | None = None) -> int:
    # Prefect's local server would otherwise try to send usage analytics on every run.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"baotinh: error: {message}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # a failed run: its log and crawl_runs row say more
        print(f"baotinh: run failed: {exc}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="baotinh",
        description="Vietnamese provincial newspapers, crawled into a longitudinal dataset.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    run = _command(commands, "run", "crawl papers and load what is new", _run)
    run.add_argument(
        "--site",
        help="registry key(s), comma-separated, or `all` (default: baonghean, or the papers"
        " of the --url/--urls given)",
    )
    run.add_argument("--since", type=date.fromisoformat, help="backfill down to YYYY-MM-DD")
    run.add_argument("--full", action="store_true", help="fetch known articles again too")
    run.add_argument("--max-articles", type=_positive, help="stop after this many articles")
    run.add_argument("--base-url", help="crawl a mirror of the (one) site at this origin")
    run.add_argument("--url", action="append", default=[], help="fetch this article (repeat)")
    run.add_argument("--urls", help="a file of article URLs to fetch, one a line")
    run.add_argument(
        "--replay", action="append", default=[], help="serve responses from this WARC file"
    )
    run.add_argument("--concurrency", type=_positive, default=4, help="papers at once")
    _registry_option(run)
    _storage_options(run)

    demo = _command(commands, "demo", "run the fan-out on the bundled sample papers", _demo)
    demo.add_argument("--db", help="DuckDB file (default: <user data>/baotinh/demo/...)")
    demo.add_argument("--data-dir", help="archives folder (default: <user data>/baotinh/demo)")

    imp = _command(commands, "import", "load WARC, JSONL or text dumps others collected", _import)
    imp.add_argument("paths", nargs="+", help="files to import")
    imp.add_argument("--site", help="the paper of records whose URL is not a registered one's")
    _registry_option(imp)
    _storage_options(imp)

    again = _command(commands, "reprocess", "clean and extract the archive again", _reprocess)
    again.add_argument("--site", help="one paper (default: every paper loaded)")
    _registry_option(again)
    _storage_options(again)

    check = _command(commands, "check-site", "check a registry entry against its site", _check)
    check.add_argument("key", help="registry key")
    check.add_argument("--base-url", help="check a mirror at this origin instead")
    _registry_option(check)

    query = _command(commands, "query", "run SQL on the warehouse (read-only)", _query)
    query.add_argument("sql", help='e.g. "SELECT title, published_at FROM articles"')
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _storage_options(query, data=False)

    extract = _command(commands, "extract", "print the dates and figures in a text", _extract)
    extract.add_argument("path", help="a file, or - for standard input")
    extract.add_argument("--published", type=date.fromisoformat, help="publication date")
    extract.add_argument("--html", action="store_true", help="the input is a page: clean it")
    extract.add_argument("--url", help="the page's URL (with --html)", default=None)
    extract.add_argument("--json", action="store_true", help="one JSON object")
    extract.add_argument(
        "--jsonl", action="store_true", help='lines {"text", "published"} in, a result per line'
    )

    sites = _command(commands, "sites", "list the registered papers", _sites)
    sites.add_argument("--json", action="store_true", help="a JSON array of the entries")
    _registry_option(sites)
    return parser


def _command(commands, name: str, summary: str, handler: Callable) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=summary, description=summary)
    sub.set_defaults(handler=handler)
    return sub


def _storage_options(parser: argparse.ArgumentParser, data: bool = True) -> None:
    parser.add_argument(
        "--db", help="DuckDB file (default: $BAOTINH_DB, else baotinh.duckdb in the data folder)"
    )
    if data:
        parser.add_argument(
            "--data-dir", help="data folder (default: $BAOTINH_DATA, else ~/.local/share/baotinh)"
        )


def _registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry", help="an extra registry file of papers (default: $BAOTINH_REGISTRY)"
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _run(args: argparse.Namespace) -> int:
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


def _demo(args: argparse.Namespace) -> int:
    from flows.demo import demo
    from registry.config import Config
    from warehouse.query import render, run_query

    results = demo(db=args.db, data_dir=args.data_dir)
    for summary in results:
        print(format_summary(summary) + "\n")
    config = Config.demo(args.db, args.data_dir)
    columns, rows = run_query(config.db_path, EXAMPLE_QUERY)
    print(f"Warehouse: {config.db_path}\n\nExample longitudinal query:\n")
    print(EXAMPLE_QUERY)
    print()
    print(render(columns, rows))
    return 0


def _import(args: argparse.Namespace) -> int:
    from flows.imports import import_files

    counts = import_files(
        paths=args.paths, site=args.site, db=args.db, data_dir=args.data_dir,
        registry=args.registry,
    )  # fmt: skip
    print("\n".join(f"{name:<26} {value}" for name, value in counts.items()))
    return 0


def _reprocess(args: argparse.Namespace) -> int:
    from flows.reprocess import reprocess

    report = reprocess(site=args.site, db=args.db, data_dir=args.data_dir, registry=args.registry)
    for key, counts in report.items():
        print(f"{key:<16} " + ", ".join(f"{n} {v}" for n, v in counts.items()))
    return 0


def _check(args: argparse.Namespace) -> int:
    from flows.checksite import check_site, format_check

    check = check_site(args.key, base_url=args.base_url, registry=args.registry)
    print(format_check(check))
    return 0 if check.ok else 1


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from registry.config import Config
    from warehouse.query import render, run_query

    try:
        columns, rows = run_query(Config.load(db=args.db).db_path, args.sql)
    except duckdb.Error as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    print(render(columns, rows, args.format))
    return 0


def _extract(args: argparse.Namespace) -> int:
    from baotinh.extraction import extract_jsonl, extract_report, format_report

    with _open_input(args.path) as source:
        if args.jsonl:
            for line in extract_jsonl(source):
                print(line)
            return 0
        report = extract_report(source.read(), args.published, html=args.html, url=args.url)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def _open_input(path: str) -> TextIO | nullcontext[TextIO]:
    """A file to read, or standard input for ``-`` (left open for the caller)."""
    return nullcontext(sys.stdin) if path == "-" else open(path, encoding="utf-8")


def _sites(args: argparse.Namespace) -> int:
    from registry import all_sites

    sites = all_sites(args.registry).values()
    if args.json:
        print(json.dumps([site.to_json() for site in sites], ensure_ascii=False, indent=2))
        return 0
    for site in sites:
        print(f"{site.key:<16} {site.domain:<26} {site.verified:<10} {site.name} ({site.province})")
    return 0


def format_summary(summary: dict[str, object]) -> str:
    """The run summary as aligned ``name: value`` lines."""
    labels = {
        "site": "site",
        "run_id": "run",
        "pages_fetched": "pages fetched",
        "listing_pages": "  of which listings/feeds",
        "articles_new": "articles new",
        "articles_updated": "articles updated",
        "articles_unchanged": "articles unchanged",
        "pages_skipped": "pages skipped",
        "date_mentions": "dates extracted",
        "figures": "figures extracted",
    }
    lines: Iterable[str] = (f"{labels.get(key, key):<26} {value}" for key, value in summary.items())
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
