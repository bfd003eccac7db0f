"""`baotinh extract`: print the dates and figures in a text."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from datetime import date
from typing import TextIO

NAME = "extract"
SUMMARY = "print the dates and figures in a text"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a file, or - for standard input")
    parser.add_argument("--published", type=date.fromisoformat, help="publication date")
    parser.add_argument("--html", action="store_true", help="the input is a page: clean it")
    parser.add_argument("--url", help="the page's URL (with --html)", default=None)
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument(
        "--jsonl", action="store_true", help='lines {"text", "published"} in, a result per line'
    )


def run(args: argparse.Namespace) -> int:
    from baotinh.extraction import extract_jsonl, extract_report, format_report

    with open_input(args.path) as source:
        if args.jsonl:
            for line in extract_jsonl(source):
                print(line)
            return 0
        report = extract_report(source.read(), args.published, html=args.html, url=args.url)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def open_input(path: str) -> TextIO | nullcontext[TextIO]:
    """A file to read, or standard input for ``-`` (left open for the caller)."""
    return nullcontext(sys.stdin) if path == "-" else open(path, encoding="utf-8")
