"""The commands around the pipeline, as a user types them: sites, check-site, run, import,
reprocess, export.

``baotinh.cli.main`` runs in-process; flows run under Prefect's test harness; every paper is
a real server on 127.0.0.1 and every crawl a real Scrapy subprocess. Output is captured at
the file-descriptor level (``capfd``), so what Prefect's own log handler prints is seen too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from baotinh.cli import main
from registry import all_sites
from registry.provinces import provinces_from_2025
from samples.server import SAMPLES_DIR, LocalSite
from warehouse.schema import connect

REPO = Path(__file__).resolve().parents[1]
REGISTRY = str(REPO / "samples" / "papers.toml")
SAMPLE_KEYS = ["mau-hagiang", "mau-tuyenquang", "mau-cantho", "mau-nghean"]


def run(capfd, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capfd.readouterr()
    return code, out, err


def expected(key: str) -> dict:
    return json.loads((SAMPLES_DIR / key / "expected.json").read_text(encoding="utf-8"))


def count(db: Path, sql: str, params: list | None = None) -> int:
    with connect(db) as con:
        return con.execute(sql, params or []).fetchall()[0][0]


def storage(tmp: Path) -> list[str]:
    return ["--db", str(tmp / "w.duckdb"), "--data-dir", str(tmp / "data")]


# sites


def test_sites_json_describes_every_paper(capfd) -> None:
    code, out, _ = run(capfd, "sites", "--json")
    entries = json.loads(out)
    assert code == 0 and isinstance(entries, list)
    assert [e["key"] for e in entries] == list(all_sites())
    for entry in entries:
        assert isinstance(entry["key"], str) and entry["name"]
        assert isinstance(entry["domains"], list) and entry["domains"]
        assert isinstance(entry["provinces_before_2025"], list) and entry["provinces_before_2025"]
        assert entry["verified"] in {"pages", "urls", "unverified"}
    provinces = {p.name for p in provinces_from_2025()}
    assert len(provinces) == 34
    assert {e["province"] for e in entries} == provinces  # every province has its paper
    assert not any(e["key"] in SAMPLE_KEYS for e in entries)


def test_sites_table_lists_every_paper(capfd) -> None:
    code, out, _ = run(capfd, "sites")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(all_sites())
    for line, site in zip(lines, all_sites().values(), strict=True):
        assert line.split()[:2] == [site.key, site.domain]
        assert line.endswith(f"({site.province})")


def test_an_extra_registry_adds_the_sample_papers(capfd) -> None:
    code, out, _ = run(capfd, "sites", "--json", "--registry", REGISTRY)
    entries = {e["key"]: e for e in json.loads(out)}
    assert code == 0 and len(entries) == len(all_sites()) + len(SAMPLE_KEYS)
    tuyenquang = entries["mau-tuyenquang"]
    assert tuyenquang["domains"] == ["baomau-tuyenquang.test"]
    assert tuyenquang["provinces_before_2025"] == ["Tuyên Quang", "Hà Giang"]
    assert tuyenquang["province"] == "Tuyên Quang" and tuyenquang["verified"] == "pages"
    _, table, _ = run(capfd, "sites", "--registry", REGISTRY)
    for key in SAMPLE_KEYS:
        assert any(line.startswith(f"{key} ") for line in table.splitlines())


# check-site


def test_check_site_reports_a_fitting_entry(capfd) -> None:
    with LocalSite(SAMPLES_DIR / "mau-cantho") as site:
        code, out, _ = run(
            capfd, "check-site", "mau-cantho", "--registry", REGISTRY, "--base-url", site.url
        )
    assert code == 0, out
    assert f"mau-cantho at {site.url}" in out
    assert "robots.txt      HTTP 200" in out
    lines = {line.split("  ", 2)[1].strip(): line for line in out.splitlines() if "   " in line}
    assert int(lines["listings read"].split()[-1]) >= 1
    assert int(lines["article links"].split()[-1]) >= 3
    articles = [line.split()[-1] for line in out.splitlines() if line.startswith("  article   ")]
    assert len(articles) == 3 and all(url.startswith(site.url) for url in articles)
    titles = {a["title"] for a in expected("mau-cantho")["articles"]}
    assert sum(1 for title in titles if repr(title) in out) >= 2  # the real articles read
    assert "verdict: OK" in out


def test_check_site_against_a_closed_address_fails_and_says_why(capfd) -> None:
    with LocalSite(SAMPLES_DIR / "mau-cantho") as site:
        closed = site.url
    code, out, _ = run(
        capfd, "check-site", "mau-cantho", "--registry", REGISTRY, "--base-url", closed
    )
    assert code == 1
    assert "verdict: PROBLEMS" in out and "no answer from the site" in out
    assert "robots.txt      no answer" in out


# run


def test_run_url_loads_just_that_article(prefect_harness, capfd, tmp_path: Path) -> None:
    article = expected("mau-cantho")["articles"][3]
    with LocalSite(SAMPLES_DIR / "mau-cantho") as site:
        code, out, err = run(
            capfd, "run", "--url", article["canonical"], "--registry", REGISTRY,
            "--base-url", site.url, *storage(tmp_path),
        )  # fmt: skip
        fetched = [p for p in site.paths_hit() if p.endswith(".html")]
    assert code == 0, err[-2000:]
    assert fetched == [article["path"]]  # no discovery: only the article asked for
    assert "articles new               1" in out
    with connect(tmp_path / "w.duckdb") as con:
        loaded = con.execute("SELECT url, site_key, title FROM articles").fetchall()
    assert loaded == [(article["canonical"], "mau-cantho", article["title"])]


def test_run_refuses_one_base_url_for_several_papers(capfd, tmp_path: Path) -> None:
    code, out, err = run(
        capfd, "run", "--site", "mau-cantho,mau-nghean", "--registry", REGISTRY,
        "--base-url", "http://127.0.0.1:9", *storage(tmp_path),
    )  # fmt: skip
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "baotinh: error: --base-url names the mirror of one site; give one --site"
    ]
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        (["--urls", "EMPTY"], "lists no URL: nothing to fetch"),  # never a whole crawl instead
        (["--urls", "BINARY"], "is not UTF-8 text"),
        (["--site", " , "], "names no paper"),
        (["--url", "baomau-cantho.test/a-1.html"], "is not an http:// or https:// URL"),
        (["--url", "ftp://baomau-cantho.test/a-1.html"], "is not an http:// or https:// URL"),
    ],
)
def test_run_refuses_what_would_fetch_something_else(
    capfd, tmp_path: Path, arguments: list[str], why: str
) -> None:
    (tmp_path / "empty.txt").write_text("# nothing here\n\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00http")
    files = {"EMPTY": str(tmp_path / "empty.txt"), "BINARY": str(tmp_path / "binary.txt")}
    arguments = [files.get(a, a) for a in arguments]
    code, out, err = run(capfd, "run", *arguments, "--registry", REGISTRY, *storage(tmp_path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert why in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize("command", ["run", "check-site"])
def test_a_base_url_that_is_not_http_is_an_argument_error(capfd, command: str) -> None:
    key = ["--site", "mau-cantho"] if command == "run" else ["mau-cantho"]
    with pytest.raises(SystemExit) as exit_:
        main([command, *key, "--registry", REGISTRY, "--base-url", "ftp://127.0.0.1:9"])
    _, err = capfd.readouterr()
    assert exit_.value.code == 2
    assert "is not an http:// or https:// address" in err and "Traceback" not in err


def test_run_refuses_a_negative_article_cap(capfd) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--site", "mau-cantho", "--max-articles", "-5"])
    _, err = capfd.readouterr()
    assert exit_.value.code == 2
    assert "--max-articles: must be at least 1, not -5" in err and "Traceback" not in err


def test_run_an_unknown_paper_is_a_clear_error(prefect_harness, capfd, tmp_path: Path) -> None:
    code, out, err = run(capfd, "run", "--site", "baonoidau", *storage(tmp_path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert (
        err.strip()
        .splitlines()[-1]
        .startswith("baotinh: error: unknown site 'baonoidau' (see `baotinh sites`)")
    )
    assert not (tmp_path / "w.duckdb").exists()  # refused before any run started


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--site", "baonoidau"],
        ["reprocess", "--site", "baonghean"],  # no warehouse at --db
        ["reprocess", "--site", "baonoidau"],
    ],
)
def test_a_mistake_is_told_before_prefect_starts(tmp_path: Path, argv: list[str]) -> None:
    """The command as users start it (supervised, with Prefect's temporary server): its own
    checks come first, so a mistake costs no server start and leaves no Prefect home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run(
        [sys.executable, "-m", "baotinh.cli", *argv, *storage(tmp_path)],
        env=env, capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().count("\n") == 0 and "baotinh: error:" in done.stderr
    assert not (tmp_path / "prefect").exists()  # no temporary server was started
    assert not (tmp_path / "w.duckdb").exists()


# import


def test_import_jsonl_loads_good_lines_once(api_url: str, capfd, tmp_path: Path) -> None:
    pytest.importorskip("spiders.imports")
    body = (
        "Năm 2024, tổng thu ngân sách nhà nước trên địa bàn thành phố Cần Thơ đạt 15.060 tỷ"
        " đồng, bằng 101,2% dự toán. Tăng trưởng kinh tế đạt 7,17%."
    )
    lines = [
        {
            "url": "https://baomau-cantho.test/thu-ngan-sach-ban-luu-tru-post990001.html",
            "published": "2025-01-06",
            "title": "Cần Thơ thu ngân sách năm 2024 đạt 15.060 tỷ đồng",
            "text": body,
        },
        {
            "url": "https://baomau-cantho.test/lua-chat-luong-cao-ban-luu-tru-post990002.html",
            "published": "2024-05-10",
            "title": "Cần Thơ mở rộng vùng lúa chất lượng cao",
            "text": "Thành phố Cần Thơ đã gieo sạ 50.000 ha lúa chất lượng cao trong năm 2024.",
        },
    ]
    dump = tmp_path / "dump.jsonl"
    text = [json.dumps(line, ensure_ascii=False) for line in lines]
    dump.write_text(f"{text[0]}\n{{not json\n{text[1]}\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    argv = ["import", str(dump), "--registry", REGISTRY, *storage(tmp_path)]

    # The first import as a user runs it: its log lines are on its stderr (in this process,
    # Prefect's console handler writes wherever stderr was when an earlier test set it up).
    done = subprocess.run(
        [sys.executable, "-m", "baotinh.cli", *argv],
        env={**os.environ, "PREFECT_API_URL": api_url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    printed = dict(line.split() for line in done.stdout.splitlines())
    assert printed["new"] == "2"
    assert sum(int(value) for name, value in printed.items() if "skipped" in name) == 1
    assert f"skipped: {dump} (jsonl, line 2): not JSON" in done.stderr  # one readable line
    assert "ImportSkip(" not in done.stderr
    with connect(db) as con:
        loaded = con.execute(
            "SELECT url, site_key, source, title FROM articles ORDER BY url"
        ).fetchall()
    assert loaded == sorted(
        (line["url"], "mau-cantho", "import:jsonl", line["title"]) for line in lines
    )
    tables = ("articles", "pages", "figures", "date_mentions")
    before = {table: count(db, f"SELECT count(*) FROM {table}") for table in tables}
    assert before["figures"] > 0

    code, out, _ = run(capfd, *argv)
    printed = dict(line.split() for line in out.splitlines())
    assert code == 0 and printed.get("new", "0") == "0" and printed.get("updated", "0") == "0"
    assert {table: count(db, f"SELECT count(*) FROM {table}") for table in tables} == before


def test_import_of_a_file_without_records_says_so(prefect_harness, capfd, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    code, out, err = run(capfd, "import", str(empty), "--registry", REGISTRY, *storage(tmp_path))
    assert code == 0, err[-2000:]
    assert dict(line.split() for line in out.splitlines()) == {"files_without_records": "1"}


# reprocess


def test_reprocess_of_a_mistyped_warehouse_creates_nothing(
    prefect_harness, capfd, tmp_path: Path
) -> None:
    code, out, err = run(capfd, "reprocess", *storage(tmp_path))
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1].startswith(f"baotinh: error: no warehouse at {tmp_path}")
    assert list(tmp_path.iterdir()) == []  # no new, empty warehouse


def test_the_reprocess_flow_itself_refuses_a_missing_warehouse(
    prefect_harness, tmp_path: Path
) -> None:
    """As the site-health job or the UI start it, without the command's own check."""
    from flows.reprocess import reprocess

    with pytest.raises(FileNotFoundError, match="no warehouse at"):
        reprocess(db=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"))
    assert not (tmp_path / "w.duckdb").exists()


def test_the_nightly_job_on_a_new_installation_has_nothing_to_reprocess(
    prefect_harness, tmp_path: Path
) -> None:
    from flows.healthjob import site_health

    rows = site_health(reprocess=True, db=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path))
    assert rows == []  # no paper loaded yet: an empty health table, not a failed job


def test_reprocess_of_an_unknown_paper_is_one_line(prefect_harness, capfd, tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb"):
        pass
    code, out, err = run(capfd, "reprocess", "--site", "baonoidau", *storage(tmp_path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("baotinh: error: unknown site 'baonoidau'")


# export


@pytest.fixture
def small_warehouse(tmp_path: Path) -> Path:
    """A warehouse with one paper and no articles."""
    db = tmp_path / "wh" / "w.duckdb"
    with connect(db) as con:
        con.execute("INSERT INTO sites (site_key, name, province, domain) VALUES (?, ?, ?, ?)",
                    ["mau-cantho", "Mẫu Cần Thơ", "Cần Thơ", "cantho.example"])  # fmt: skip
    return db


def test_export_to_an_empty_path_is_an_argument_error(
    capfd, tmp_path: Path, small_warehouse: Path, monkeypatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    with pytest.raises(SystemExit) as exit_:
        main(["export", "", "--db", str(small_warehouse)])
    _, err = capfd.readouterr()
    assert exit_.value.code == 2 and "empty path" in err
    assert list(cwd.iterdir()) == []


def test_export_checks_the_warehouse_before_creating_anything(capfd, tmp_path: Path) -> None:
    code, _, err = run(capfd, "export", str(tmp_path / "out"), "--db", str(tmp_path / "no.duckdb"))
    assert code == 2 and err.startswith("baotinh: error: no warehouse at")
    (tmp_path / "bad.duckdb").write_text("not a database", encoding="utf-8")
    code, _, err = run(capfd, "export", str(tmp_path / "out"), "--db", str(tmp_path / "bad.duckdb"))
    assert code == 2 and err.startswith("baotinh: error: database:")
    assert not (tmp_path / "out").exists()


def _python(code: str, *args: str, **popen) -> subprocess.Popen:
    """``code`` in a Python process importing this checkout."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, cwd=REPO, **popen)


_KILLED_EXPORT = """
import os, signal, sys
from pathlib import Path
import warehouse.export as export
export._replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL)  # every table staged
export.export_parquet(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_an_export_killed_while_writing_leaves_a_folder_the_next_removes(
    capfd, tmp_path: Path, small_warehouse: Path
) -> None:
    out = tmp_path / "out"
    killed = _python(_KILLED_EXPORT, str(small_warehouse), str(out))
    assert killed.wait(timeout=120) == -9
    (left,) = out.iterdir()  # what a kill -9 leaves: the staging folder, its tables written
    assert left.name.startswith(".baotinh-export-") and (left / "sites").is_dir()
    code, _, err = run(capfd, "export", str(out), "--db", str(small_warehouse))
    assert code == 0, err
    assert (out / "sites").is_dir() and (out / ".baotinh-export.json").is_file()
    assert not left.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".baotinh-export-")]


_EXPORTING = """
import sys
from pathlib import Path
from warehouse.export import _sole_export
with _sole_export(Path(sys.argv[1])):
    print("exporting", flush=True)
    sys.stdin.read()
"""


def test_a_second_export_into_a_folder_is_refused_and_touches_no_staging_folder(
    capfd, tmp_path: Path, small_warehouse: Path
) -> None:
    out = tmp_path / "out"
    in_use = out / ".baotinh-export-inuse"
    in_use.mkdir(parents=True)
    (in_use / "sites.parquet").write_bytes(b"being written")
    other = _python(_EXPORTING, str(out), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline() == "exporting\n"
        code, _, err = run(capfd, "export", str(out), "--db", str(small_warehouse))
        assert code == 2 and f"another export is writing to {out}" in err
        assert (in_use / "sites.parquet").read_bytes() == b"being written"
        assert sorted(p.name for p in out.iterdir()) == [in_use.name]
    finally:
        other.communicate(timeout=30)
    assert run(capfd, "export", str(out), "--db", str(small_warehouse))[0] == 0
    assert not in_use.exists() and (out / "sites").is_dir()


def test_export_refuses_a_folder_it_did_not_write(
    capfd, tmp_path: Path, small_warehouse: Path
) -> None:
    out = tmp_path / "out"
    assert run(capfd, "export", str(out), "--db", str(small_warehouse))[0] == 0
    assert (out / "sites").is_dir() and not (out / "articles").exists()  # no articles yet
    (out / "articles").mkdir()  # named after a table, but not written by an export
    (out / "articles" / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capfd, "export", str(out), "--db", str(small_warehouse))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "articles was not written by an export" in err
    assert (out / "articles" / "notes.txt").read_text(encoding="utf-8") == "mine"
