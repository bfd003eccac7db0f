"""Cleaning and extraction in worker processes, each page under a time and memory budget.

Cleaning and extraction are CPU-bound pure Python; one process uses one core. A pool of
worker processes (one per core) cleans and extracts pages while the calling process loads
the results, in order, into DuckDB. A page that takes longer than its time budget, runs a
worker out of its memory budget, raises, or kills its worker outright is *quarantined*: it
becomes a skip whose reason starts with ``quarantined:`` (``baotinh reprocess`` retries
it after a fix), and the other pages go on.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from multiprocessing import context, popen_spawn_posix, spawn
from typing import TYPE_CHECKING, Any, TypeVar

from registry import Site
from spiders.warc import ArchivedPage
from warehouse.records import FetchedPage, PageResult

if TYPE_CHECKING:
    from spiders.imports import ImportRecord

Item = TypeVar("Item")
Describe = Callable[[Any], FetchedPage]  # the pages row of an item that gave no result

log = logging.getLogger(__name__)

QUARANTINED = "quarantined"


@dataclass(frozen=True)
class Budget:
    """What one page may cost a worker."""

    seconds: float = 30.0
    memory_bytes: int = 640 * 1024 * 1024  # the worker's data segment, heap included


AHEAD_PER_WORKER = 32  # pages in flight per worker: ~0.5 s of work, ~5 MB of pages


class PageTimeout(Exception):
    """A page used up its time budget."""


def _on_alarm(signum: int, frame: object) -> None:
    raise PageTimeout


def _init_worker(memory_bytes: int) -> None:
    """In each worker: a memory ceiling, SIGALRM for time budgets, SIGINT left to the parent,
    and the page work imported before the first page, outside its time budget."""
    import flows.pagework  # noqa: F401  (the cleaning libraries: here, not in the run's process)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    _die_with_parent()
    if memory_bytes > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _die_with_parent() -> None:
    """A worker whose parent (the run's process) dies goes with it, instead of waiting
    forever on a queue nobody writes to. A watchdog thread, not ``PR_SET_PDEATHSIG``: that
    signal fires when the *thread* that started the worker ends, and pools are started from
    the fan-out's short-lived threads."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def run_one(
    work: Callable[..., PageResult],
    item: object,
    args: tuple[object, ...],
    seconds: float,
    describe: Describe | None = None,
) -> PageResult:
    """``work(item, *args)`` under a time budget; a failure becomes a quarantine."""
    if seconds > 0:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work(item, *args)
    except PageTimeout:
        return quarantined(item, f"took more than {seconds:g} s", describe)
    except MemoryError:
        return quarantined(item, "ran out of its memory budget", describe)
    except Exception as exc:  # a bug on one page must not stop the others
        return quarantined(item, f"{type(exc).__name__}: {exc}"[:500], describe)
    finally:
        if seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)


def clean_and_extract(page: ArchivedPage, paper: Site, since: date | None) -> PageResult:
    """:func:`flows.pagework.clean_and_extract`, named from here so that the run's process
    can hand it to the workers without importing the cleaning libraries itself."""
    from flows.pagework import clean_and_extract as work

    return work(page, paper, since)


def import_and_extract(job: tuple[ImportRecord, Site]) -> PageResult:
    """:func:`flows.pagework.import_and_extract` of one ``(record, paper)`` of an import."""
    from flows.pagework import import_and_extract as work

    return work(*job)


def imported_page(job: tuple[ImportRecord, Site]) -> FetchedPage:
    """The pages row of an import's ``(record, paper)``, for a quarantine."""
    from flows.pagework import imported_page as describe

    return describe(job[0])


def quarantined(item: object, why: str, describe: Describe | None = None) -> PageResult:
    """A skip whose reason starts with ``quarantined:``; ``describe`` gives the item's pages
    row (an archived page's by default)."""
    if describe is None:
        from flows.pagework import fetched_page as describe
    return PageResult(describe(item), skip_reason=f"{QUARANTINED}: {why}")


_LAUNCHING = threading.local()  # .without_main: this thread is starting a page worker
_PREPARATION_DATA = spawn.get_preparation_data


def _preparation_data(name: str) -> dict[str, object]:
    """What ``spawn`` sends a new child; without the parent's main module when the thread
    is starting a page worker (:class:`_NoMainPopen`), unchanged for any other process."""
    data = _PREPARATION_DATA(name)
    if getattr(_LAUNCHING, "without_main", False):
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


