"""`baotinh check-site`: check a registry entry against its site."""

from __future__ import annotations

import argparse

from baotinh.commands import http_origin, registry_option

NAME = "check-site"
RUNS_FLOWS = True  # supervised: see baotinh.supervise
SUMMARY = "check a registry entry against its site"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", help="registry key")
    parser.add_argument(
        "--base-url", type=http_origin, help="check a mirror at this origin instead"
    )
    registry_option(parser)


def run(args: argparse.Namespace) -> int:
    from flows.checksite import check_site, format_check

    check = check_site(args.key, base_url=args.base_url, registry=args.registry)
    print(format_check(check))
    return 0 if check.ok else 1
