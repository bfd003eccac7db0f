"""Run-time configuration: the warehouse file and the data folder, from flags or environment.

``BAOTINH_DB`` names the DuckDB file (default ``warehouse/baotinh.duckdb`` in the checkout);
``BAOTINH_DATA`` the folder for WARC archives and crawl scratch files (default ``data/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from baotinh.paths import REPO_ROOT


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

    @classmethod
    def load(cls, db: str | Path | None = None, data_dir: str | Path | None = None) -> Config:
        """Explicit arguments first, then the environment, then the defaults."""
        db_path = db or os.environ.get("BAOTINH_DB") or REPO_ROOT / "warehouse" / "baotinh.duckdb"
        data = data_dir or os.environ.get("BAOTINH_DATA") or REPO_ROOT / "data"
        return cls(db_path=Path(db_path), data_dir=Path(data))
