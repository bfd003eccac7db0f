"""Run-time configuration: where the warehouse file and the data folder live.

Explicit arguments (``--db``, ``--data-dir``) first, then ``$BAOTINH_DB`` and
``$BAOTINH_DATA``, then the user's data directory (``platformdirs``: on Linux
``~/.local/share/baotinh``), never the installed package. The demo keeps its own pair under
``<data>/demo`` so sample rows never meet a live run's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path


def default_home() -> Path:
    """The folder for everything baotinh keeps when nothing else is said."""
    return user_data_path("baotinh", appauthor=False)


@dataclass(frozen=True)
class Config:
    db_path: Path
    data_dir: Path

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def scratch_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def state_dir(self) -> Path:
        """Crawl state kept between runs: HTTP validators, frontiers, locks."""
        return self.data_dir / "state"

    @classmethod
    def load(cls, db: str | Path | None = None, data_dir: str | Path | None = None) -> Config:
        """Explicit arguments first, then the environment, then the user's data directory."""
        data = Path(data_dir or os.environ.get("BAOTINH_DATA") or default_home())
        db_path = Path(db or os.environ.get("BAOTINH_DB") or data / "baotinh.duckdb")
        return cls(db_path=db_path, data_dir=data)

    @classmethod
    def demo(cls, db: str | Path | None = None, data_dir: str | Path | None = None) -> Config:
        """The demo's own pair: ``--db``/``--data-dir`` if given, else ``<home>/demo``.

        The environment variables are not read: they name the live warehouse.
        """
        data = Path(data_dir) if data_dir else default_home() / "demo"
        return cls(db_path=Path(db) if db else data / "baotinh-demo.duckdb", data_dir=data)
