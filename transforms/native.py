"""Which modules of this package run compiled, and the fallback to their Python source.

``setup.py`` compiles the modules of :data:`COMPILED` with mypyc into extension modules
beside their sources (``make`` does it when a source changes): the same code, type-checked,
about twice as fast. Python imports an extension module before a source of the same name, so
an edited source would be shadowed by its older build. When a source of the package is newer
than the builds, or ``$BAOTINH_PURE_PYTHON`` is set, every module of :data:`COMPILED` is imported
from its source instead: all or none, as compiled modules call one another directly, not
through the import system. Profilers that sample Python frames (py-spy, line_profiler) see
inside the sources only, so profile with ``BAOTINH_PURE_PYTHON=1``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
from pathlib import Path
from types import ModuleType

PURE_ENV = "BAOTINH_PURE_PYTHON"
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


def stale_builds(folder: Path = HERE) -> list[str]:
    """The sources of the package newer than the oldest build of :data:`COMPILED` (any of
    them may have changed what the builds were type-checked against); empty when nothing
    is built."""
    builds = [build for module in COMPILED if (build := build_of(module, folder)) is not None]
    if not builds:
        return []
    built = min(build.stat().st_mtime for build in builds)
    return sorted(p.name for p in folder.glob("*.py") if p.stat().st_mtime > built)


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
    if os.environ.get(PURE_ENV):
        reason = f"${PURE_ENV} is set"
    elif stale := stale_builds():
        reason = f"{', '.join(stale)} changed since compiled: `make build` recompiles"
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
