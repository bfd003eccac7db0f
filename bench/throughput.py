"""Throughput, measured side by side: `python -m bench.throughput [--articles 2000,10000]
[--rounds 3]`.

For each size a paper is generated (:mod:`bench.sitegen`, pages of about 115 KB) and served
on loopback. In the same run, on the same pages, we measure:

- the reference: bare ``trafilatura.bare_extraction(html, with_metadata=True)`` in one
  process (pages/s), and our cleaning alone (pages/s);
- in each of ``--rounds`` rounds, on fresh storage: ``baotinh run`` end to end (crawl,
  archive, clean, extract, load: articles/s), then ``baotinh run --replay FILE.warc.gz
  --urls LIST`` of the archive it wrote (the pipeline's own speed, no network), the
  reference timed again on 60 of the pages just before, between and after the two; their
  peak memory (RSS of the whole process tree) and the CPU time of each kind of process;
- after the first round's run, an incremental re-run with nothing new (Prefect's own
  database is created before, as on any installation that has run once);
- processing the first round's archive with and without Prefect (orchestration overhead),
  twice each in turn, each timing weighed by the reference's speed around it;
- ``scrapy bench`` (Scrapy following links on its own loopback server for 10 s), pages per
  CPU second of its crawling process beside those of the median run's crawl process:
  context for the crawl, which archives every page and reads pages 40 times larger;
- extraction of dates and figures (MB/s on the generated article texts, one call per
  article as the pipeline runs it, timed after each round; and per paragraph, in turn with
  Duckling).

This machine's speed drifts by up to 40% from one minute to the next, so every ratio is to
a reference timed in the same minutes (:mod:`bench.timing`): a run's to the reference just
around it, and the round whose ratio is the median is reported, with the spread of all.
Results are printed as one table and written to ``bench/results.json`` (with each round).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from bench import exit_on_sigterm, sitegen, stop
from bench.extraction import against_duckling, figures_per_kb, load_extractors, measure_speed
from bench.timing import in_turn, median_index, spread

RESULTS = Path(__file__).with_name("results.json")
REFERENCE_SAMPLE = 300  # pages timed for the single-process references
BENCH_DAY = date(2024, 6, 1)  # the publication date relative dates are read against
BRACKET_SAMPLE = 60  # of them, timed again just before and after each run of a round
ROUNDS = 3  # runs and replays of each paper; the median's ratio is reported
FLAT = 1.1  # "flat" memory: the largest paper's peak at most this much above the smallest's


@dataclass
class Row:
    measure: str
    ours: float
    reference: float | None
    unit: str
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        return round(self.ours / self.reference, 2) if self.reference else None


def _pages(gen: sitegen.Generated, limit: int) -> list[tuple[str, str]]:
    chosen = gen.article_paths[:: max(1, len(gen.article_paths) // limit)][:limit]
    return [
        (f"https://{sitegen.DOMAIN}{p}", (gen.root / p.lstrip("/")).read_text(encoding="utf-8"))
        for p in chosen
    ]


def side_by_side(pages: list[tuple[str, str]]) -> tuple[float, float]:
    """Pages/s (CPU time, one process) of bare trafilatura with metadata, the reference, and
    of our cleaning, timed page by page in turn (:func:`bench.timing.in_turn`).

    Timed one after the other, 300 pages each, the two rates moved apart by up to 1.7× between
    runs on this machine (its speed drifts over seconds): in turn, a drift slows both alike.
    """
    from transforms.clean import clean_article

    def ours(page: tuple[str, str]) -> None:
        clean_article(page[1], page[0])

    for page in pages[:5]:  # first calls build caches and compile patterns
        _bare(page)
        ours(page)
    reference, cleaning = in_turn([_bare, ours], pages)
    return len(pages) / reference, len(pages) / cleaning


def bare_rate(pages: list[tuple[str, str]]) -> float:
    """Pages/s (CPU time, one process) of the reference alone: the bracket timed before and
    after each run of a round."""
    started = time.process_time()
    for page in pages:
        _bare(page)
    return len(pages) / (time.process_time() - started)


def _bare(page: tuple[str, str]) -> None:
    import trafilatura

    trafilatura.bare_extraction(page[1], url=page[0], with_metadata=True)


def page_weight(pages: list[tuple[str, str]]) -> tuple[float, float]:
    """Mean KB and HTML elements of the pages: what the reference's time depends on."""
    import lxml.html

    sizes = [len(html.encode("utf-8")) / 1000 for _, html in pages]
    elements = [
        sum(1 for _ in lxml.html.fromstring(html.encode("utf-8")).iter()) for _, html in pages
    ]
    return sum(sizes) / len(sizes), sum(elements) / len(elements)


