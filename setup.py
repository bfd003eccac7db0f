"""Build of baotinh: pyproject.toml holds the metadata; this adds the compiled modules.

The modules listed in ``transforms/native.py`` are compiled with mypyc (same code, about
twice as fast). Without a C compiler, or with ``BAOTINH_PURE_PYTHON`` set, the package is
installed as pure Python and runs the same, slower.
"""

import fcntl
import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _native():
    """transforms/native.py alone: importing the package would check the builds being
    replaced, and warn that they are stale during the build."""
    spec = importlib.util.spec_from_file_location("_baotinh_native", ROOT / "transforms/native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


native = _native()


class OptionalBuildExt(build_ext):
    """Builds the extensions if it can; says why not and goes on without them otherwise.
    A build that completes is recorded beside the builds (transforms/native.py imports
    builds only when the record matches them and the sources)."""

    def run(self) -> None:
        if not self.extensions:
            return
        builds = [Path(self.get_ext_fullpath(ext.name)) for ext in self.extensions]
        (builds[0].parent / native.RECORD).unlink(missing_ok=True)  # until this build is complete
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers
            print(f"warning: transforms not compiled, pure Python it is ({exc})", file=sys.stderr)
            # Older builds left there would be found without their record ever after, with
            # a warning sending to a `make build` that has nothing left to do.
            for build in builds:
                build.unlink(missing_ok=True)
            return
        native.record_build(builds[0].parent, ROOT / "transforms", builds)


_LOCK: list = []


def _one_build_at_a_time() -> None:
    """Wait for another build of this tree to end (two `make` at once): both would write the
    same C files, objects and builds, and a build failing on the other's half-written files
    removes the builds. Held until this process ends."""
    folder = ROOT / "build"
    folder.mkdir(exist_ok=True)
    lock = (folder / ".lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    _LOCK.append(lock)


def extensions() -> list:
    if native.pure_python_asked():
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("warning: mypy is not installed, transforms stay pure Python", file=sys.stderr)
        return []
    _one_build_at_a_time()
    return mypycify(
        [*(f"transforms/{module}.py" for module in native.COMPILED), "--ignore-missing-imports"],
        opt_level="3",
        group_name="transforms._build",
    )


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
