"""The series summary (warehouse.summary): the views read it and give what the figures give.

Every check compares ``indicator_series`` (the summary, plus the indicators an
``indicator_map`` edit made stale and the slices loads left pending) with
``indicator_series_live`` (the same grouping done on ``figure_facts`` at query time), after
the kinds of change a warehouse goes through; and, once ``refresh_pending`` ran, the
summary table itself with it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import warehouse.summary
from transforms.models import Article, Figure, Period
from warehouse.load import FetchedPage, PageResult, article_id, load_results
from warehouse.query import example_queries, run_query
from warehouse.schema import connect
from warehouse.summary import GROUP_WEIGHT, group_budget, pending, rebuild, refresh_pending

T0 = datetime(2024, 5, 2, 3, 0, tzinfo=UTC)
BUDGET = ("thu ngân sách", "ngân sách thu")  # phrase, key: budget_revenue in VND
PAID = ("nộp ngân sách", "ngân nộp sách")  # another wording of budget_revenue
TOURISTS = ("khách du lịch", "du khách lịch")  # not in the starter map
WIRE = " ".join(
    f"Câu thứ {i} của bản tin về thu ngân sách tỉnh năm nay với nhiều chi tiết khác nhau."
    for i in range(40)
)


def _period(year: int) -> Period:
    return Period(
        str(year), "year", date(year, 1, 1), date(year, 12, 31), "sentence", f"năm {year}"
    )


def _figure(phrase_key, value, unit="VND", year=2023, place=None, change=None) -> Figure:
    phrase, key = phrase_key
    return Figure(
        f"{value} {unit}", 0, 5, value, unit, unit, "money", change=change, indicator=phrase,
        indicator_key=key, period=_period(year), place_province=place,
        place_rule="sentence" if place else None,
    )  # fmt: skip


def _result(url, figures, *, body=None, offset=0, fetched=T0, published=T0) -> PageResult:
    article = Article(url, f"Tin {url}", published, "meta", None, "Tóm tắt.", body or f"Thân {url}")
    page = FetchedPage("r.warc.gz", offset, url, fetched, 200, f"sha-{url}-{offset}")
    return PageResult(page, article, (), tuple(figures))


def _sites(con) -> None:
    con.execute(
        "INSERT INTO sites (site_key, name, province, domain, provinces_before_2025) VALUES"
        " ('baonghean', 'Báo Nghệ An', 'Nghệ An', 'baonghean.vn', ['Nghệ An']),"
        " ('baohagiang', 'Báo Hà Giang', 'Tuyên Quang', 'baohagiang.vn', ['Hà Giang']),"
        " ('baotuyenquang', 'Báo Tuyên Quang', 'Tuyên Quang', 'baotuyenquang.vn',"
        "  ['Tuyên Quang'])"
    )


def _series(con, view: str = "indicator_series") -> list[tuple]:
    rows = con.execute(f"SELECT * FROM {view}").fetchall()
    return sorted(rows, key=repr)


def _assert_same(con) -> list[tuple]:
    summary, live = _series(con), _series(con, "indicator_series_live")
    assert summary == live
    return summary


def _assert_refreshed(con) -> list[tuple]:
    """Refresh the pending slices: nothing is left pending and the summary table itself
    (not only the view) holds the series."""
    refresh_pending(con)
    assert pending(con) == 0
    assert con.execute("SELECT count(*) FROM series_stale").fetchall() == [(0,)]
    assert _series(con, "series_summary") == _series(con, "indicator_series_live")
    return _assert_same(con)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        _sites(con)
        load_results(
            con, "baonghean",
            [
                _result("https://baonghean.vn/a-1.html",
                        [_figure(BUDGET, 100), _figure(PAID, 120), _figure(TOURISTS, 5, "người"),
                         _figure(BUDGET, 9, change="increase")]),
                _result("https://baonghean.vn/a-2.html",
                        [_figure(BUDGET, 110), _figure(BUDGET, 300, place="Hà Giang")], offset=1),
            ],
            "1",
        )  # fmt: skip
        load_results(
            con,
            "baohagiang",
            [_result("https://baohagiang.vn/b-1.html", [_figure(BUDGET, 50), _figure(PAID, 55)])],
            "1",
        )
    return path


def test_the_summary_is_the_series_after_a_load(db: Path) -> None:
    budget = (
        "SELECT province, province_2025, value, mentions, articles FROM indicator_series"
        " WHERE indicator = 'budget_revenue' AND change IS NULL ORDER BY province"
    )
    with connect(db) as con:
        assert pending(con) > 0  # the loads left their slices to the end of the run
        rows = _assert_same(con)
        pending_budget = con.execute(budget).fetchall()
        assert _assert_refreshed(con) == rows
        assert con.execute(budget).fetchall() == pending_budget
    assert rows and pending_budget == [
        ("Hà Giang", "Tuyên Quang", 55.0, 3, 2),  # two wordings, one named in Nghệ An
        ("Nghệ An", "Nghệ An", 110.0, 3, 2),
    ]


def test_a_later_load_adds_to_an_existing_series(db: Path) -> None:
    with connect(db) as con:
        before = _assert_refreshed(con)
        load_results(
            con, "baonghean",
            [_result("https://baonghean.vn/a-3.html", [_figure(BUDGET, 130), _figure(PAID, 140)],
                     offset=3)],
            "1",
        )  # fmt: skip
        assert pending(con) == 1  # budget_revenue in Nghệ An: both wordings
        assert _series(con, "series_summary") == before  # not refreshed yet,
        assert _assert_same(con) != before  # but the view computes the pending slice
        row = con.execute(
            "SELECT value, mentions, articles FROM indicator_series"
            " WHERE indicator = 'budget_revenue' AND province = 'Nghệ An' AND change IS NULL"
        ).fetchall()
        _assert_refreshed(con)
    assert row == [(120.0, 5, 3)]


def test_loading_an_article_again_counts_it_once(db: Path) -> None:
    url = "https://baonghean.vn/a-1.html"
    same = _result(
        url,
        [_figure(BUDGET, 100), _figure(PAID, 120), _figure(TOURISTS, 5, "người"),
         _figure(BUDGET, 9, change="increase")],
    )  # fmt: skip
    with connect(db) as con:
        before = _assert_refreshed(con)
        load_results(con, "baonghean", [same], "1")  # unchanged
        assert pending(con) == 0 and _assert_same(con) == before
        load_results(con, "baonghean", [same], "2")  # re-extracted: figures replaced
        assert _assert_same(con) == before and _assert_refreshed(con) == before
        changed = _result(url, [_figure(BUDGET, 1000, year=2022)], body="Đã sửa", offset=9,
                          fetched=T0 + timedelta(days=1))  # fmt: skip
        load_results(con, "baonghean", [changed], "2")
        # where the old figures were is pending too: the tourists of Nghệ An are gone
        assert ("du khách lịch", "Nghệ An", 2023) in con.execute(
            "SELECT indicator, province_2025, period_year FROM series_pending"
        ).fetchall()
        after = _assert_same(con)
        assert _assert_refreshed(con) == after
        tourists = con.execute(
            "SELECT count(*) FROM indicator_series WHERE indicator = 'du khách lịch'"
        ).fetchall()
    assert after != before and tourists == [(0,)]  # the old figures left the summary


def test_an_indicator_map_edit_shows_at_once_and_a_refresh_folds_it_in(db: Path) -> None:
    with connect(db) as con:
        con.execute(
            "INSERT INTO indicator_map VALUES"
            " ('ngân nộp sách', 'VND', 'budget_paid', 'nộp', 'user')"
        )
        con.execute(
            "INSERT INTO indicator_map VALUES ('du khách lịch', 'người', 'tourists', NULL, 'user')"
        )
        stale = {r[0] for r in con.execute("SELECT indicator FROM series_stale").fetchall()}
        assert stale == {"budget_revenue", "budget_paid", "du khách lịch", "tourists"}
        rows = _assert_same(con)
        assert {r[2] for r in rows} >= {"budget_paid", "tourists"}
    _, answer = run_query(db, "SELECT count(*) FROM indicator_series WHERE indicator = 'tourists'")
    assert answer == [(1,)]  # the read-only sandbox sees the edit too
    with connect(db) as con:
        load_results(
            con, "baotuyenquang",
            [_result("https://baotuyenquang.vn/c-1.html", [_figure(TOURISTS, 7, "người")])],
            "1",
        )  # fmt: skip
        _assert_same(con)  # stale and pending at once
        _assert_refreshed(con)
        con.execute("DELETE FROM indicator_map WHERE source = 'user'")  # and back
        _assert_same(con)
        _assert_refreshed(con)


def test_a_refresh_in_chunks_of_one_slice_summarises_as_one_in_a_single_chunk(
    db: Path, tmp_path: Path
) -> None:
    """Each chunk recomputes and clears its own slices; a rename pending at the same time is
    folded in by the first chunk. The summary equals a single-chunk refresh's, row for row."""
    whole = tmp_path / "whole.duckdb"
    with connect(db) as con:
        con.execute(
            "INSERT INTO indicator_map VALUES ('du khách lịch', 'người', 'tourists', NULL, 'user')"
        )
        slices = pending(con)
        assert slices > 2
        con.execute(f"ATTACH '{whole}' AS whole")
        con.execute("COPY FROM DATABASE w TO whole")
        con.execute("DETACH whole")
        assert refresh_pending(con, chunk=1) > 0
        assert pending(con) == 0
        in_chunks = _series(con, "series_summary")
        _assert_refreshed(con)
    with connect(whole) as con:
        assert pending(con) == slices
        refresh_pending(con, chunk=slices)
        assert _series(con, "series_summary") == in_chunks
        with pytest.raises(ValueError, match="at least one slice"):
            refresh_pending(con, chunk=0)


