"""`python -m bench` with arguments it does not know prints its usage and runs nothing."""

from __future__ import annotations

import pytest

from bench import __main__ as bench_cli


@pytest.fixture
def untouched_report(tmp_path, monkeypatch):
    """The report path moved to a temporary file: a whole bench run would write it."""
    report = tmp_path / "quality.md"
    monkeypatch.setattr(bench_cli, "REPORT", report)
    monkeypatch.setattr(bench_cli, "SECTIONS", [("Boom: never run", _fail)])
    return report


def _fail(argv: list[str]) -> int:
    raise AssertionError("a section ran")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_the_sections_and_runs_none(flag, untouched_report, capsys):
    assert bench_cli.main([flag]) == 0
    out = capsys.readouterr().out
    assert "usage: python -m bench" in out and "throughput" in out
    assert not untouched_report.exists()


def test_an_unknown_section_is_an_error_that_names_it(untouched_report, capsys):
    assert bench_cli.main(["thruput"]) == 2
    assert "'thruput'" in capsys.readouterr().err
    assert not untouched_report.exists()
