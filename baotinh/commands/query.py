"""`baotinh query`: run SQL on the warehouse (read-only)."""

from __future__ import annotations

import argparse

from baotinh.commands import storage_options

NAME = "query"
SUMMARY = "run SQL on the warehouse (read-only)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sql", help='e.g. "SELECT title, published_at FROM articles"')
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    storage_options(parser, data=False)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from registry.config import Config
    from warehouse.query import render, run_query

    try:
        columns, rows = run_query(Config.load(db=args.db).db_path, args.sql)
    except duckdb.Error as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    print(render(columns, rows, args.format))
    return 0