def articles_of(pages: list[tuple[str, str]]) -> list[str]:
    """The cleaned text of each page: what the pipeline extracts from, one call a page."""
    from transforms.clean import clean_article

    return [clean_article(html, url).text for url, html in pages]


def paragraphs_of(articles: list[str]) -> list[str]:
    """The paragraphs of the cleaned texts: what both extractors are timed on."""
    return [p for text in articles for p in text.split("\n") if p]


def extraction_rate(texts: list[str]) -> float:
    """MB/s of dates and figures together over these texts, one call each, one process, in
    CPU time (:func:`bench.extraction.measure_speed`): per article is how the pipeline runs."""
    extractors = load_extractors()
    measure_speed(texts[:1], extractors, BENCH_DAY)  # warm up, as Duckling
    size, seconds = measure_speed(texts, extractors, BENCH_DAY)
    return size / seconds


def extraction_and_duckling_rates(paragraphs: list[str]) -> tuple[float, float | None]:
    """MB/s of our extraction and of Facebook Duckling's Vietnamese parser on the same
    paragraphs, timed in turn, in CPU time; Duckling's None when the optional
    ``pyduckling-native-phihos`` is missing (ours is then timed alone)."""
    timed = against_duckling(paragraphs, load_extractors(), BENCH_DAY)
    if timed is None:
        return extraction_rate(paragraphs), None
    size, ours, theirs = timed
    return size / ours, size / theirs


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from /proc, what
    each process of the tree held at that peak (:attr:`at_peak`), and the CPU time each
    process used, as last seen (:meth:`cpu_by_role`): where a run's time goes."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.pid, self.every, self.peak = pid, every, 0
        self.at_peak: list[tuple[int, str]] = []  # (RSS bytes, role), largest first
        self._cpu: dict[int, tuple[float, str]] = {}  # pid: (CPU seconds, role)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_by_role(self) -> list[tuple[float, str]]:
        """CPU seconds (user + system) of the tree's processes by role, largest first. A
        process's last 0.2 s before it ended are not seen."""
        roles: dict[str, float] = {}
        for seconds, role in self._cpu.values():
            roles[role] = roles.get(role, 0.0) + seconds
        return sorted(((s, r) for r, s in roles.items()), reverse=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            processes = _tree(self.pid)
            for pid, (_, command, cpu) in processes.items():
                known = self._cpu.get(pid)  # an ended process (zombie) has no command line
                role = known[1] if known and not command.strip() else _role(command)
                self._cpu[pid] = (cpu, role)
            total = sum(rss for rss, _, _ in processes.values())
            if total > self.peak:
                self.peak = total
                self.at_peak = sorted(
                    ((rss, _role(cmd)) for rss, cmd, _ in processes.values()), reverse=True
                )
            self._stop.wait(self.every)


_TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> dict[int, tuple[int, str, float]]:
    """(RSS in bytes, command line, CPU seconds) of ``root`` and each of its descendants."""
    parents: dict[int, int] = {}
    found: dict[int, tuple[int, str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                command = fh.read().replace(b"\0", b" ").decode(errors="replace")
            parents[int(entry)] = int(fields[1])
            cpu = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
            found[int(entry)] = (int(fields[21]) * os.sysconf("SC_PAGE_SIZE"), command, cpu)
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return {pid: found[pid] for pid in tree if pid in found}


def _role(command: str) -> str:
    """What a process of a `baotinh` tree is, from its command line."""
    roles = (
        ("scrapy.utils.benchserver", "scrapy bench's server"),
        ("scrapy bench", "scrapy bench"),
        ("uvicorn", "Prefect temporary server"),
        ("spiders.crawl", "Scrapy crawl"),
        ("spawn_main", "page worker"),
        ("resource_tracker", "multiprocessing resource tracker"),
        ("forkserver", "multiprocessing forkserver"),
    )
    for needle, role in roles:
        if needle in command:
            return role
    if "baotinh.cli" in command:
        return "baotinh"  # the supervisor, or the flow run's process (the larger)
    return command[:60]


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, TreeMemory, dict[str, int]]:
    """(seconds, the tree's memory, summary numbers) of one `baotinh` command."""
    command = [sys.executable, "-m", "baotinh.cli", *args]
    started = time.perf_counter()
    with (
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        ) as process,
        TreeMemory(process.pid) as memory,
    ):
        try:
            out, _ = process.communicate()
        except BaseException:  # the bench stopped: the run ends its own tree on SIGTERM
            stop(process, grace=60)
            raise
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}… failed ({process.returncode}): {out[-800:]}")
    numbers = {}
    for line in out.splitlines():
        name, _, value = line.rpartition(" ")
        if value.strip().isdigit():
            numbers[name.strip()] = int(value)
    return seconds, memory, numbers


