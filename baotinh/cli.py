"""The ``baotinh`` command: a thin shell over the flows, the transforms and the warehouse.

Each command is a module of :mod:`baotinh.commands`; imports are deferred to each command,
so ``baotinh extract`` and ``baotinh query`` start without loading Prefect or Scrapy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from baotinh import commands
from baotinh.commands.demo import EXAMPLE_QUERY

__all__ = ["EXAMPLE_QUERY", "build_parser", "main"]


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
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for module in command_modules():
        sub = subparsers.add_parser(module.NAME, help=module.SUMMARY, description=module.SUMMARY)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def command_modules() -> list:
    """Every module of :mod:`baotinh.commands`, in the order of their names."""
    names = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))
    return [importlib.import_module(f"{commands.__name__}.{name}") for name in names]


if __name__ == "__main__":
    sys.exit(main())
