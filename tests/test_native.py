"""The compiled extraction modules: the same answers as their source, and never a stale build.

``setup.py`` compiles the modules of ``transforms.native.COMPILED`` with mypyc. These tests
run the extractors in a child process twice, compiled and from source
(``$BAOTINH_PURE_PYTHON``), and compare what they find; and they check that builds run only
when they are the ones recorded for the package's sources (``native.RECORD``), whatever the
files' times.
"""

from __future__ import annotations

import fcntl
import importlib.machinery
import json
import os
import shutil
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


@pytest.mark.parametrize(
    ("value", "asked"),
    [("1", "1"), ("yes", "yes"), ("garbage", "garbage"), ("0", None), ("false", None),
     ("Off", None), ("no", None), ("", None)],
)  # fmt: skip
def test_only_a_true_value_asks_for_the_sources(
    monkeypatch: pytest.MonkeyPatch, value: str, asked: str | None
) -> None:
    """``BAOTINH_PURE_PYTHON=0`` ran the sources: any value set did."""
    monkeypatch.setenv(native.PURE_ENV, value)
    assert native.pure_python_asked() == asked


def test_pure_python_zero_runs_the_builds() -> None:
    if native.mode() != "compiled":
        pytest.skip(f"transforms are not compiled here ({native.mode()}): `make build`")
    assert _import_figures(REPO, **{native.PURE_ENV: "0"})[0] == "compiled"
    mode = _import_figures(REPO, **{native.PURE_ENV: "garbage"})[0]
    assert mode == f"source (${native.PURE_ENV} is garbage)"


def _package(folder: Path) -> Path:
    """A copy of the package's layout: a source per compiled module, a build of each, and
    the record of that build."""
    for module in native.COMPILED:
        (folder / f"{module}.py").write_text(f"# {module}\n", encoding="utf-8")
    (folder / "models.py").write_text("", encoding="utf-8")
    builds = []
    for module in native.COMPILED:
        build = folder / f"{module}{importlib.machinery.EXTENSION_SUFFIXES[0]}"
        build.write_bytes(module.encode())
        builds.append(build)
    native.record_build(folder, folder, builds)
    return folder


def test_builds_of_the_recorded_sources_are_current_whatever_their_times(tmp_path: Path) -> None:
    """An installer (pip unpacking a wheel) writes sources after builds: times say nothing."""
    folder = _package(tmp_path)
    later = time.time() + 60
    for source in folder.glob("*.py"):
        os.utime(source, (later, later))
    assert native.unusable_builds(folder) is None


