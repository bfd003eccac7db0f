"""`baotinh sites`: list the registered papers."""

from __future__ import annotations

import argparse
import json

from baotinh.commands import registry_option

NAME = "sites"
SUMMARY = "list the registered papers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="a JSON array of the entries")
    registry_option(parser)


def run(args: argparse.Namespace) -> int:
    from registry import all_sites

    sites = all_sites(args.registry).values()
    if args.json:
        print(json.dumps([site.to_json() for site in sites], ensure_ascii=False, indent=2))
        return 0
    for site in sites:
        print(f"{site.key:<16} {site.domain:<26} {site.verified:<10} {site.name} ({site.province})")
    return 0