def test_wire_copy_is_one_story_in_the_summary(db: Path) -> None:
    with connect(db) as con:
        for site, url in [("baonghean", "https://baonghean.vn/w-1.html"),
                          ("baohagiang", "https://baohagiang.vn/w-2.html")]:  # fmt: skip
            load_results(
                con, site, [_result(url, [_figure(BUDGET, 77, year=2021)], body=WIRE)], "1"
            )
        _assert_same(con)
        _assert_refreshed(con)
        linked = con.execute(
            "SELECT count(DISTINCT story_id) FROM story_members WHERE article_id IN (?, ?)",
            [
                article_id("https://baonghean.vn/w-1.html"),
                article_id("https://baohagiang.vn/w-2.html"),
            ],
        ).fetchall()
        # the first article's story changes when the second joins it: its slice is redone
        load_results(
            con, "baonghean",
            [_result("https://baonghean.vn/w-1.html", [_figure(BUDGET, 77, year=2021)],
                     body=WIRE + " Cập nhật.", offset=5, fetched=T0 + timedelta(hours=2))],
            "1",
        )  # fmt: skip
        _assert_same(con)
        _assert_refreshed(con)
    assert linked == [(1,)]


def test_an_upgraded_warehouse_is_summarised_when_a_writer_connects(db: Path) -> None:
    with connect(db) as con:
        expected = _assert_same(con)
        con.execute("DELETE FROM series_summary")
        con.execute("DELETE FROM series_summary_keys")
        con.execute("DELETE FROM series_summary_state")  # as after migration 006
    with connect(db) as con:
        assert _series(con) == expected
        con.execute("BEGIN TRANSACTION")
        assert rebuild(con) == len(expected)
        con.execute("COMMIT")
        assert _series(con) == expected


