"""Settings a command reads from the environment, checked before it starts anything.

A bad value would otherwise surface only inside the flow run, after Prefect's server, the
run's record and its log had started, as a failed run in the UI.
"""

from __future__ import annotations

import os

import duckdb

from flows.processing import WORKERS_ENV
from warehouse.schema import MEMORY_ENV, memory_limit


def check_environment() -> None:
    """Raise ValueError naming the first setting that is given but unusable:
    ``$BAOTINH_WORKERS`` (a whole number of page workers, 1 or more) and
    ``$BAOTINH_MEMORY_LIMIT`` (a size DuckDB reads)."""
    workers = os.environ.get(WORKERS_ENV, "").strip()
    if workers and not (workers.isdigit() and int(workers) > 0):
        raise ValueError(f"{WORKERS_ENV}={workers!r} is not a number of page workers (1, 2, …)")
    if os.environ.get(MEMORY_ENV):
        with duckdb.connect() as con:  # in memory: DuckDB's own reading of the size
            memory_limit(con)
