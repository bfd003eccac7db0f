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
from contextlib import nullcontext
from typing import NoReturn

from baotinh import commands, supervise, tempserver
from baotinh.commands.demo import EXAMPLE_QUERY

__all__ = ["EXAMPLE_QUERY", "build_parser", "entry", "main"]


STARTUP_SECONDS = "120"  # for Prefect's temporary server, unless the user set it


def entry() -> NoReturn:
    """The ``baotinh`` program. Commands that run flows are supervised (see
    :mod:`baotinh.supervise`): nothing they start outlives them, even after ``kill -9``."""
    sys.exit(main(supervised=True))


def main(argv: list[str] | None = None, *, supervised: bool = False) -> int:
    """Run one command. A user mistake or a known runtime condition ends with one line on
    stderr and a non-zero exit; ``--debug`` (or ``$BAOTINH_DEBUG=1``) shows the traceback.
    ``supervised``: run a command that starts flows in a supervised child process."""
    # Prefect's local server would otherwise try to send usage analytics on every run.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Its temporary server gets 20 s to start; a first run migrates a new database, which
    # took longer than that on a busy 2-core machine, and the run failed before it began.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", STARTUP_SECONDS)
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("BAOTINH_DEBUG") == "1"
    own_server = False  # a supervised child starts Prefect's temporary server itself
    if supervised and args.runs_flows and supervise.available():
        if supervise.supervisor_pid() is None:
            return supervise.run_supervised(sys.argv[1:] if argv is None else list(argv))
        supervise.become_supervised_child()
        own_server = True
    try:
        if args.runs_flows:  # before a server or a flow starts (the supervisor stays light)
            from baotinh.environment import check_environment

            check_environment()
        if args.prepare is not None:  # the command's own checks: no server for a mistake
            args.prepare(args)
        meanwhile = _start_page_workers if args.page_workers else None
        with tempserver.temporary_server(meanwhile) if own_server else nullcontext():
            return args.handler(args)
    except BrokenPipeError:  # `baotinh ... | head`: the reader has all it wanted
        _silence_stdout()
        return 141
    except KeyboardInterrupt as exc:
        if debug:
            raise
        if isinstance(exc, supervise.Terminated):
            print("baotinh: terminated", file=sys.stderr)
            return 143
        print("baotinh: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        code, message = describe(exc)
        print(f"baotinh: {message}", file=sys.stderr)
        return code


def _start_page_workers() -> None:
    """Start the run's page workers while Prefect's temporary server starts: each imports
    its cleaning libraries (about 1 s of CPU) on the core the server's start leaves idle,
    instead of when the first page arrives, beside the crawl's own start."""
    from flows.processing import shared_pool

    shared_pool().start()


def describe(exc: Exception) -> tuple[int, str]:
    """The exit code and the one line that tell the user what went wrong."""
    if isinstance(exc, RuntimeError) and not _is_duckdb(exc):
        return 1, f"run failed: {_first_line(exc)}"  # its log and crawl_runs row say more
    if isinstance(exc, KeyError) and exc.args:
        return 2, f"error: {exc.args[0]}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return 2, f"error: {exc.strerror}{where}"
    if _is_duckdb(exc):
        return 2, f"error: database: {_first_line(exc)}{_memory_hint(exc)}"
    if isinstance(exc, (ValueError, OSError)):
        return 2, f"error: {_first_line(exc)}"
    return 1, f"error: {type(exc).__name__}: {_first_line(exc)} (--debug shows where)"


def _is_duckdb(exc: Exception) -> bool:
    return type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb")


def _memory_hint(exc: Exception) -> str:
    """For DuckDB running out of memory: the cap in force and how to raise it."""
    if type(exc).__name__ != "OutOfMemoryException":
        return ""
    from warehouse.schema import MEMORY_ENV, WRITER_MEMORY

    if os.environ.get(MEMORY_ENV):
        return f" (${MEMORY_ENV}={os.environ[MEMORY_ENV]} caps it: raise it)"
    return f" (writers cap it at {WRITER_MEMORY}: raise it with ${MEMORY_ENV}, e.g. 512MB)"


MESSAGE_CHARS = 500  # an error message is one readable line, not a server's whole reply


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other mistake."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"baotinh: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="baotinh",
        description="Vietnamese provincial newspapers, crawled into a longitudinal dataset.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error ($BAOTINH_DEBUG=1)"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for module in command_modules():
        sub = subparsers.add_parser(module.NAME, help=module.SUMMARY, description=module.SUMMARY)
        module.add_arguments(sub)
        sub.set_defaults(
            handler=module.run,
            prepare=getattr(module, "prepare", None),
            runs_flows=getattr(module, "RUNS_FLOWS", False),
            page_workers=getattr(module, "PAGE_WORKERS", False),
        )
    return parser


def command_modules() -> list:
    """Every module of :mod:`baotinh.commands`, in the order of their names."""
    names = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))
    return [importlib.import_module(f"{commands.__name__}.{name}") for name in names]


if __name__ == "__main__":
    entry()
