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
SELECT period_year AS year, province, indicator, unit, value, articles
FROM indicator_series
WHERE indicator LIKE '%thu ngân sách nhà nước%'
  AND unit = 'VND' AND change IS NULL AND period_grain = 'year'
ORDER BY year
""".strip()


def main(argv: list[str] | None = None) -> int:
    # Prefect's local server would otherwise try to send usage analytics on every run.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        print(f"baotinh: error: {exc}", file=sys.stderr)
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

    run = _command(commands, "run", "crawl a paper's site and load what is new", _run)
    run.add_argument("--site", default="baonghean", help="registry key (see `baotinh sites`)")
    run.add_argument("--since", type=date.fromisoformat, help="only articles from YYYY-MM-DD")
    run.add_argument("--full", action="store_true", help="fetch known articles again too")
    run.add_argument("--max-articles", type=int, help="stop after this many article pages")
    run.add_argument("--base-url", help="crawl a mirror of the site at this origin instead")
    _storage_options(run)

    demo = _command(commands, "demo", "run the pipeline on the bundled offline sample", _demo)
    _storage_options(demo)

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

    _command(commands, "sites", "list the registered papers", _sites)
    return parser


def _command(commands, name: str, summary: str, handler: Callable) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=summary, description=summary)
    sub.set_defaults(handler=handler)
    return sub


def _storage_options(parser: argparse.ArgumentParser, data: bool = True) -> None:
    parser.add_argument(
        "--db", help="DuckDB file (default: $BAOTINH_DB or warehouse/baotinh.duckdb)"
    )
    if data:
        parser.add_argument("--data-dir", help="archives folder (default: $BAOTINH_DATA or data/)")


def _run(args: argparse.Namespace) -> int:
    from flows.pipeline import pipeline

    summary = pipeline(
        site=args.site,
        since=args.since,
        base_url=args.base_url,
        mode="full" if args.full else "incremental",
        max_articles=args.max_articles,
        db=args.db,
        data_dir=args.data_dir,
    )
    print(format_summary(summary))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from flows.demo import run_demo

    summary, (columns, rows) = run_demo(db=args.db, data_dir=args.data_dir, sql=EXAMPLE_QUERY)
    from warehouse.query import render

    print(format_summary(summary))
    print("\nExample longitudinal query:\n")
    print(EXAMPLE_QUERY)
    print()
    print(render(columns, rows))
    return 0


def _query(args: argparse.Namespace) -> int:
    from registry.config import Config
    from warehouse.query import render, run_query

    columns, rows = run_query(Config.load(db=args.db).db_path, args.sql)
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

    for site in all_sites().values():
        print(f"{site.key:<14} {site.domain:<24} {site.name} ({site.province})")
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
