"""Build of baotinh: pyproject.toml holds the metadata; this adds the compiled modules.

The modules listed in ``transforms/native.py`` are compiled with mypyc (same code, about
twice as fast). Without a C compiler, or with ``BAOTINH_PURE_PYTHON`` set, the package is
installed as pure Python and runs the same, slower.
"""

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

sys.path.insert(0, str(Path(__file__).resolve().parent))
from transforms.native import COMPILED, PURE_ENV


class OptionalBuildExt(build_ext):
    """Builds the extensions if it can; says why not and goes on without them otherwise."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no Python headers
            print(f"warning: transforms not compiled, pure Python it is ({exc})", file=sys.stderr)
            return
        # A module whose C code did not change is copied with its old time: every build is
        # dated now, as transforms/native.py compares builds with the sources by time.
        for ext in self.extensions:
            path = Path(self.get_ext_fullpath(ext.name))
            if path.exists():
                os.utime(path)


def extensions() -> list:
    if os.environ.get(PURE_ENV):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("warning: mypy is not installed, transforms stay pure Python", file=sys.stderr)
        return []
    return mypycify(
        [*(f"transforms/{module}.py" for module in COMPILED), "--ignore-missing-imports"],
        opt_level="3",
        group_name="transforms._build",
    )


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
