"""`baotinh chart`: one indicator's series, one line per province, as PNG, SVG or HTML."""

from __future__ import annotations

import argparse
from pathlib import Path

from baotinh.commands import storage_options

NAME = "chart"
SUMMARY = "draw one indicator's series, one line per province (PNG, SVG or HTML)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("indicator", help="a named indicator (budget_revenue) or indicator_key")
    parser.add_argument(
        "--province", action="append", help="only this province (repeatable; either era's name)"
    )
    parser.add_argument("--unit", help="default: the indicator's most reported unit")
    parser.add_argument(
        "--grain", choices=("year", "half", "quarter", "month"), help="default: year if any"
    )
    parser.add_argument(
        "--as-was", action="store_true", help="provinces as they were before the 2025 merger"
    )
    parser.add_argument("--out", default="chart.png", help="file.png, file.svg or file.html")
    storage_options(parser, data=False)


def run(args: argparse.Namespace) -> int:
    from registry.config import Config
    from warehouse.chart import draw, load_series

    db = Config.load(db=args.db).db_path
    series = load_series(db, args.indicator, args.province, args.unit, args.grain, args.as_was)
    out = draw(series, Path(args.out))
    print(f"{len(series.lines)} provinces, {series.unit}, {series.grain}: written to {out}")
    return 0
