"""The DuckDB schema and the idempotent loader, on a real DuckDB file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from transforms.models import Article, DateMention, Figure, Period
from warehouse.load import FetchedPage, PageResult, article_id, load_results
from warehouse.query import render, run_query
from warehouse.schema import (
    MEMORY_ENV,
    WRITER_MEMORY,
    connect,
    migrate,
    migrations,
    scalar,
    schema_version,
)

T0 = datetime(2024, 5, 2, 3, 0, tzinfo=UTC)


def _article(url: str, body: str, title: str = "Tiêu đề") -> Article:
    return Article(
        url=url,
        title=title,
        published=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
        published_source="meta",
        author="Minh Châu",
        lead="Tóm tắt bài viết.",
        body=body,
    )


def _result(url: str, body: str, *, offset: int, fetched: datetime = T0, n_fig: int = 2):
    article = _article(url, body)
    page = FetchedPage("run1.warc.gz", offset, url, fetched, 200, f"sha-{offset}")
    day = date(2024, 5, 1)
    dates = [DateMention("ngày 1/5", 0, 8, "2024-05-01", "day", day, day)]
    period = Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31), "sentence", "năm 2024")
    figures = [
        Figure(f"{i + 10} hộ", i, i + 5, i + 10, "hộ", "hộ", "count", period=period)
        for i in range(n_fig)
    ]
    return PageResult(page, article, dates, figures)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return scalar(con, f"SELECT count(*) FROM {table}")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


def test_migrations_apply_once_and_record_versions(db: Path) -> None:
    with connect(db) as con:
        version = schema_version(con)
        assert version == max(v for v, _, _ in migrations())
        assert migrate(con) == version  # a second pass changes nothing
        applied = scalar(con, "SELECT count(*) FROM schema_migrations")
        assert applied == len(migrations())
        tables = {
            r[0] for r in con.sql("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"articles", "date_mentions", "figures", "crawl_runs", "pages"} <= tables


def test_loading_twice_adds_nothing(db: Path) -> None:
    batch = [
        _result(f"https://baonghean.vn/bai-{i}-10240{i:03d}.html", "Nội dung", offset=i)
        for i in range(5)
    ]
    with connect(db) as con:
        first = load_results(con, "baonghean", batch, "1")
        counts = {t: _count(con, t) for t in ("articles", "figures", "date_mentions", "pages")}
        second = load_results(con, "baonghean", batch, "1")
        again = {t: _count(con, t) for t in ("articles", "figures", "date_mentions", "pages")}
    assert (first.new, first.updated, first.figures) == (5, 0, 10)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 5)
    assert counts == again == {"articles": 5, "figures": 10, "date_mentions": 5, "pages": 5}


def test_changed_article_is_updated_in_place(db: Path) -> None:
    url = "https://baonghean.vn/bai-moi-10240001.html"
    later = T0 + timedelta(days=1)
    with connect(db) as con:
        load_results(con, "baonghean", [_result(url, "Bản đầu", offset=1, n_fig=3)], "1")
        counts = load_results(
            con, "baonghean", [_result(url, "Bản đã sửa", offset=2, fetched=later, n_fig=1)], "1"
        )
        row = con.execute(
            "SELECT body, version, first_seen_at, warc_offset FROM articles WHERE article_id = ?",
            [article_id(url)],
        ).fetchall()[0]
        figures = _count(con, "figures")
    assert counts.updated == 1 and counts.new == 0
    assert row[0] == "Bản đã sửa" and row[1] == 2 and row[3] == 2
    assert row[2] == T0  # first seen stays the first fetch
    assert figures == 1  # the old extraction is replaced, not added to


def test_an_older_copy_never_overwrites_a_newer_one(db: Path) -> None:
    url = "https://baonghean.vn/bai-cu-10240002.html"
    with connect(db) as con:
        load_results(con, "baonghean", [_result(url, "Bản mới", offset=5)], "1")
        earlier = _result(url, "Bản cũ", offset=1, fetched=T0 - timedelta(days=3))
        counts = load_results(con, "baonghean", [earlier], "1")
        body = scalar(con, "SELECT body FROM articles")
    assert counts.unchanged == 1 and body == "Bản mới"


def test_new_extractor_version_redoes_extraction_without_new_version(db: Path) -> None:
    url = "https://baonghean.vn/bai-x-10240003.html"
    with connect(db) as con:
        load_results(con, "baonghean", [_result(url, "Nội dung", offset=1, n_fig=2)], "1")
        counts = load_results(con, "baonghean", [_result(url, "Nội dung", offset=1, n_fig=4)], "2")
        version, tag = con.execute("SELECT version, extractor_version FROM articles").fetchall()[0]
        figures = _count(con, "figures")
    assert counts.updated == 1 and version == 1 and tag == "2" and figures == 4


def test_duplicates_within_a_batch_keep_the_latest_fetch(db: Path) -> None:
    url = "https://baonghean.vn/bai-y-10240004.html"
    older = _result(url, "Cũ", offset=1)
    newer = _result(url, "Mới", offset=2, fetched=T0 + timedelta(hours=1))
    with connect(db) as con:
        counts = load_results(con, "baonghean", [newer, older], "1")
        rows = con.execute("SELECT body FROM articles").fetchall()
        pages = _count(con, "pages")
    assert counts.new == 1 and rows == [("Mới",)] and pages == 2


def test_skipped_pages_are_recorded_with_their_reason(db: Path) -> None:
    page = FetchedPage("run1.warc.gz", 9, "https://baonghean.vn/x-10240009.html", T0, 200, "s")
    with connect(db) as con:
        counts = load_results(
            con, "baonghean", [PageResult(page, skip_reason="not an article")], "1"
        )
        row = con.execute("SELECT article_id, skip_reason FROM pages").fetchall()[0]
    assert counts.skipped == 1 and row == (None, "not an article")


def test_query_is_read_only_and_renders(db: Path) -> None:
    with connect(db) as con:
        load_results(
            con, "baonghean", [_result("https://baonghean.vn/a-10240010.html", "X", offset=1)], "1"
        )
    columns, rows = run_query(db, "SELECT url, version FROM articles")
    assert rows == [("https://baonghean.vn/a-10240010.html", 1)]
    assert "a-10240010" in render(columns, rows, "csv")
    with pytest.raises(duckdb.Error):
        run_query(db, "DELETE FROM articles")


def test_query_on_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="baotinh demo"):
        run_query(tmp_path / "none.duckdb", "SELECT 1")


def _limit_of(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def _as_duckdb_prints(size: str) -> str:
    """How DuckDB shows ``size`` once set (it rounds to MiB)."""
    with duckdb.connect() as con:
        con.execute("SET memory_limit = ?", [size])
        return _limit_of(con)


def test_a_writer_caps_duckdb_memory_and_a_reader_keeps_duckdbs_default(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    with duckdb.connect() as plain:
        default = _limit_of(plain)
    with connect(db) as con:
        assert _limit_of(con) == _as_duckdb_prints(WRITER_MEMORY) != default
    with connect(db, read_only=True) as con:
        assert _limit_of(con) == default


def test_the_memory_variable_sets_the_writers_cap_and_the_queries(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MEMORY_ENV, "300MB")
    with connect(db) as con:
        assert _limit_of(con) == _as_duckdb_prints("300MB")
    _, rows = run_query(db, "SELECT current_setting('memory_limit')")
    assert rows == [(_as_duckdb_prints("300MB"),)]


def test_a_memory_variable_duckdb_cannot_read_is_a_clear_error(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MEMORY_ENV, "plenty")
    with pytest.raises(ValueError, match=f"{MEMORY_ENV}='plenty'"), connect(db):
        pass
    monkeypatch.delenv(MEMORY_ENV)
    with connect(db) as con:  # the failed connection was closed: the file opens again
        assert scalar(con, "SELECT count(*) FROM articles") == 0
