"""`baotinh reprocess`: clean and extract the archive again."""

from __future__ import annotations

import argparse

from baotinh.commands import registry_option, storage_options

NAME = "reprocess"
RUNS_FLOWS = True  # supervised: see baotinh.supervise
PAGE_WORKERS = True  # cleans pages in worker processes, started early (baotinh.cli)
SUMMARY = "clean and extract the archive again"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="one paper (default: every paper loaded)")
    registry_option(parser)
    storage_options(parser)


def prepare(args: argparse.Namespace) -> None:
    """Check the arguments before Prefect's server starts: a mistake is told at once, and a
    mistyped --db never becomes a new, empty warehouse."""
    from registry import get_site
    from registry.config import Config

    db = Config.load(args.db, args.data_dir).db_path
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {db}; run `baotinh demo` or `baotinh run`")
    if args.site:
        get_site(args.site, args.registry)  # an unknown key is a one-line error


def run(args: argparse.Namespace) -> int:
    prepare(args)  # again: cheap, and the command may be called without the CLI's order
    from flows.reprocess import reprocess

    report = reprocess(site=args.site, db=args.db, data_dir=args.data_dir, registry=args.registry)
    for key, counts in report.items():
        print(f"{key:<16} " + ", ".join(f"{n} {v}" for n, v in counts.items()))
    return 0