def _create_prefect_database(env: dict[str, str]) -> None:
    """Run one empty flow first: a fresh ``PREFECT_HOME`` creates and migrates Prefect's
    database (seconds, once per installation), which no scheduled run pays."""
    from baotinh.cli import STARTUP_SECONDS

    warm_up = "from prefect import flow; flow(name='bench-prefect-home')(lambda: None)()"
    env = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": STARTUP_SECONDS, **env}
    done = subprocess.run([sys.executable, "-c", warm_up], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"Prefect's database was not created: {done.stderr[-2000:]}")


def _head(warc: Path, records: int, out: Path) -> Path:
    """The first ``records`` records of ``warc`` copied to ``out``: a small archive that
    warms up what processing starts once (imports, the page workers)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    with warc.open("rb") as source, out.open("wb") as sink:
        writer = WARCWriter(sink, gzip=True)
        for n, record in enumerate(ArchiveIterator(source)):
            if n == records:
                break
            writer.write_record(record)
    return out


def orchestration(
    warc: Path, registry: Path, tmp: Path, bracket: list[tuple[str, str]]
) -> tuple[float, float, list[tuple[str, float, float]]]:
    """Seconds to process one archive without Prefect and inside a flow, each at the mean
    speed of the machine over the four timings, and the timings as they were: (how,
    seconds, pages/s of the reference around them).

    Timed twice each, in the order plain, flow, flow, plain, with the reference on
    ``bracket`` before and after each: on this machine one plain-then-flow pair gave 0.91×
    and 1.16× in two benches of the same code. A timing's seconds times the reference's rate
    around it is its work in the reference's pages, which a drift of the machine's speed does
    not change."""
    os.environ["BAOTINH_REGISTRY"] = str(registry)
    from prefect import flow
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as STARTUP
    from prefect.settings import temporary_settings

    from baotinh.cli import STARTUP_SECONDS
    from flows.pipeline import load_archive
    from flows.processing import process_archive
    from registry import get_site

    paper = get_site(sitegen.KEY, registry)
    log = logging.getLogger("bench")

    @flow(name="bench-warm-up")
    def warm_up() -> None:
        """Starts Prefect's temporary server and the worker pool outside the timings."""

    # This process's own temporary server: on a fresh machine its first start migrates a new
    # database, which took longer than Prefect's 20 s (a red CI); allowed as the commands do.
    with temporary_settings(updates={STARTUP: int(STARTUP_SECONDS)}):
        warm_up()
    process_archive(
        _head(warc, 100, tmp / "warm.warc.gz"), paper, None, tmp / "warm.duckdb", log=log
    )

    @flow(name="bench-orchestration")
    def in_a_flow(n: int) -> None:
        load_archive(warc, paper.key, str(registry), None, tmp / f"flow{n}.duckdb")

    def plain(n: int) -> None:
        process_archive(warc, paper, None, tmp / f"plain{n}.duckdb", log=log)

    timings: list[tuple[str, float, float]] = []
    for n, (how, work) in enumerate(
        [("plain", plain), ("flow", in_a_flow), ("flow", in_a_flow), ("plain", plain)]
    ):
        before = bare_rate(bracket)
        started = time.perf_counter()
        work(n)
        seconds = time.perf_counter() - started
        timings.append((how, seconds, (before + bare_rate(bracket)) / 2))
    speed = sum(rate for _, _, rate in timings) / len(timings)
    plain_work, flow_work = (
        sum(seconds * rate for h, seconds, rate in timings if h == how) / speed
        for how in ("plain", "flow")
    )
    return plain_work, flow_work, timings