class _NoMainPopen(popen_spawn_posix.Popen):
    """``spawn``'s launcher, minus the parent's main module.

    ``spawn`` sends each child the name or path of the parent's ``__main__``
    (``init_main_from_name`` / ``init_main_from_path`` in
    :func:`multiprocessing.spawn.get_preparation_data`), and the child imports it again as
    ``__mp_main__`` before anything else. Under ``baotinh serve`` that module is
    ``prefect.engine``: all of Prefect, about 1 s of CPU and 50 MB per worker, for
    workers that only need :mod:`flows.pagework`. Everything a worker is sent (the
    initializer, :func:`run_one`, the work functions, pages, sites) is defined in an
    importable module, so ``__main__`` is not needed to unpickle it; a work function
    defined in a script's ``__main__`` would not unpickle in these workers.

    The standard launcher runs unchanged; while it runs, this thread's flag makes
    :func:`_preparation_data` (installed in place of ``spawn.get_preparation_data``, which
    it calls) leave those two keys out. Other threads and other processes' launches see
    the data unchanged.
    """

    def _launch(self, process_obj: object) -> None:
        spawn.get_preparation_data = _preparation_data  # idempotent
        _LAUNCHING.without_main = True
        try:
            super()._launch(process_obj)
        finally:
            _LAUNCHING.without_main = False


class _NoMainProcess(context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj: object) -> _NoMainPopen:
        return _NoMainPopen(process_obj)


class _NoMainSpawnContext(context.SpawnContext):
    """The ``spawn`` start method, for processes that do not import the parent's
    ``__main__`` (see :class:`_NoMainPopen`)."""

    Process = _NoMainProcess


def _start_executor(workers: int, memory_bytes: int) -> ProcessPoolExecutor:
    """A process pool with every worker and its manager thread started, set up in a thread
    of its own.

    ``ProcessPoolExecutor`` registers its manager thread for the interpreter's exit only
    after starting it, and a worker only after spawning it. A signal handler that raises in
    between (the SIGTERM of a supervised run: :mod:`baotinh.supervise`) left one of them
    unregistered, and the run's process then waited for it forever at exit. Python runs
    signal handlers in the main thread only, so this setup, done elsewhere, is never cut
    short; the later submissions start no process (every worker is already there).
    """

    def build() -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_NoMainSpawnContext(),
            initializer=_init_worker,
            initargs=(memory_bytes,),
        )
        for _ in range(workers):  # each submission with no idle worker spawns one
            executor.submit(_ready)
        return executor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-pool-start") as helper:
        return helper.submit(build).result()


def _ready() -> None:
    """A worker's first task: nothing (its start is the point)."""


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)


class PagePool:
    """A pool of worker processes mapping pages to results, in order, a window ahead.

    Workers are started with ``spawn`` (never ``fork``: the caller runs threads, Prefect's
    among them), without importing the parent's main module (:class:`_NoMainPopen`), once
    per pool, as direct children that die with the run's process; the pool is reused for
    every archive of a run.
    """

    def __init__(self, workers: int | None = None, budget: Budget | None = None) -> None:
        self.workers = workers or default_workers()
        self.budget = budget or Budget()
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = _start_executor(self.workers, self.budget.memory_bytes)
            return self._executor

    def _restart(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def start(self) -> None:
        """Start the workers now (they import the cleaning libraries in the background)
        rather than at the first page."""
        self._pool()

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def __enter__(self) -> PagePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(
        self,
        work: Callable[..., PageResult],
        items: Iterable[Item],
        *args: object,
        describe: Describe | None = None,
    ) -> Iterator[PageResult]:
        """``work(item, *args)`` for each item (an archived page by default), in the order
        of ``items``; an item whose worker died is run again alone, and quarantined if it
        kills that worker too. ``describe`` gives the pages row of an item that is not an
        archived page."""
        window: deque[tuple[Item, Future[PageResult]]] = deque()
        # Far enough ahead that the workers keep busy while the caller loads a batch of
        # results (a few hundred ms): items are only submitted as results are taken.
        ahead = self.workers * AHEAD_PER_WORKER
        call = (work, args, describe)
        for item in items:
            window.append((item, self._submit(call, item)))
            if len(window) >= ahead:
                yield self._result(call, *window.popleft(), window)
        while window:
            yield self._result(call, *window.popleft(), window)

    def _submit(self, call: tuple, item: object) -> Future[PageResult]:
        work, args, describe = call
        seconds = self.budget.seconds
        return self._pool().submit(run_one, work, item, args, seconds, describe)

    def _result(self, call: tuple, item: object, future: Future, window: deque) -> PageResult:
        try:
            return future.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory at the OS level, a crash in C code). Every
            # item in flight is lost with it: restart, then try this item alone.
            log.warning("a worker died on or near %s; retrying it alone", _name(item))
            self._restart()
            pending = [other for other, _ in window]
            window.clear()
            result = self._alone(call, item)
            for other in pending:
                window.append((other, self._submit(call, other)))
            return result

    def _alone(self, call: tuple, item: object) -> PageResult:
        try:
            return self._submit(call, item).result()
        except BrokenProcessPool:
            self._restart()
            return quarantined(item, "killed its worker process", call[2])


def _name(item: object) -> str:
    """An item's URL for the log: an archived page's, or the first of a tuple's."""
    if isinstance(item, tuple) and item:
        item = item[0]
    return str(getattr(item, "url", None) or getattr(item, "locator", item))
