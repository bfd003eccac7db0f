"""What a run pays before it starts (issue 8): the process Prefect starts for each flow run
imports the deployment's module, so the flow modules must not load what only later steps
need (page cleaning's trafilatura, Arrow, the crawler's Scrapy; signatures need no SciPy at
all); and ``baotinh serve`` polls the server every ``poll_seconds``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows import deployments

REPO = Path(__file__).resolve().parents[1]
ENTRYPOINTS = ["flows.pipeline", "flows.backfill", "flows.healthjob", "flows.demo"]
HEAVY = {"datasketch", "scipy", "trafilatura", "lxml", "pyarrow", "scrapy", "twisted"}


def loaded_after(code: str) -> set[str]:
    """The heavy top-level packages loaded by ``code`` in a fresh interpreter."""
    check = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split()) & HEAVY


@pytest.mark.parametrize("module", ENTRYPOINTS)
def test_a_flow_module_starts_without_the_heavy_libraries(module: str) -> None:
    assert loaded_after(f"import {module}") == set()


def test_signatures_need_neither_datasketch_nor_scipy() -> None:
    text = " ".join(f"từ{i}" for i in range(60))
    assert loaded_after("import transforms.neardup, warehouse.stories") == {"pyarrow"}
    signed = f"from transforms import neardup; assert neardup.signature({text!r})"
    assert loaded_after(signed) == set()


def test_page_work_is_still_importable_from_processing() -> None:
    from flows import pagework, processing

    assert processing.clean_page is pagework.clean_page
    assert processing.VIETNAM is pagework.VIETNAM
    with pytest.raises(AttributeError):
        processing.no_such_name  # noqa: B018


def test_serve_polls_the_server_every_poll_seconds(monkeypatch, tmp_path) -> None:
    import prefect

    served = {}
    monkeypatch.setattr(prefect, "serve", lambda *args, **kwargs: served.update(kwargs))
    monkeypatch.setattr(deployments, "ensure_crawl_limit", lambda limit: None)

    deployments.serve_all(deployments.Schedules.load())
    assert served == {"limit": 4, "query_seconds": 0.5}

    config = tmp_path / "schedules.toml"
    config.write_text("poll_seconds = 2\nmax_runs = 2\n", encoding="utf-8")
    deployments.serve_all(deployments.Schedules.load(config))
    assert served == {"limit": 2, "query_seconds": 2}


@pytest.mark.parametrize(("given", "seen"), [(None, 120), ("45", 45)])
def test_the_temporary_server_gets_time_to_migrate_a_new_database(
    given: str | None, seen: int, tmp_path: Path
) -> None:
    """Prefect gives its temporary server 20 s, which a first run's migration can exceed on a
    busy machine; a command allows 120 s unless the user set a value of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    if given is not None:
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = given
    code = (
        "import contextlib, io\n"
        "from baotinh.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['sites', '--json'])\n"
        "from prefect.settings import get_current_settings\n"
        "print(get_current_settings().server.ephemeral.startup_timeout_seconds)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) == seen
