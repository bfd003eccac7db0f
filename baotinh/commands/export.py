"""`baotinh export`: every table as Parquet, partitioned by paper and year."""

from __future__ import annotations

import argparse
from pathlib import Path

from baotinh.commands import storage_options

NAME = "export"
SUMMARY = "write every table as Parquet (partitioned by paper and year) for other tools"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir",
        type=_folder,
        help="output folder: DIR/<table>/paper=<key>/year=<yyyy>/*.parquet; a new or empty"
        " folder, or one an earlier export wrote (only what it wrote is replaced)",
    )
    parser.add_argument("--format", choices=("parquet",), default="parquet")
    storage_options(parser, data=False)


def _folder(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("the output folder is an empty path")
    return text


def run(args: argparse.Namespace) -> int:
    from registry.config import Config
    from warehouse.export import export_parquet

    counts = export_parquet(Config.load(db=args.db).db_path, Path(args.dir))
    for table, rows in counts.items():
        print(f"{table:<22} {rows:>10} rows")
    print(f"written to {args.dir}")
    return 0
