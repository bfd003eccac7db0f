"""The configuration of ``baotinh serve`` (``--config FILE``) is checked in full when it is
read, the same for ``--print`` and the real ``serve``: a mistake is one line naming the file,
the section and the setting, exit 2, before anything is registered."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from baotinh.cli import main
from flows.schedules import DEFAULT_CONFIG, Schedules

REPO = Path(__file__).resolve().parents[1]

BAD = [
    ('max_runs = "x"', "max_runs"),
    ("max_runs = 0", "max_runs"),
    ("papers_crawling = 1.5", "papers_crawling"),
    ("poll_seconds = -1", "poll_seconds"),
    ("poll_seconds = nan", "poll_seconds"),
    ('timezone = "Mars/Base"', "timezone"),
    ("[crawl]\ncron = 5", "[crawl] cron"),
    ('[crawl]\ncron = "61 * * * *"', "[crawl] cron"),
    ("[crawl]\nconcurrency = 0", "[crawl] concurrency"),
    ('[crawl]\nmode = "fast"', "[crawl] mode"),
    ("[crawl]\ntimeout_minutes = 0", "[crawl] timeout_minutes"),
    ('[crawl]\nsites = "nope"', "[crawl] sites"),
    ("[crawl]\nsites = []", "[crawl] sites"),
    ('[backfill]\nstart = "yesterday"', "[backfill] start"),
    ("[backfill]\nstart = 2015-01-01T00:00:00", "[backfill] start"),
    ("[backfill]\nstep_days = 0", "[backfill] step_days"),
    ('[health]\nreprocess = "yes"', "[health] reprocess"),
    ("[health]\ndays = true", "[health] days"),
    ('[groups]\nnorth = "baolaocai"', "[groups] north"),
    ('[groups]\nall = ["baolaocai"]', "[groups] all"),
    ("crawl = 3", "[crawl]"),
    ("[crawl]\nevery = 6", "'every' in [crawl]"),
    ("retries = 2", "'retries' in the top level"),
]


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "serve.toml"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def serve_print(path: Path, capsys) -> tuple[int, str, str]:
    code = main(["serve", "--print", "--config", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("text", "where"), BAD, ids=[where for _, where in BAD])
def test_serve_print_refuses_a_bad_setting_naming_file_section_and_key(
    text: str, where: str, tmp_path: Path, capsys
) -> None:
    code, out, err = serve_print(config(tmp_path, text), capsys)
    assert code == 2, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert str(tmp_path / "serve.toml") in err and where in err, err


def test_a_bad_setting_is_refused_when_read(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"serve\.toml: max_runs: must be a whole number"):
        Schedules.load(config(tmp_path, 'max_runs = "x"'))


def test_unknown_papers_name_the_file_and_where_they_are_listed(tmp_path: Path, capsys) -> None:
    path = config(tmp_path, '[groups]\nnorth = ["baolaocai", "nope"]\n[backfill]\nsites = "north"')
    code, _, err = serve_print(path, capsys)
    assert code == 2 and "serve.toml: [groups] north: unknown papers ['nope']" in err, err
    code, _, err = serve_print(config(tmp_path, '[crawl]\nsites = ["nope"]'), capsys)
    assert code == 2 and "serve.toml: [crawl] sites: unknown papers ['nope']" in err, err


@pytest.mark.parametrize(
    ("text", "line"),
    [("max_runs = 2\npoll_seconds = \n", "line 2"), ("max_runs = 2\ngroups = [\n", "line 2")],
)
def test_bad_toml_names_the_file_and_the_line(text: str, line: str, tmp_path: Path, capsys):
    code, _, err = serve_print(config(tmp_path, text.rstrip("\n")), capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert f"{tmp_path / 'serve.toml'}: not valid TOML" in err and line in err, err


def test_a_good_config_is_read_with_its_types(tmp_path: Path, capsys, monkeypatch) -> None:
    for name in ("BAOTINH_DB", "BAOTINH_DATA"):  # `serve` sets them for its runs
        monkeypatch.setenv(name, str(tmp_path / name))
    path = config(
        tmp_path,
        'max_runs = 2\npoll_seconds = 2\n[groups]\nnorth = ["baolaocai"]\n'
        '[crawl]\ncron = "0 1 * * *"\nsites = "north"\ntimeout_minutes = 30\n'
        '[backfill]\nstart = "2018-06-01"\nstep_days = 30',
    )
    schedules = Schedules.load(path)
    assert schedules.max_runs == 2 and schedules.poll_seconds == 2
    assert schedules.backfill.start == date(2018, 6, 1) and schedules.backfill.step_days == 30
    assert schedules.health.days == 30  # the defaults fill what the file leaves out
    code, out, err = serve_print(path, capsys)
    assert code == 0, err
    assert "0 1 * * *" in out and "1 papers" in out


def test_the_shipped_schedules_read() -> None:
    shipped = Schedules.load(DEFAULT_CONFIG)
    assert (shipped.crawl.cron, shipped.backfill.cron) == (Schedules().crawl.cron, "0 2 * * 0")
    assert (shipped.crawl.timeout_minutes, shipped.backfill.start) == (120, date(2015, 1, 1))
    assert shipped.groups == {"checked": ("baolaocai", "baocantho")}


def test_real_serve_refuses_the_config_before_registering_anything(tmp_path: Path) -> None:
    """Not only ``--print``: ``serve`` itself stops at the file, before a server starts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAOTINH_"))}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "BAOTINH_DATA": str(tmp_path / "data")}
    path = config(tmp_path, 'max_runs = "x"')
    done = subprocess.run(
        [sys.executable, "-m", "baotinh.cli", "serve", "--paused", "--config", str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    problem = "max_runs: must be a whole number of at least 1, not 'x'"
    assert done.stderr.strip() == f"baotinh: error: {path}: {problem}"
    assert not (tmp_path / "prefect").exists()  # no server, no database, nothing registered
