"""`baotinh extract`: print the dates and figures in a text."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

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

    if args.url and not args.html:
        raise ValueError("--url is the page's URL: it needs --html")
    if args.jsonl and args.html:
        raise ValueError("--jsonl reads text lines, not pages: drop --html")
    text = read_input(args.path, html=args.html)
    if args.jsonl:
        for line in extract_jsonl(text.splitlines()):
            print(line)
        return 0
    report = extract_report(text, args.published, html=args.html, url=args.url)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def read_input(path: str, *, html: bool = False) -> str:
    """The text of a file, or of standard input for ``-``. Text must be UTF-8; a page
    (``html``) is decoded by its own charset, or whatever reads it (windows-1258, TCVN3...).
    ValueError names the input that cannot be read."""
    from transforms.encoding import UndecodablePage, decode_html

    name = "standard input" if path == "-" else path
    if path == "-":
        if not hasattr(sys.stdin, "buffer"):  # already text (a caller's stream)
            return sys.stdin.read()
        data = sys.stdin.buffer.read()
    elif Path(path).is_dir():
        raise ValueError(f"{path} is a directory: give a file, or - for standard input")
    elif not Path(path).exists():
        raise ValueError(f"no such file: {path}")
    else:
        data = Path(path).read_bytes()
    if html:
        try:
            return decode_html(data, None)
        except UndecodablePage as exc:
            raise ValueError(f"{name}: {exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start});"
            " convert it, or pass --html for a page in another encoding"
        ) from None
