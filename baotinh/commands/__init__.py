"""The commands of ``baotinh``: one module each, found by :func:`baotinh.cli.build_parser`.

A command module defines ``NAME``, ``SUMMARY``, ``add_arguments(parser)`` and ``run(args)``
returning the exit code; a command that runs flows (``RUNS_FLOWS``) may define
``prepare(args)``, its checks of the arguments, called before Prefect's temporary server
starts so that a mistake is told at once, and ``PAGE_WORKERS`` when it cleans pages in the
page workers (started while that server starts). Heavy imports (Prefect, Scrapy, DuckDB) stay
inside ``run`` so that ``baotinh extract`` and ``baotinh query`` start fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable


def storage_options(parser: argparse.ArgumentParser, data: bool = True) -> None:
    parser.add_argument(
        "--db", help="DuckDB file (default: $BAOTINH_DB, else baotinh.duckdb in the data folder)"
    )
    if data:
        parser.add_argument(
            "--data-dir", help="data folder (default: $BAOTINH_DATA, else ~/.local/share/baotinh)"
        )


def registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry", help="an extra registry file of papers (default: $BAOTINH_REGISTRY)"
    )


def http_origin(text: str) -> str:
    """An ``http://`` or ``https://`` address with a host (``--base-url``): anything else
    would leave the crawler waiting on a scheme it cannot fetch."""
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// address")
    return text.strip()


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


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
