"""The `baotinh` command as users script it: extract, query, demo, --help."""

from __future__ import annotations

import io
import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from baotinh.cli import main
from samples.server import SAMPLE_SITES
from tests.conftest import run_demo
from transforms.models import Article
from warehouse.load import FetchedPage, PageResult, load_results
from warehouse.schema import connect

SENTENCE = (
    "Sáng 18/12, huyện tổ chức 589 buổi/87.323 lượt người tham gia; "
    "thu ngân sách năm 2021 đạt 1,5 tỷ đồng, tăng 12,3%."
)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("run", "demo", "query", "extract", "sites"):
        assert f"    {command}" in out


def test_extract_json_follows_the_contract(capsys, tmp_path: Path) -> None:
    source = tmp_path / "tin.txt"
    source.write_text(SENTENCE, encoding="utf-8")
    code, out, _ = _run(capsys, "extract", "--published", "2021-12-20", "--json", str(source))
    report = json.loads(out)
    assert code == 0
    dates = {d["text"]: (d["value"], d["grain"]) for d in report["dates"]}
    assert dates["Sáng 18/12"] == ("2021-12-18", "day")
    assert dates["năm 2021"] == ("2021", "year")
    figures = {f["text"]: (f["value"], f["unit"]) for f in report["figures"]}
    assert figures["87.323 lượt người"] == (87323, "lượt người")
    assert figures["589 buổi"] == (589, "buổi")
    assert figures["1,5 tỷ đồng"] == (1_500_000_000, "VND")
    assert figures["12,3%"] == (12.3, "%")
    for item in report["dates"] + report["figures"]:
        assert SENTENCE[item["start"] : item["end"]] == item["text"]
    assert isinstance(figures["87.323 lượt người"][0], int)  # a plain JSON number


def test_extract_bounds_the_sentence_each_figure_carries(capsys, tmp_path: Path) -> None:
    """A text of one endless "sentence" of numbers: each figure keeps a window of it, as the
    warehouse does, so the output grows with the text, not with figures x sentence."""
    from transforms.figures import MAX_SENTENCE_CHARS

    source = tmp_path / "bang.txt"
    source.write_text("tăng 12,3% " * 3000, encoding="utf-8")
    code, out, _ = _run(capsys, "extract", "--published", "2021-12-20", "--json", str(source))
    figures = json.loads(out)["figures"]
    assert code == 0 and len(figures) == 3000
    assert max(len(f["sentence"]) for f in figures) <= MAX_SENTENCE_CHARS
    assert all(f["text"] in f["sentence"] for f in figures)


def test_extract_reads_stdin_and_prints_a_listing(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SENTENCE))
    code, out, _ = _run(capsys, "extract", "--published", "2021-12-20", "-")
    assert code == 0 and "2021-12-18" in out and "lượt người" in out


def test_extract_html_cleans_the_page_first(capsys) -> None:
    expected = json.loads((SAMPLE_SITES / "baonghean" / "expected.json").read_text("utf-8"))
    article = next(a for a in expected["articles"] if "captions" in a["features"])
    page = SAMPLE_SITES / "baonghean" / article["path"].lstrip("/")
    code, out, _ = _run(
        capsys, "extract", "--html", "--json", "--url", article["canonical"], str(page)
    )
    report = json.loads(out)
    assert code == 0 and report["title"] == article["title"]
    assert report["published"] == article["published"]
    assert article["lead_snippet"] in report["text"]
    assert not any(caption in report["text"] for caption in article["captions"])
    for figure in report["figures"]:
        assert report["text"][figure["start"] : figure["end"]] == figure["text"]


def test_extract_jsonl_gives_one_line_per_input_even_for_bad_ones(capsys, tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": SENTENCE, "published": "2021-12-20"}, ensure_ascii=False),
        "{not json",
        json.dumps(
            {"text": "Quý III/2023 tăng 4,5%.", "published": "2023-10-02"}, ensure_ascii=False
        ),
    ]
    source = tmp_path / "batch.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = _run(capsys, "extract", "--jsonl", str(source))
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(results) == 3
    assert "error" in results[1] and results[1]["line"] == 2
    assert [d["value"] for d in results[2]["dates"]] == ["2023-Q3"]
    assert [(f["value"], f["unit"], f["change"]) for f in results[2]["figures"]] == [
        (4.5, "%", "increase")
    ]


