"""The analysis views, example queries, export and chart, on the demo's warehouse."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest

from warehouse.chart import draw, load_series
from warehouse.export import export_parquet
from warehouse.query import example_queries, run_query

SERIES_CONTRACT = [
    "province", "indicator", "unit", "period_grain", "period_value", "value", "articles",
    "province_2025", "indicator_key",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_db(demo_run) -> Path:
    """The session's demo warehouse (read only here)."""
    folder, _ = demo_run
    return folder / "w.duckdb"


def _rows(db: Path, sql: str) -> list[dict]:
    columns, rows = run_query(db, sql)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_indicator_series_keeps_its_contract(demo_db: Path) -> None:
    columns, _ = run_query(demo_db, "SELECT * FROM indicator_series LIMIT 0")
    assert set(SERIES_CONTRACT) <= set(columns)


def test_non_phrases_are_not_indicators(demo_db: Path) -> None:
    bad = _rows(
        demo_db,
        "SELECT indicator FROM indicator_series"
        " WHERE indicator IN ('|', 'có chiều dài', 'trở', 'so')"
        " OR NOT regexp_matches(indicator, '\\w')",
    )
    assert bad == []


def test_wordings_group_into_named_indicators(demo_db: Path) -> None:
    rows = _rows(
        demo_db,
        "SELECT count(DISTINCT lower(indicator)) AS phrases FROM figure_facts"
        " WHERE indicator_name = 'budget_revenue'",
    )
    assert rows[0]["phrases"] >= 3  # "thu ngân sách", "tổng thu ngân sách nhà nước ..." ...


def test_series_run_across_the_merger(demo_db: Path) -> None:
    rows = _rows(
        demo_db,
        "SELECT DISTINCT province, province_2025 FROM indicator_series"
        " WHERE province IN ('Hà Giang', 'Tuyên Quang')",
    )
    assert {(r["province"], r["province_2025"]) for r in rows} == {
        ("Hà Giang", "Tuyên Quang"), ("Tuyên Quang", "Tuyên Quang"),
    }  # fmt: skip
    years = _rows(
        demo_db,
        "SELECT min(period_year) AS lo, max(period_year) AS hi FROM indicator_series"
        " WHERE province_2025 = 'Tuyên Quang' AND indicator = 'budget_revenue'",
    )[0]
    assert years["lo"] <= 2020 and years["hi"] >= 2025


def test_figure_facts_say_which_rule_placed_them(demo_db: Path) -> None:
    rows = _rows(
        demo_db,
        "SELECT province_rule, count(*) AS n FROM figure_facts GROUP BY ALL ORDER BY province_rule",
    )
    rules = {r["province_rule"] for r in rows}
    assert rules <= {"sentence", "paragraph", "lead", "paper"} and "paper" in rules
    assert "sentence" in rules


def test_latest_and_articles_per_month(demo_db: Path) -> None:
    latest = _rows(
        demo_db,
        "SELECT * FROM indicator_latest WHERE indicator = 'budget_revenue' AND unit = 'VND'",
    )
    assert {r["province_2025"] for r in latest} >= {"Nghệ An", "Cần Thơ", "Tuyên Quang"}
    months = _rows(demo_db, "SELECT sum(articles) AS n FROM articles_per_month")
    total = _rows(demo_db, "SELECT count(*) AS n FROM articles WHERE published_at IS NOT NULL")
    assert months == total


@pytest.mark.parametrize("name", sorted(example_queries()))
def test_each_example_query_answers_on_the_demo(demo_db: Path, name: str) -> None:
    columns, rows = run_query(demo_db, example_queries()[name])
    assert columns and rows, name


def test_the_yearly_budget_of_one_province(demo_db: Path) -> None:
    columns, rows = run_query(demo_db, example_queries()["indicator_over_years"])
    years = [row[columns.index("year")] for row in rows]
    assert years == sorted(set(years)) and years[0] <= 2020 and years[-1] >= 2025


def test_export_writes_every_table_partitioned_by_paper_and_year(demo_db, tmp_path) -> None:
    counts = export_parquet(demo_db, tmp_path)
    articles = ds.dataset(tmp_path / "articles", format="parquet", partitioning="hive")
    assert articles.count_rows() == counts["articles"] > 0
    assert {"paper", "year"} <= set(articles.schema.names)
    figures = ds.dataset(tmp_path / "figures", format="parquet", partitioning="hive")
    assert figures.count_rows() == counts["figures"]
    assert any(p.name.startswith("year=") for p in (tmp_path / "figures").glob("*/*"))
    assert (tmp_path / "provinces.parquet").exists()
    export_parquet(demo_db, tmp_path)  # again: replaced, not doubled
    figures = ds.dataset(tmp_path / "figures", format="parquet", partitioning="hive")
    assert figures.count_rows() == counts["figures"]


def test_export_never_deletes_what_it_did_not_write(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    (out / "pages").mkdir(parents=True)
    (out / "pages" / "important.txt").write_text("notes", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty and holds no earlier export"):
        export_parquet(demo_db, out)
    assert sorted(p.name for p in out.rglob("*")) == ["important.txt", "pages"]
    (out / "pages" / "important.txt").unlink()
    (out / "pages").rmdir()
    counts = export_parquet(demo_db, out)
    (out / "notes.txt").write_text("beside the export", encoding="utf-8")
    mine = next((out / "figures").glob("paper=*")) / "mine.txt"
    mine.write_text("inside a table's folder", encoding="utf-8")
    written = sorted(out.rglob("*"))
    with pytest.raises(ValueError, match=r"mine\.txt was not written by an export"):
        export_parquet(demo_db, out)
    assert sorted(out.rglob("*")) == written  # nothing replaced, nothing deleted
    mine.unlink()
    assert export_parquet(demo_db, out) == counts
    assert (out / "notes.txt").read_text(encoding="utf-8") == "beside the export"
    figures = ds.dataset(out / "figures", format="parquet", partitioning="hive")
    assert figures.count_rows() == counts["figures"]
    assert not [p for p in out.iterdir() if p.name.startswith(".baotinh-export-")]


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_chart_draws_one_line_per_province(demo_db: Path, tmp_path: Path, suffix: str) -> None:
    series = load_series(demo_db, "budget_revenue")
    assert len(series.lines) >= 3 and series.unit == "VND" and series.grain == "year"
    out = draw(series, tmp_path / f"c{suffix}")
    assert out.stat().st_size > 1000
    if suffix == ".html":
        assert "<svg" in out.read_text(encoding="utf-8")
