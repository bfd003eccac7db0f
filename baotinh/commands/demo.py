"""`baotinh demo`: run the fan-out on the bundled sample papers."""

from __future__ import annotations

import argparse

from baotinh.commands import format_summary

NAME = "demo"
RUNS_FLOWS = True  # supervised: see baotinh.supervise

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
SUMMARY = "run the fan-out on the bundled sample papers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="DuckDB file (default: <user data>/baotinh/demo/...)")
    parser.add_argument("--data-dir", help="archives folder (default: <user data>/baotinh/demo)")


def run(args: argparse.Namespace) -> int:
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