def test_query_formats(capsys, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    url = "https://baonghean.vn/a-10240001.html"
    article = Article(url, "Tiêu đề", None, None, None, None, "Thân bài")
    page = FetchedPage("x.warc.gz", 0, url, datetime(2024, 1, 1, tzinfo=UTC), 200, "s")
    with connect(db) as con:
        load_results(con, "baonghean", [PageResult(page, article)], "1")
    sql = "SELECT url, title FROM articles"
    code, out, _ = _run(capsys, "query", "--db", str(db), sql)
    assert code == 0 and "Tiêu đề" in out and "(1 row)" in out
    _, out, _ = _run(capsys, "query", "--db", str(db), "--format", "csv", sql)
    assert out.splitlines() == ["url,title", f"{article.url},Tiêu đề"]
    _, out, _ = _run(capsys, "query", "--db", str(db), "--format", "json", sql)
    assert json.loads(out) == [{"url": article.url, "title": "Tiêu đề"}]


def test_query_errors_are_clear(capsys, tmp_path: Path) -> None:
    code, _, err = _run(capsys, "query", "--db", str(tmp_path / "none.duckdb"), "SELECT 1")
    assert code == 2 and "no warehouse" in err


def _summaries(stdout: str) -> dict[str, dict[str, str]]:
    """The demo's summary blocks (``label   value`` lines), by paper."""
    blocks = {}
    for block in stdout.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            label, _, value = line.strip().partition("  ")
            fields[label] = value.strip()
        if "site" in fields and "articles new" in fields:
            blocks[fields["site"]] = fields
    return blocks


def _series(stdout: str) -> list[dict[str, str]]:
    """The rows of the query table the demo prints last."""
    lines = stdout.splitlines()
    head = max(i for i, line in enumerate(lines) if "province" in line and " | " in line)
    columns = [c.strip() for c in lines[head].split("|")]
    rows = []
    for line in lines[head + 2 :]:
        if " | " not in line:
            break
        rows.append(dict(zip(columns, (c.strip() for c in line.split("|")), strict=True)))
    return rows


def test_demo_runs_the_four_sample_papers_and_prints_the_series(tmp_path: Path, demo_run) -> None:
    from registry import get_site
    from samples.server import SAMPLES_DIR, sample_keys

    registry = Path(__file__).resolve().parents[1] / "samples" / "papers.toml"
    expected = {
        key: json.loads((SAMPLES_DIR / key / "expected.json").read_text("utf-8"))
        for key in sample_keys()
    }
    assert len(expected) == 4

    folder, first = demo_run  # the session's demo; run again on a copy of its folder
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    summaries = _summaries(first.stdout)
    assert set(summaries) == set(expected)
    for key, truth in expected.items():
        assert summaries[key]["articles new"] == str(len(truth["articles"])), key
        assert summaries[key]["health"] == "ok", key

    rows = _series(first.stdout)
    printed = {(row["province"], row.get("paper"), row["year"]) for row in rows}
    for key, truth in expected.items():
        province = get_site(key, registry).province
        (series,) = [s for s in truth["series"] if s["unit"] == "VND"]
        for year in series["values"]:
            paper = key if "paper" in rows[0] else None
            assert (province, paper, year) in printed, (key, year)
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        articles = dict(
            con.execute("SELECT site_key, count(*) FROM articles GROUP BY 1").fetchall()
        )
    assert articles == {key: len(truth["articles"]) for key, truth in expected.items()}

    second = run_demo(tmp_path)  # the same warehouse: nothing new
    summaries = _summaries(second.stdout)
    assert set(summaries) == set(expected)
    for key in expected:
        assert summaries[key]["articles new"] == "0", key
        assert summaries[key]["articles updated"] == "0", key
    assert _series(second.stdout) == rows
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        again = dict(con.execute("SELECT site_key, count(*) FROM articles GROUP BY 1").fetchall())
    assert again == articles
