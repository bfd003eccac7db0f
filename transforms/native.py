"""Which modules of this package run compiled, and the fallback to their Python source.

``setup.py`` compiles the modules of :data:`COMPILED` with mypyc into extension modules
beside their sources (``make`` does it when a source changes): the same code, type-checked,
about twice as fast. Python imports an extension module before a source of the same name, so
an edited source would be shadowed by its older build. The build therefore leaves a record
(:data:`RECORD`: the hash of every source of the package, the size of every build); when a
source differs from it, a build is missing, damaged or not the one recorded, or
``$BAOTINH_PURE_PYTHON`` is set, every module of :data:`COMPILED` is imported from its source
instead: all or none, as compiled modules call one another directly, not through the import
system. Contents, not times, are compared: an installer writes sources and builds in any order.
Profilers that sample Python frames (py-spy, line_profiler) see inside the sources only, so
profile with ``BAOTINH_PURE_PYTHON=1`` (``0``, ``false``, ``no`` or ``off`` run the builds).
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path
from types import ModuleType

PURE_ENV = "BAOTINH_PURE_PYTHON"
# Values of $BAOTINH_PURE_PYTHON that do not ask for the sources.
_NOT_ASKED = ("", "0", "false", "no", "off")
# Written by setup.py beside the builds: what they were compiled from.
RECORD = "_build.json"
PACKAGE = __name__.rpartition(".")[0]
HERE = Path(__file__).resolve().parent
# Extraction of dates and figures from text: pure Python spread over many small functions,
# where the interpreter's own overhead is most of the time.
COMPILED = (
    "date_grammar",
    "date_resolve",
    "date_rules",
    "date_tables",
    "dates",
    "figure_context",
    "figure_periods",
    "figure_units",
    "figures",
    "indicators",
    "lexicon",
    "numbers",
    "periods",
    "places",
    "segments",
    "textscan",
)

log = logging.getLogger(__name__)


def build_of(module: str, folder: Path = HERE) -> Path | None:
    """The compiled extension module of ``module`` in ``folder``, if there is one."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = folder / f"{module}{suffix}"
        if path.exists():
            return path
    return None


def pure_python_asked() -> str | None:
    """The value of ``$BAOTINH_PURE_PYTHON`` when it asks for the sources (``0``, ``false``,
    ``no``, ``off`` or empty do not)."""
    value = os.environ.get(PURE_ENV, "").strip()
    return None if value.lower() in _NOT_ASKED else value


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_build(folder: Path, sources: Path, builds: list[Path]) -> None:
    """Write :data:`RECORD` in ``folder``: the hash of every source in ``sources`` (the
    package compiled) and the size of each of ``builds``."""
    record = {
        "sources": {path.name: _digest(path) for path in sorted(sources.glob("*.py"))},
        "builds": {path.name: path.stat().st_size for path in builds},
    }
    temp = folder / f".{RECORD}.{os.getpid()}.tmp"
    temp.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    temp.replace(folder / RECORD)


def unusable_builds(folder: Path = HERE) -> str | None:
    """Why the builds of :data:`COMPILED` in ``folder`` must not be imported: a source of the
    package differs from the one compiled (any of them may have changed what the builds were
    type-checked against), a build is missing, damaged (a truncated build can crash the
    process that loads it) or not recorded; None when they can be, or nothing is built."""
    builds = {module: build_of(module, folder) for module in COMPILED}
    if not any(builds.values()):
        return None
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        sources, sizes = dict(record["sources"]), dict(record["builds"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return f"no record of the build ({RECORD})"
    if missing := [module for module, build in builds.items() if build is None]:
        return f"{', '.join(missing)} not compiled"
    for name, size in sorted(sizes.items()):
        path = folder / name
        if not path.is_file() or path.stat().st_size != size:
            return f"{name} is not the build recorded (missing, incomplete or replaced)"
    if unknown := sorted(b.name for b in builds.values() if b and b.name not in sizes):
        return f"{', '.join(unknown)} not of the build recorded"
    changed = sorted(p.name for p in folder.glob("*.py") if sources.get(p.name) != _digest(p))
    if changed:
        return f"{', '.join(changed)} changed since compiled"
    return None


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the modules of :data:`COMPILED` as their ``.py`` source, builds or not."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, module = fullname.rpartition(".")
        if package != PACKAGE or module not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(fullname, HERE / f"{module}.py")


def choose() -> str:
    """Import :data:`COMPILED` from source when asked or when a build is stale; say which:
    ``"compiled"``, ``"source"`` (nothing built) or ``"source (...)"`` with the reason."""
    if any(isinstance(finder, _SourceFinder) for finder in sys.meta_path):
        return mode()
    if asked := pure_python_asked():
        reason = f"${PURE_ENV} is {asked}"
    elif unusable := unusable_builds():
        reason = f"{unusable}: `make build` recompiles"
        log.warning("running the Python source of transforms: %s", reason)
    else:
        return mode()
    sys.meta_path.insert(0, _SourceFinder())
    _MODE[0] = f"source ({reason})"
    return _MODE[0]


_MODE = [""]


def mode() -> str:
    """How :data:`COMPILED` runs in this process: compiled or from source (and why)."""
    if _MODE[0]:
        return _MODE[0]
    return "compiled" if all(build_of(m) is not None for m in COMPILED) else "source"