@dataclass
class Round:
    """One run end to end and one replay of the same paper, the reference timed just before,
    between and after them: each run's ratio is to the reference of its own minutes."""

    references: tuple[float, float, float]  # pages/s of bare trafilatura
    run: float  # articles/s end to end
    replay: float  # articles/s
    loaded: int  # articles new, the fewer of the run's and the replay's
    fetched: int  # pages the run's crawl fetched
    seconds: float  # of the run
    memory: TreeMemory  # of the run
    replay_peak: int  # bytes

    @property
    def run_reference(self) -> float:
        return (self.references[0] + self.references[1]) / 2

    @property
    def replay_reference(self) -> float:
        return (self.references[1] + self.references[2]) / 2

    @property
    def crawl_rate(self) -> float | None:
        """Pages per CPU second of the run's Scrapy process."""
        cpu = sum(s for s, role in self.memory.cpu_by_role() if role == "Scrapy crawl")
        return self.fetched / cpu if cpu else None

    @property
    def run_ratio(self) -> float:
        return self.run / self.run_reference

    @property
    def replay_ratio(self) -> float:
        return self.replay / self.replay_reference

    def line(self) -> str:
        """The round on one printed line."""
        first, second, third = self.references
        return (
            f"bare trafilatura {first:.1f}, {second:.1f}, {third:.1f} pages/s around the runs;"
            f" run {self.run:.1f} articles/s ({self.run_ratio:.2f}×) in {self.seconds:.0f} s,"
            f" replay {self.replay:.1f} ({self.replay_ratio:.2f}×)"
        )

    def summary(self) -> dict[str, object]:
        return {
            "references": [round(r, 2) for r in self.references],
            "run": round(self.run, 2),
            "run_ratio": round(self.run_ratio, 2),
            "replay": round(self.replay, 2),
            "replay_ratio": round(self.replay_ratio, 2),
            "peak_mb": round(max(self.memory.peak, self.replay_peak) / 1e6),
            "loaded": self.loaded,
        }


def play_round(
    run: list[str],
    replay: Callable[[], list[str]],
    bracket: list[tuple[str, str]],
    env: dict[str, str],
) -> Round:
    """The run, then the replay of the archive it wrote (its command from ``replay()``),
    between timings of the reference on ``bracket``."""
    first = bare_rate(bracket)
    seconds, memory, numbers = run_cli(run, env)
    second = bare_rate(bracket)
    replay_seconds, replay_memory, replay_numbers = run_cli(replay(), env)
    third = bare_rate(bracket)
    return Round(
        references=(first, second, third),
        run=numbers.get("articles new", 0) / seconds,
        replay=replay_numbers.get("articles new", 0) / replay_seconds,
        loaded=min(numbers.get("articles new", 0), replay_numbers.get("articles new", 0)),
        fetched=numbers.get("pages fetched", 0),
        seconds=seconds,
        memory=memory,
        replay_peak=replay_memory.peak,
    )


def scrapy_bench(seconds: int = 10) -> tuple[int, float]:
    """(pages crawled, CPU seconds of the crawling process) of ``scrapy bench``: Scrapy
    following the links of a server of small generated pages on loopback for ``seconds``,
    with its default settings. The reference for our crawl process, which also archives
    each page and reads pages 40 times larger: context, not a target."""
    command = [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"]
    with (
        subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        ) as process,
        TreeMemory(process.pid) as tree,
    ):
        try:
            _, log = process.communicate(timeout=seconds + 60)
        except BaseException:  # on SIGTERM Scrapy stops, then its bench stops its server
            stop(process, grace=30)
            raise
    found = re.search(r"'response_received_count': (\d+)", log)
    cpu = sum(used for used, role in tree.cpu_by_role() if role == "scrapy bench")
    if process.returncode or not found or not cpu:
        raise RuntimeError(f"scrapy bench failed ({process.returncode}): {log[-800:]}")
    return int(found.group(1)), cpu


def _archives(data: Path) -> list[Path]:
    """The WARC files a run on the storage of ``data`` wrote."""
    return sorted((data / "data" / "archive" / sitegen.KEY).glob("*.warc.gz"))