def test_a_killed_run_leaves_exact_views_and_the_next_run_refreshes_them(db: Path) -> None:
    """A run that dies after loading never calls refresh_pending: its slices stay pending,
    readers (a new, read-only connection) still get the series, and the next refresh, at
    the end of any paper's run, clears them."""
    with connect(db) as con:
        _assert_refreshed(con)
    with connect(db) as con:  # the run that dies: loads, no refresh
        for batch, site in enumerate(["baonghean", "baohagiang", "baotuyenquang"]):
            load_results(
                con, site,
                [_result(f"https://{site}.vn/k-{batch}-{i}.html",
                         [_figure(BUDGET, 200 + i, year=2024), _figure(TOURISTS, i + 1, "người"),
                          _figure(PAID, 50, place="Nghệ An")], offset=i)
                 for i in range(3)],
                "1",
            )  # fmt: skip
        stale_table = _series(con, "series_summary")
    with connect(db, read_only=True) as con:  # a reader after the crash
        left = con.execute(
            "SELECT indicator, province_2025, period_year FROM series_pending"
        ).fetchall()
        assert sorted(left) == [
            ("budget_revenue", "Nghệ An", 2023), ("budget_revenue", "Nghệ An", 2024),
            ("budget_revenue", "Tuyên Quang", 2024),
            ("du khách lịch", "Nghệ An", 2023), ("du khách lịch", "Tuyên Quang", 2023),
        ]  # fmt: skip
        live = _assert_same(con)
        assert stale_table != live  # what the views add is the pending slices
    _, answer = run_query(  # as `baotinh query` reads it
        db,
        "(SELECT * FROM indicator_series EXCEPT ALL SELECT * FROM indicator_series_live)"
        " UNION ALL"
        " (SELECT * FROM indicator_series_live EXCEPT ALL SELECT * FROM indicator_series)",
    )
    assert answer == []
    with connect(db) as con:  # the next run's end
        assert _assert_refreshed(con) == live
        assert refresh_pending(con) == 0  # nothing left: nothing done


