"""`baotinh query`: run SQL on the warehouse (read-only, sandboxed)."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

from baotinh.commands import storage_options
from baotinh.supervise import Terminated, terminate_on_sigterm

NAME = "query"
SUMMARY = "run SQL on the warehouse (read-only; no other file can be read or written)"
PROMPT = "baotinh> "


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sql",
        nargs="?",
        help='e.g. "SELECT * FROM indicator_series LIMIT 5"; omit it (and -f) for a prompt',
    )
    parser.add_argument("-f", "--file", help="read the SQL from this file ('-' for stdin)")
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json", "parquet"),
        help="output format (default: table; parquet when --out ends in .parquet)",
    )
    parser.add_argument("--out", help="write the result to this file instead of the terminal")
    storage_options(parser, data=False)


def run(args: argparse.Namespace) -> int:
    from registry.config import Config

    if args.sql and args.file:
        raise ValueError("give the SQL as an argument or with -f, not both")
    fmt = args.format or ("parquet" if (args.out or "").endswith(".parquet") else "table")
    if fmt == "parquet" and not args.out:
        raise ValueError("--format parquet needs --out FILE")
    db = Config.load(db=args.db).db_path
    if args.out:
        refuse_own_files(db, Path(args.out))
    terminate_on_sigterm()  # a query stops as on Ctrl-C (exit 143)
    if args.file:
        text = sys.stdin.read() if args.file == "-" else _read_sql(Path(args.file))
        return _answer(db, text, fmt, args.out)
    if args.sql:
        return _answer(db, args.sql, fmt, args.out)
    return _prompt(db, fmt, args.out)


def _read_sql(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None


def refuse_own_files(db: Path, out: Path) -> None:
    """``--out`` must not name the warehouse, its write-ahead log or a file of its folders
    beside it (spills, waiting readers), by any path: writing there would lose the data."""
    target = out.resolve()
    for path in {db.absolute(), db.resolve()}:  # its sidecars sit beside the name given
        base = path.parent.resolve() / path.name
        files = [base, base.with_name(base.name + ".wal")]
        folders = [base.with_name(base.name + ".tmp"), base.with_name(f".{base.name}.readers")]
        if (
            target in files
            or any(target == d or d in target.parents for d in folders)
            or any(f.exists() and out.exists() and os.path.samefile(out, f) for f in files)
        ):
            raise ValueError(f"--out {out} is a file of the warehouse {db}; write elsewhere")


def _answer(db: Path, sql: str, fmt: str, out: str | None) -> int:
    from warehouse.query import render, run_query, run_query_arrow, write_parquet

    if fmt == "parquet":
        table = run_query_arrow(db, sql)
        write_parquet(table, Path(out))  # type: ignore[arg-type]
        print(f"{table.num_rows} rows written to {out}", file=sys.stderr)
        return 0
    columns, rows = run_query(db, sql)
    text = render(columns, rows, fmt)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        print(f"{len(rows)} rows written to {out}", file=sys.stderr)
    else:
        print(text)
    return 0


def _prompt(db: Path, fmt: str, out: str | None) -> int:
    """Statements end with ';'; an error is printed and the prompt goes on; Ctrl-D quits.
    SQL piped in (not a terminal) exits with 2 at its end if a statement failed. At a
    terminal, Ctrl-C drops the statement being typed or stops the one running, and the
    prompt goes on. With ``--out FILE`` each statement's answer has a file of its own:
    FILE, then FILE-2, FILE-3, ... (before the suffix), so no answer overwrites another."""
    if not db.exists():
        raise FileNotFoundError(f"no warehouse at {db}; run `baotinh demo` or `baotinh run`")
    interactive = sys.stdin.isatty()
    failed = False
    if interactive:
        print(f"{db} (read-only). End statements with ';', quit with Ctrl-D.", file=sys.stderr)
    buffer: list[str] = []
    statements = itertools.count(1)

    def answer(sql: str) -> bool:
        target = numbered(Path(out), next(statements)) if out else None
        if target is not None:
            refuse_own_files(db, target)
        return _answer_or_say(db, sql, fmt, str(target) if target else None)

    while True:
        try:
            line = (
                input(PROMPT if not buffer else " " * (len(PROMPT) - 3) + "-> ")
                if interactive
                else sys.stdin.readline()
            )
            if not interactive and line == "":
                break
            buffer.append(line)
            statement = "\n".join(buffer).strip()
            if not statement.endswith(";"):
                continue
            buffer = []
            failed |= not answer(statement)
        except EOFError:
            break
        except Terminated:
            raise
        except KeyboardInterrupt:
            if not interactive:
                raise
            buffer = []
            print("\n(cancelled)", file=sys.stderr)
    if "\n".join(buffer).strip():
        failed |= not answer("\n".join(buffer))
    return 2 if failed and not interactive else 0


def numbered(out: Path, n: int) -> Path:
    """The file of the prompt's ``n``-th answer: ``out`` itself, then ``name-n.suffix``."""
    if n == 1:
        return out
    return out.with_name(f"{out.stem}-{n}{out.suffix}")


def _answer_or_say(db: Path, sql: str, fmt: str, out: str | None) -> bool:
    """Answer one statement of the prompt; an SQL error is printed and the prompt goes on."""
    from warehouse.query import QueryError

    try:
        _answer(db, sql, fmt, out)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    return True
