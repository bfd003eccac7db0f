"""A full disk under the warehouse: the run fails with the reason, nothing is marked loaded
that was not, and once there is room again the next run ends with the tables of one clean
run. The disk is a small tmpfs the test mounts (root only; skipped elsewhere)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samples.server import SAMPLE_SITES, LocalSite
from tests.test_pipeline import snapshot
from warehouse.schema import connect

SAMPLE = SAMPLE_SITES / "baonghean"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 24 MB tmpfs, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def run(site: LocalSite, db: Path, data: Path, api_url: str) -> subprocess.CompletedProcess:
    """`baotinh run` in a subprocess, against the harness's Prefect server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    command = [
        sys.executable, "-m", "baotinh.cli", "run", "--base-url", site.url,
        "--db", str(db), "--data-dir", str(data),
    ]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_a_full_disk_under_the_warehouse_fails_the_run_and_loses_nothing(
    small_disk: Path, tmp_path: Path, api_url: str
) -> None:
    db = small_disk / "w.duckdb"
    with LocalSite(SAMPLE) as site:
        clean = run(site, tmp_path / "clean.duckdb", tmp_path / "clean", api_url)
        assert clean.returncode == 0, clean.stderr[-2000:]
        # Fill the disk but for a little room: the schema fits, the articles do not.
        with connect(db):
            pass
        filler = small_disk / "filler"
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        filler.write_bytes(b"\0" * max(0, free - 256 * 1024))
        full = run(site, db, tmp_path / "data", api_url)
        assert full.returncode != 0
        assert "No space left" in full.stderr or "space" in full.stderr.lower(), full.stderr[-2000:]
        filler.unlink()
        again = run(site, db, tmp_path / "data", api_url)
    assert again.returncode == 0, again.stderr[-2000:]
    assert snapshot(db) == snapshot(tmp_path / "clean.duckdb")