def test_a_version_6_warehouse_gets_the_pending_table(db: Path) -> None:
    with connect(db) as con:
        expected = _assert_refreshed(con)
        con.execute("DROP VIEW indicator_latest")
        con.execute("DROP VIEW indicator_series")
        con.execute("DROP VIEW series_pending_live")
        con.execute("DROP VIEW series_pending_slices")
        con.execute("DROP TABLE series_pending")
        con.execute("DELETE FROM schema_migrations WHERE version IN (7, 8)")
        con.execute("DELETE FROM schema_views")
    with connect(db) as con:
        assert pending(con) == 0 and _assert_same(con) == expected


def test_the_example_series_queries_read_the_summary(db: Path) -> None:
    for name in ("indicator_over_years", "latest_by_province", "top_indicators"):
        columns, _ = run_query(db, example_queries()[name])
        assert columns, name
    _, latest = run_query(
        db,
        "SELECT province_2025, value FROM indicator_latest"
        " WHERE indicator = 'budget_revenue' ORDER BY 1",
    )
    assert latest == [("Nghệ An", 110.0), ("Tuyên Quang", 55.0)]


def test_papers_loading_from_threads_of_one_process_do_not_conflict(tmp_path: Path) -> None:
    """A fan-out's papers load from threads of one process, each on its own connection,
    into one series: DuckDB would abort one of two transactions that rewrite the same
    summary rows; the loader runs them one at a time instead."""
    import threading

    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        _sites(con)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def load(site: str) -> None:
        try:
            for batch in range(6):
                results = [
                    _result(f"https://{site}.vn/{batch}-{i}.html", [_figure(BUDGET, 100 + i)])
                    for i in range(5)
                ]
                with connect(db) as con:
                    if batch == 0:
                        start.wait(timeout=30)  # both first batches at once
                    load_results(con, site, results, "test")
                    if batch % 2:  # a paper's run ends while the other paper loads
                        refresh_pending(con)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(s,)) for s in ("baohagiang", "baotuyenquang")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with connect(db) as con:
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
        live = con.execute("SELECT * FROM indicator_series_live ORDER BY ALL").fetchall()
        stored = con.execute("SELECT * FROM indicator_series ORDER BY ALL").fetchall()
        refresh_pending(con)
        summary = con.execute("SELECT * FROM series_summary ORDER BY ALL").fetchall()
    assert articles == 60 and stored == live and summary == live


