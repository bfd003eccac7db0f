"""Hints about where a site's article pages keep each part, for one era of its markup.

A layout is data, not code: CSS selectors tried in order. The cleaner works without one
(trafilatura plus generic Vietnamese rules); a layout only makes it surer. Sites change
their markup over the years, so a site has several layouts and the cleaner uses the first
whose ``match`` selector is found in the page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageLayout:
    """Selectors for the parts of an article page of one markup era."""

    name: str
    match: str  # CSS selector present only in pages of this layout
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    published: tuple[str, ...] = ()  # elements with a datetime/content attribute or date text
    author: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()  # removed from the body before extraction (related, promos)
