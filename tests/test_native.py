"""The compiled extraction modules: the same answers as their source, and never a stale build.

``setup.py`` compiles the modules of ``transforms.native.COMPILED`` with mypyc. These tests
run the extractors in a child process twice, compiled and from source
(``$BAOTINH_PURE_PYTHON``), and compare what they find; and they check that a source newer
than the builds makes the package run its sources.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from transforms import native

REPO = Path(__file__).resolve().parents[1]

# Extract from every annotated text and the sample site's articles; print modules and answers.
EXTRACT = """
import json, sys
from datetime import date
from pathlib import Path
import transforms.figures as figures
from transforms.dates import extract_dates
from transforms.figures import extract_figures
from transforms.native import mode
texts = []
for path in sorted(Path("tests/annotated").glob("*.jsonl")):
    texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line]
answers = []
for text in texts:
    dates = extract_dates(text, date(2023, 6, 30))
    answers.append(repr((dates, extract_figures(text, date(2023, 6, 30), dates))))
out = {"mode": mode(), "file": figures.__file__, "texts": len(texts), "answers": answers}
print(json.dumps(out))
"""


def _extract(**env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", EXTRACT],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_compiled_modules_find_what_their_source_finds() -> None:
    if native.mode() != "compiled":
        pytest.skip(f"transforms are not compiled here ({native.mode()}): `make build`")
    compiled = _extract()
    source = _extract(**{native.PURE_ENV: "1"})
    assert compiled["mode"] == "compiled" and compiled["file"].endswith(".so")
    assert source["mode"].startswith("source") and source["file"].endswith(".py")
    assert compiled["texts"] > 100
    different = [
        i
        for i, (a, b) in enumerate(zip(compiled["answers"], source["answers"], strict=True))
        if a != b
    ]
    assert not different, f"{len(different)} texts differ, the first: {different[0]}"


def _package(folder: Path, built_after_sources: bool) -> Path:
    """A copy of the package's layout: a source per compiled module, a build of each."""
    for module in native.COMPILED:
        (folder / f"{module}.py").write_text("", encoding="utf-8")
    (folder / "models.py").write_text("", encoding="utf-8")
    now = time.time()
    for module in native.COMPILED:
        build = folder / f"{module}{importlib.machinery.EXTENSION_SUFFIXES[0]}"
        build.write_bytes(b"")
        stamp = now + 10 if built_after_sources else now - 10
        os.utime(build, (stamp, stamp))
    return folder


def test_builds_newer_than_every_source_are_current(tmp_path: Path) -> None:
    assert native.stale_builds(_package(tmp_path, built_after_sources=True)) == []


def test_a_source_changed_after_the_build_makes_it_stale(tmp_path: Path) -> None:
    folder = _package(tmp_path, built_after_sources=True)
    later = time.time() + 60
    os.utime(folder / "models.py", (later, later))  # not compiled, but compiled code uses it
    assert native.stale_builds(folder) == ["models.py"]


def test_nothing_built_is_nothing_stale(tmp_path: Path) -> None:
    (tmp_path / "figures.py").write_text("", encoding="utf-8")
    assert native.stale_builds(tmp_path) == []


def test_a_stale_build_runs_the_sources_and_says_so(tmp_path: Path) -> None:
    """A copy of the package whose builds predate its sources imports the sources."""
    if native.mode() != "compiled":
        pytest.skip(f"transforms are not compiled here ({native.mode()}): `make build`")
    copy = tmp_path / "transforms"
    copy.mkdir()
    for path in native.HERE.iterdir():
        if path.is_file():
            (copy / path.name).write_bytes(path.read_bytes())
    (copy / "data").symlink_to(native.HERE / "data")
    old = time.time() - 3600
    for path in copy.iterdir():
        if path.suffix == ".so":
            os.utime(path, (old, old))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import transforms.figures as f, transforms.native as n\n"
            "print(n.mode()); print(f.__file__)",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    mode, file = done.stdout.splitlines()
    assert mode.startswith("source (") and "make build" in mode
    assert file == str(copy / "figures.py")
    assert "running the Python source of transforms" in done.stderr
