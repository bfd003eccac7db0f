"""`baotinh import`: load WARC, JSONL or text dumps others collected."""

from __future__ import annotations

import argparse

from baotinh.commands import registry_option, storage_options

NAME = "import"
RUNS_FLOWS = True  # supervised: see baotinh.supervise
PAGE_WORKERS = True  # cleans pages in worker processes, started early (baotinh.cli)
SUMMARY = "load WARC, JSONL or text dumps others collected"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", help="files to import")
    parser.add_argument("--site", help="the paper of records whose URL is not a registered one's")
    registry_option(parser)
    storage_options(parser)


def run(args: argparse.Namespace) -> int:
    from flows.imports import import_files

    counts = import_files(
        paths=args.paths, site=args.site, db=args.db, data_dir=args.data_dir,
        registry=args.registry,
    )  # fmt: skip
    print("\n".join(f"{name:<26} {value}" for name, value in counts.items()))
    return 0