def _many_figures(con, figures: int, days: int) -> None:
    """``figures`` more figures of the budget series in Nghệ An, spread over ``days`` days
    (one group each) and ``figures // 20`` articles: a warehouse whose grouping needs far
    more memory than the few rows above."""
    articles = figures // 20
    con.execute(
        "INSERT INTO articles SELECT a.* REPLACE (a.article_id + 1 + i AS article_id,"
        " a.url || '?' || i AS url) FROM articles AS a, range($n) AS t(i)"
        " WHERE a.url = 'https://baonghean.vn/a-2.html'",
        {"n": articles},
    )
    day = "(DATE '1000-01-01' + INTERVAL (i % $days) DAY)::DATE"
    con.execute(
        f"INSERT INTO figures SELECT f.* REPLACE (f.article_id + 1 + i % $n AS article_id,"
        f" 1000 + i AS seq, f.value + i % 997 AS value, {day} AS period_first_day,"
        f" {day} AS period_last_day, 'day' AS period_grain, {day}::VARCHAR AS period_value)"
        " FROM figures AS f, range($figures) AS t(i)"
        " WHERE f.article_id = $first AND f.seq = 0",
        {
            "n": articles,
            "figures": figures,
            "days": days,
            "first": article_id("https://baonghean.vn/a-2.html"),
        },
    )
    con.execute("CHECKPOINT")


@pytest.mark.parametrize(
    "figures, days, cap",
    [
        (800_000, 7_000, "64MB"),  # a median's values: ~115 figures a group
        (200_000, 200_000, "48MB"),  # the groups themselves: a group per figure
    ],
    ids=["large groups", "a group per figure"],
)
def test_a_summary_larger_than_the_memory_cap_is_grouped_a_range_of_slices_at_a_time(
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    figures: int,
    days: int,
    cap: str,
) -> None:
    """Grouped in one statement, these figures run out of the memory cap; grouped a range
    of slices at a time (a figure counting 1 and a group ``GROUP_WEIGHT`` more, up to the
    budget the cap allows), the rebuild and the refresh finish under it with the rows one
    uncapped statement gives."""
    with connect(db) as con:
        _many_figures(con, figures, days)
    capped = tmp_path / "capped.duckdb"
    capped.write_bytes(db.read_bytes())
    with connect(db) as con:  # uncapped (this machine's default), one statement
        con.execute("SET memory_limit = '4GB'")
        assert group_budget(con) > (1 + GROUP_WEIGHT) * figures  # one statement
        con.execute("BEGIN TRANSACTION")
        assert rebuild(con) > days
        con.execute("COMMIT")
        expected = _series(con, "series_summary")

    monkeypatch.setenv("BAOTINH_MEMORY_LIMIT", cap)
    with connect(capped) as con:
        budget = group_budget(con)
        assert budget < figures
        monkeypatch.setattr(warehouse.summary, "GROUP_BUDGET_PER_MIB", 10**9)  # one statement
        con.execute("BEGIN TRANSACTION")
        with pytest.raises(duckdb.OutOfMemoryException):  # the size the cap cannot hold
            rebuild(con)
        con.execute("ROLLBACK")
        monkeypatch.undo()  # the budget the cap allows, as a writer has it
        assert group_budget(con) == budget
        con.execute("BEGIN TRANSACTION")
        rebuild(con)
        con.execute("COMMIT")
        assert _series(con, "series_summary") == expected
        con.execute(
            "INSERT INTO series_pending (indicator, province_2025, period_year)"
            " SELECT DISTINCT indicator, province_2025, period_year FROM series_summary"
        )
        refresh_pending(con)
        assert pending(con) == 0
        assert _series(con, "series_summary") == expected


@pytest.mark.parametrize("cap", ["48MB", "128MB", "2GB", "-1"])
def test_the_grouping_budget_follows_the_memory_cap(
    db: Path, monkeypatch: pytest.MonkeyPatch, cap: str
) -> None:
    monkeypatch.setenv("BAOTINH_MEMORY_LIMIT", cap)
    with connect(db) as con:
        budget = group_budget(con)
    mib = {"48MB": 48e6, "128MB": 128e6, "2GB": 2e9, "-1": 2.0**64}[cap] / 2**20
    usable = mib - warehouse.summary.GROUP_RESERVED_MIB
    # DuckDB reports the cap to one decimal ("1.8 GiB"): within 5%
    assert budget == pytest.approx(usable * warehouse.summary.GROUP_BUDGET_PER_MIB, rel=0.05)