def test_a_source_changed_after_the_build_makes_it_stale(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    (folder / "models.py").write_text("x = 1\n", encoding="utf-8")  # not compiled, but used
    assert native.unusable_builds(folder) == "models.py changed since compiled"


def test_a_damaged_or_unrecorded_build_is_not_imported(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    build = native.build_of("figures", folder)
    assert build is not None
    build.write_bytes(b"fig")  # truncated: loading it can crash the process
    assert "figures" in (native.unusable_builds(folder) or "")
    build.unlink()
    assert native.unusable_builds(folder) == "figures not compiled"
    (folder / native.RECORD).unlink()
    assert native.unusable_builds(folder) == f"no record of the build ({native.RECORD})"


def test_nothing_built_is_nothing_stale(tmp_path: Path) -> None:
    (tmp_path / "figures.py").write_text("", encoding="utf-8")
    assert native.unusable_builds(tmp_path) is None


def _copy_package(into: Path) -> Path:
    """A copy of the package with its builds, each file written in its own order and time."""
    copy = into / "transforms"
    copy.mkdir()
    for path in sorted(native.HERE.iterdir(), key=lambda p: p.suffix != ".so"):  # builds first
        if path.is_file():
            (copy / path.name).write_bytes(path.read_bytes())
    (copy / "data").symlink_to(native.HERE / "data")
    return copy


def _import_figures(root: Path, **env: str) -> tuple[str, str, str]:
    """Mode and file of transforms.figures imported in a child from ``root``, its stderr."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import transforms.figures as f, transforms.native as n\n"
            "print(n.mode()); print(f.__file__)",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    mode, file = done.stdout.splitlines()
    return mode, file, done.stderr


@pytest.fixture
def compiled() -> None:
    if native.mode() != "compiled":
        pytest.skip(f"transforms are not compiled here ({native.mode()}): `make build`")


@pytest.mark.usefixtures("compiled")
def test_an_installed_copy_runs_its_builds(tmp_path: Path) -> None:
    """Sources written after the builds, as by pip installing a wheel: the builds run."""
    copy = _copy_package(tmp_path)
    mode, file, stderr = _import_figures(tmp_path)
    assert mode == "compiled" and not stderr, stderr
    assert file == str(native.build_of("figures", copy))


@pytest.mark.usefixtures("compiled")
def test_a_stale_build_runs_the_sources_and_says_so(tmp_path: Path) -> None:
    """A copy of the package whose source differs from the one compiled imports the sources."""
    copy = _copy_package(tmp_path)
    with (copy / "models.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    mode, file, stderr = _import_figures(tmp_path)
    assert mode.startswith("source (models.py changed") and "make build" in mode
    assert file == str(copy / "figures.py")
    assert "running the Python source of transforms" in stderr


@pytest.mark.usefixtures("compiled")
def test_a_truncated_build_runs_the_sources_instead_of_crashing(tmp_path: Path) -> None:
    """A build cut short (a full disk, an interrupted build) crashed the import (SIGBUS)."""
    copy = _copy_package(tmp_path)
    build = copy / f"_build__mypyc{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    build.write_bytes(build.read_bytes()[:5000])
    later = time.time() + 60  # the builds newer than the sources, as after `make build`
    for path in copy.glob("*.so"):
        os.utime(path, (later, later))
    mode, file, stderr = _import_figures(tmp_path)
    assert mode.startswith(f"source ({build.name} is not the build recorded")
    assert file == str(copy / "figures.py") and "running the Python source" in stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
@pytest.mark.parametrize("target", ["build", "bench"])
def test_make_compiles_the_extensions_once(tmp_path: Path, target: str) -> None:
    """A fresh `make build` compiled twice (about a minute each): by the editable install, then
    by its own rule; `make bench` recompiled on every run through its editable install."""
    for name in ("Makefile", "pyproject.toml", "setup.py"):
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    (tmp_path / "transforms").mkdir()
    (tmp_path / "transforms" / "figures.py").write_text("", encoding="utf-8")
    done = subprocess.run(
        ["make", "-n", target], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    commands = done.stdout.splitlines()
    installs = [c for c in commands if "pip install" in c and " -e " in c]
    assert installs and all(f"{native.PURE_ENV}=1 " in c for c in installs), installs
    assert sum("build_ext" in c for c in commands) == 1, commands


def test_the_build_does_not_warn_about_the_builds_it_replaces(tmp_path: Path) -> None:
    """setup.py imported the package, whose check warned "running the Python source ...
    `make build` recompiles" in the middle of `make build`."""
    for name in ("pyproject.toml", "README.md", "setup.py"):
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    package = tmp_path / "transforms"
    package.mkdir()
    for name in ("__init__.py", "native.py"):
        (package / name).write_bytes((native.HERE / name).read_bytes())
    (package / f"figures{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"old")
    no_mypyc = (  # setup.py then installs pure Python at once: no compile in a test
        "import runpy, sys; sys.modules['mypyc'] = sys.modules['mypyc.build'] = None;"
        "sys.argv = ['setup.py', '--version']; runpy.run_path('setup.py', run_name='__main__')"
    )
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    done = subprocess.run(
        [sys.executable, "-c", no_mypyc],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "mypy is not installed" in done.stderr
    assert "running the Python source" not in done.stderr, done.stderr


SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _tree_with_earlier_builds(root: Path) -> Path:
    """The files setup.py builds from, in ``root``, with builds of an earlier compile."""
    pytest.importorskip("mypyc.build")
    for name in ("pyproject.toml", "README.md", "setup.py"):
        (root / name).write_bytes((REPO / name).read_bytes())
    package = root / "transforms"
    package.mkdir()
    for source in native.HERE.glob("*.py"):
        (package / source.name).write_bytes(source.read_bytes())
    (package / "data").symlink_to(native.HERE / "data")
    for module in (*native.COMPILED, "_build__mypyc"):
        (package / f"{module}{SUFFIX}").write_bytes(b"an earlier build")
    return package


def _failing_build(root: Path) -> dict:
    """Arguments of subprocess.run for an in-place build in ``root`` without a C compiler."""
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    return {
        "args": [sys.executable, "setup.py", "--quiet", "build_ext", "--inplace"],
        "cwd": root,
        "env": {**env, "CC": "/bin/false"},
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "text": True,
    }


@pytest.mark.slow
def test_a_failed_build_leaves_pure_python_not_older_builds(tmp_path: Path) -> None:
    """Without a working C compiler the build says "pure Python it is": the builds of an
    earlier compile stayed, and every run warned that `make build` would recompile, which
    had nothing to do (its stamp was touched)."""
    package = _tree_with_earlier_builds(tmp_path)
    done = subprocess.run(**_failing_build(tmp_path), timeout=600, check=True)
    assert "pure Python it is" in done.stderr
    assert not list(package.glob(f"*{SUFFIX}"))
    mode, file, stderr = _import_figures(tmp_path)
    assert (mode, file, stderr) == ("source", str(package / "figures.py"), "")


@pytest.mark.slow
def test_a_build_waits_for_another_build_of_the_tree(tmp_path: Path) -> None:
    """Two `make build` at once wrote the same C files, objects and builds."""
    package = _tree_with_earlier_builds(tmp_path)
    (tmp_path / "build").mkdir()
    with (tmp_path / "build" / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another build runs
        second = subprocess.Popen(**_failing_build(tmp_path))
        try:
            deadline = time.monotonic() + 10  # mypyc writes its C files within ~5 s
            while second.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert second.poll() is None, second.communicate()
            assert [p.name for p in (tmp_path / "build").iterdir()] == [".lock"]
            assert len(list(package.glob(f"*{SUFFIX}"))) == len(native.COMPILED) + 1
        except BaseException:
            second.kill()
            second.wait()
            raise
    _, stderr = second.communicate(timeout=600)
    assert second.returncode == 0 and "pure Python it is" in stderr
