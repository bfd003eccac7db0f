"""Throughput, measured side by side: `python -m bench.throughput [--articles 2000,10000]`.

For each size a paper is generated (:mod:`bench.sitegen`, pages of about 115 KB) and served
on loopback. In the same run, on the same pages, we measure:

- the reference: bare ``trafilatura.bare_extraction(html, with_metadata=True)`` in one
  process (pages/s), and our cleaning alone (pages/s);
- ``baotinh run`` end to end (crawl, archive, clean, extract, load: articles/s), its peak
  memory (RSS of the whole process tree), the CPU time of each kind of process in the tree,
  and an incremental re-run with nothing new (Prefect's own database is created before, as
  on any installation that has run once);
- ``baotinh run --replay FILE.warc.gz --urls LIST``: the pipeline's own speed, no network;
- processing the same archive with and without Prefect (orchestration overhead);
- extraction of dates and figures (MB/s on the generated article texts, one call per
  article as the pipeline runs it, and one per paragraph as Duckling is timed).

Ratios are computed within the run, so a busy machine moves both sides. Results are printed
as one table and written to ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from bench import sitegen
from bench.extraction import figures_per_kb, load_extractors

RESULTS = Path(__file__).with_name("results.json")
REFERENCE_SAMPLE = 300  # pages timed for the single-process references
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
    of our cleaning, timed page by page in turn, which of the two goes first alternating.

    Timed one after the other, 300 pages each, the two rates moved apart by up to 1.7× between
    runs on this machine (its speed drifts over seconds): in turn, a drift slows both alike.
    """
    import trafilatura

    from transforms.clean import clean_article

    def reference(url: str, html: str) -> None:
        trafilatura.bare_extraction(html, url=url, with_metadata=True)

    def ours(url: str, html: str) -> None:
        clean_article(html, url)

    for url, html in pages[:5]:  # first calls build caches and compile patterns
        reference(url, html)
        ours(url, html)
    spent = {reference: 0.0, ours: 0.0}
    for n, (url, html) in enumerate(pages):
        for work in (reference, ours) if n % 2 == 0 else (ours, reference):
            started = time.process_time()
            work(url, html)
            spent[work] += time.process_time() - started
    return len(pages) / spent[reference], len(pages) / spent[ours]


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


def extraction_rate(paragraphs: list[str]) -> float:
    """MB/s of dates and figures together over these texts, one call each, one process, in
    CPU time (as ``bench dates``). Per article is how the pipeline runs; per paragraph is
    what Duckling is timed on (each call has a fixed cost, so paragraphs are slower)."""
    from transforms.dates import extract_dates
    from transforms.figures import extract_figures

    extract_figures("Năm 2024 đạt 1,5 tỷ đồng.", date(2024, 6, 1))  # warm up, as Duckling
    size = sum(len(p.encode("utf-8")) for p in paragraphs)
    started = time.process_time()
    for text in paragraphs:
        dates = extract_dates(text, date(2024, 6, 1))
        extract_figures(text, date(2024, 6, 1), dates)
    return size / 1e6 / (time.process_time() - started)


def duckling_rate(paragraphs: list[str]) -> float | None:
    """MB/s of Facebook Duckling's Vietnamese parser on the same paragraphs, in CPU time;
    None when the optional ``pyduckling-native-phihos`` is missing."""
    from bench.extraction import duckling_speed

    measured = duckling_speed(paragraphs)
    return None if measured is None else measured[0] / measured[1]


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
        out, _ = process.communicate()
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


def orchestration(warc: Path, registry: Path, tmp: Path) -> tuple[float, float]:
    """Seconds to process one archive without Prefect and inside a flow."""
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
    process_archive(warc, paper, None, tmp / "warm.duckdb", log=log)
    started = time.perf_counter()
    process_archive(warc, paper, None, tmp / "plain.duckdb", log=log)
    plain = time.perf_counter() - started

    @flow(name="bench-orchestration")
    def wrapped() -> None:
        load_archive(warc, paper.key, str(registry), None, tmp / "flow.duckdb")

    started = time.perf_counter()
    wrapped()
    return plain, time.perf_counter() - started


