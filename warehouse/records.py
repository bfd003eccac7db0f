"""The records that travel from processing to the loader: light, picklable, no DuckDB.

Worker processes build them; only the loader (:mod:`warehouse.load`) needs DuckDB and Arrow,
so the workers do not import either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from transforms.models import Article, DateMention, Figure

UNSIGNED = ()  # PageResult.signature before anyone signed the text (a signature has values)


@dataclass(frozen=True)
class FetchedPage:
    """Where an archived response is, and what it was."""

    warc_file: str
    warc_offset: int
    url: str
    fetched_at: datetime
    status: int
    content_sha1: str
    source: str = "crawl"  # or import:warc | import:jsonl | import:text


@dataclass(frozen=True)
class PageResult:
    """One archived page after cleaning and extraction, or the reason it was skipped."""

    page: FetchedPage
    article: Article | None = None
    dates: Sequence[DateMention] = ()
    figures: Sequence[Figure] = ()
    skip_reason: str | None = None
    # the article text's MinHash signature (transforms.neardup), computed with the
    # extraction in the worker; None for a text too short to sign, UNSIGNED when not computed
    signature: tuple[int, ...] | None = UNSIGNED

    @property
    def quarantined(self) -> bool:
        """Skipped because processing failed or ran over budget, not because it is not an
        article (``baotinh reprocess`` retries it)."""
        return bool(self.skip_reason) and self.skip_reason.startswith("quarantined:")


@dataclass
class LoadCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    date_mentions: int = 0
    figures: int = 0
    articles: int = 0  # pages that gave an article (new, updated or unchanged)
    titled: int = 0  # ... of which with a title
    dated: int = 0  # ... with a publication date

    def add(self, other: LoadCounts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))
