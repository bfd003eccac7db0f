"""Lists of article URLs, one a line: what `run --urls` and the flows' `urls_file` read.

Kept apart from :mod:`flows.pipeline` so a command can read a list before Prefect loads.
"""

from __future__ import annotations

from pathlib import Path


def read_url_list(path: str | Path) -> list[str]:
    """The URLs of a file, one a line; blank lines and ``#`` comments are left out.
    ValueError names a file that is not UTF-8 text."""
    try:
        with open(path, encoding="utf-8") as fh:
            return [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text: give a list of URLs, one a line") from None