def measure(articles: int, tmp: Path) -> list[Row]:
    from samples.server import LocalSite

    gen = sitegen.generate(tmp / "site", articles)
    pages = _pages(gen, min(REFERENCE_SAMPLE, articles))
    before = side_by_side(pages)  # again after the runs: the reference is their mean
    texts = articles_of(pages)
    paragraphs = paragraphs_of(texts)
    extraction = extraction_rate(paragraphs)
    per_article = extraction_rate(texts)
    density = figures_per_kb(texts, load_extractors())
    duck = duckling_rate(paragraphs)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        BAOTINH_REGISTRY=str(gen.registry),
    )
    storage = ["--db", str(tmp / "w.duckdb"), "--data-dir", str(tmp / "data")]
    _create_prefect_database(env)
    with LocalSite(gen.root, host="127.0.0.20") as site:
        base = ["run", "--site", sitegen.KEY, "--base-url", site.url, *storage]
        seconds, memory, numbers = run_cli(base, env)
        hits_before = len(site.hits)
        again, _, _ = run_cli(base, env)
        requests_again = len(site.hits) - hits_before
    loaded = numbers.get("articles new", 0)
    warcs = sorted((tmp / "data" / "archive" / sitegen.KEY).glob("*.warc.gz"))
    urls = tmp / "urls.txt"
    urls.write_text("".join(f"https://{sitegen.DOMAIN}{p}\n" for p in gen.article_paths))
    replay_storage = ["--db", str(tmp / "r.duckdb"), "--data-dir", str(tmp / "rdata")]
    replay = ["run", "--site", sitegen.KEY, "--replay", str(warcs[0]), "--urls", str(urls)]
    replay_seconds, _, replay_numbers = run_cli([*replay, *replay_storage], env)
    plain, wrapped = orchestration(warcs[0], gen.registry, tmp)
    after = side_by_side(pages)
    reference, cleaning = ((x + y) / 2 for x, y in zip(before, after, strict=True))
    peak = memory.peak
    kb_each = sum(len(t.encode("utf-8")) for t in texts) / 1000 / len(texts)
    page_kb, elements = page_weight(pages)
    print(
        f"\n{articles} articles: pages of {page_kb:.0f} KB and {elements:.0f} elements, their text"
        f" {kb_each:.1f} KB with {density:.1f} figures/KB (the saved article pages of two"
        " provincial papers: 145-150 KB, 1,079-1,274 elements, 4.7-5.4 KB of text, 1.3-2.6"
        " figures/KB)"
    )
    print(
        f"{articles} articles: bare trafilatura {before[0]:.1f} pages/s before the runs,"
        f" {after[0]:.1f} after (the reference is their mean; the machine's speed drifts)"
    )
    print(f"{articles} articles: the run's process tree at its peak ({peak / 1e6:.0f} MB)")
    for rss, role in memory.at_peak:
        print(f"  {rss / 1e6:7.1f} MB  {role}")
    cpu = memory.cpu_by_role()
    print(f"CPU time of the run by role ({sum(s for s, _ in cpu):.1f} s in {seconds:.1f} s):")
    for used, role in cpu:
        print(f"  {used:7.1f} s   {role}")
    e2e = loaded / seconds
    replayed = replay_numbers.get("articles new", 0) / replay_seconds
    return [
        Row(
            f"run, {articles} articles (articles/s)",
            e2e,
            reference,
            "/s",
            "≥ 1.0×",
            e2e >= reference,
        ),
        Row(
            "replay --urls (articles/s)", replayed, reference, "/s", "≥ 1.0×", replayed >= reference
        ),
        Row("cleaning alone (pages/s)", cleaning, reference, "/s", "≥ 1.0×", cleaning >= reference),
        Row(
            "extraction per article (MB/s, one core)",
            per_article,
            None,
            "MB/s",
            "≥ 2",
            per_article >= 2,
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
        Row("peak RSS of the process tree (MB)", peak / 1e6, None, "MB", "< 1000", peak < 1e9),
        Row("processing inside a flow (s)", wrapped, plain, "s", "≤ 1.1×", wrapped <= 1.1 * plain),
        Row("incremental re-run (s)", again, None, "s", "discovery only", None),
        Row("incremental re-run (requests)", requests_again, None, "", "discovery only", None),
        Row(f"articles loaded of {articles}", loaded, articles, "", "all", loaded == articles),
    ]


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
    args = parser.parse_args(argv)
    results: dict[str, object] = {}
    peaks: dict[int, float] = {}
    for size in [int(s) for s in args.articles.split(",")]:
        with tempfile.TemporaryDirectory(prefix="baotinh-bench-") as tmp:
            rows = measure(size, Path(tmp))
        print(f"\n{size} articles\n" + format_rows(rows), flush=True)
        results[str(size)] = [asdict(r) | {"ratio": r.ratio} for r in rows]
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
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    shown = (
        args.results.relative_to(RESULTS.parents[1]) if args.results == RESULTS else args.results
    )
    print(f"\nwritten to {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