def measure(articles: int, tmp: Path, rounds: int = ROUNDS) -> tuple[list[Row], list[Round]]:
    from samples.server import LocalSite

    gen = sitegen.generate(tmp / "site", articles)
    pages = _pages(gen, min(REFERENCE_SAMPLE, articles))
    bracket = pages[:: max(1, len(pages) // BRACKET_SAMPLE)][:BRACKET_SAMPLE]
    before = side_by_side(pages)  # again after the runs: cleaning's reference is their mean
    texts = articles_of(pages)
    per_article = [extraction_rate(texts)]  # again after each round: the median is reported
    scrapy_pages, scrapy_cpu = scrapy_bench()
    extraction, duck = extraction_and_duckling_rates(paragraphs_of(texts))
    density = figures_per_kb(texts, load_extractors())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        BAOTINH_REGISTRY=str(gen.registry),
    )
    _create_prefect_database(env)
    urls = tmp / "urls.txt"
    urls.write_text("".join(f"https://{sitegen.DOMAIN}{p}\n" for p in gen.article_paths))
    played: list[Round] = []
    with LocalSite(gen.root, host="127.0.0.20") as site:
        for n in range(rounds):
            data = tmp / f"round{n}"
            storage = ["--db", str(data / "w.duckdb"), "--data-dir", str(data / "data")]
            run = ["run", "--site", sitegen.KEY, "--base-url", site.url, *storage]

            def replay(data: Path = data) -> list[str]:
                warc = str(_archives(data)[0])
                command = ["run", "--site", sitegen.KEY, "--replay", warc, "--urls", str(urls)]
                return [*command, "--db", str(data / "r.duckdb"), "--data-dir", str(data / "rd")]

            played.append(play_round(run, replay, bracket, env))
            if n == 0:  # the incremental re-run, on the first round's storage
                hits_before = len(site.hits)
                again, _, _ = run_cli(run, env)
                requests_again = len(site.hits) - hits_before
            else:  # a paper's archive and database are hundreds of MB at 10,000 articles
                shutil.rmtree(data)
            per_article.append(extraction_rate(texts))
            print(
                f"{articles} articles, round {n + 1} of {rounds}: {played[-1].line()}", flush=True
            )
    plain, wrapped, timings = orchestration(
        _archives(tmp / "round0")[0], gen.registry, tmp, bracket
    )
    after = side_by_side(pages)
    reference, cleaning = ((x + y) / 2 for x, y in zip(before, after, strict=True))
    by_run = played[median_index([r.run_ratio for r in played])]
    by_replay = played[median_index([r.replay_ratio for r in played])]
    extracted = per_article[median_index(per_article)]
    peak_round = max(played, key=lambda r: r.memory.peak)
    peak = max(max(r.memory.peak, r.replay_peak) for r in played)
    kb_each = sum(len(t.encode("utf-8")) for t in texts) / 1000 / len(texts)
    page_kb, elements = page_weight(pages)
    print(
        f"\n{articles} articles: pages of {page_kb:.0f} KB and {elements:.0f} elements, their text"
        f" {kb_each:.1f} KB with {density:.1f} figures/KB (the saved article pages of two"
        " provincial papers: 145-150 KB, 1,079-1,274 elements, 4.7-5.4 KB of text, 1.3-2.6"
        " figures/KB)"
    )
    print(
        f"{articles} articles, {rounds} rounds, median (min-max): end to end"
        f" {spread([r.run_ratio for r in played])}×, replay"
        f" {spread([r.replay_ratio for r in played])}× bare trafilatura timed around each run;"
        f" extraction per article {spread(per_article)} MB/s, timed {len(per_article)} times"
    )
    print(
        f"{articles} articles: the run's process tree at its peak"
        f" ({peak_round.memory.peak / 1e6:.0f} MB; the largest replay's"
        f" {max(r.replay_peak for r in played) / 1e6:.0f} MB)"
    )
    for rss, role in peak_round.memory.at_peak:
        print(f"  {rss / 1e6:7.1f} MB  {role}")
    cpu = by_run.memory.cpu_by_role()
    print(
        f"CPU time of the median run by role ({sum(s for s, _ in cpu):.1f} s"
        f" in {by_run.seconds:.1f} s):"
    )
    for used, role in cpu:
        print(f"  {used:7.1f} s   {role}")
    print(
        "Processing the first round's archive, without Prefect and in a flow, in turn (s, and"
        " bare trafilatura's pages/s around): "
        + ", ".join(f"{how} {seconds:.1f} ({rate:.1f})" for how, seconds, rate in timings)
    )
    loaded = min(r.loaded for r in played)
    rows = [
        Row(
            f"run, {articles} articles (articles/s)",
            by_run.run,
            by_run.run_reference,
            "/s",
            "≥ 1.0×",
            by_run.run_ratio >= 1.0,
        ),
        Row(
            "replay --urls (articles/s)",
            by_replay.replay,
            by_replay.replay_reference,
            "/s",
            "≥ 1.0×",
            by_replay.replay_ratio >= 1.0,
        ),
        Row("cleaning alone (pages/s)", cleaning, reference, "/s", "≥ 1.0×", cleaning >= reference),
        Row(
            "extraction per article (MB/s, one core)",
            extracted,
            None,
            "MB/s",
            "≥ 2",
            extracted >= 2,
        ),
        Row("extraction per paragraph (MB/s)", extraction, None, "MB/s", "≥ 2", extraction >= 2),
        Row(
            "extraction against Duckling (paragraphs)",
            extraction,
            duck,
            "MB/s",
            "≥ 10×",
            None if duck is None else extraction >= 10 * duck,
        ),
        Row(
            "crawl process (pages per CPU s)",
            by_run.crawl_rate or 0.0,
            scrapy_pages / scrapy_cpu,
            "/s",
            "scrapy bench",
            None,
        ),
        Row("peak RSS of the process tree (MB)", peak / 1e6, None, "MB", "< 1000", peak < 1e9),
        Row(
            "processing inside a flow (s, one speed)",
            wrapped,
            plain,
            "s",
            "≤ 1.1×",
            wrapped <= 1.1 * plain,
        ),
        Row("incremental re-run (s)", again, None, "s", "discovery only", None),
        Row("incremental re-run (requests)", requests_again, None, "", "discovery only", None),
        Row(f"articles loaded of {articles}", loaded, articles, "", "all", loaded == articles),
    ]
    return rows, played


def format_rows(rows: list[Row]) -> str:
    header = f"{'measure':<40} {'ours':>10} {'reference':>10} {'ratio':>7} {'target':>15}  met"
    lines = [header, "-" * len(header)]
    for r in rows:
        ref = f"{r.reference:10.2f}" if r.reference is not None else " " * 10
        ratio = f"{r.ratio:7.2f}" if r.ratio is not None else " " * 7
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        lines.append(f"{r.measure:<40} {r.ours:10.2f} {ref} {ratio} {r.target:>15}  {met}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    parser.add_argument("--articles", default="2000,10000", help="sizes, comma-separated")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help=f"JSON written at the end (default {RESULTS.name})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help=f"runs and replays of each paper, the median reported (default {ROUNDS})",
    )
    args = parser.parse_args(argv)
    exit_on_sigterm()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    results: dict[str, object] = {}
    rounds: dict[str, object] = {}
    peaks: dict[int, float] = {}
    for size in [int(s) for s in args.articles.split(",")]:
        with tempfile.TemporaryDirectory(prefix="baotinh-bench-") as tmp:
            rows, played = measure(size, Path(tmp), args.rounds)
        print(f"\n{size} articles\n" + format_rows(rows), flush=True)
        results[str(size)] = [asdict(r) | {"ratio": r.ratio} for r in rows]
        rounds[str(size)] = [r.summary() for r in played]
        peaks[size] = next(r.ours for r in rows if r.measure.startswith("peak RSS"))
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        flat = Row(
            f"peak RSS, {large} against {small} articles (MB)",
            peaks[large],
            peaks[small],
            "MB",
            f"≤ {FLAT}×",
            peaks[large] <= FLAT * peaks[small],
        )
        print("\n" + format_rows([flat]), flush=True)
        results["memory_growth"] = asdict(flat) | {"ratio": flat.ratio}
    results["rounds"] = rounds
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    shown = (
        args.results.relative_to(RESULTS.parents[1]) if args.results == RESULTS else args.results
    )
    print(f"\nwritten to {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
