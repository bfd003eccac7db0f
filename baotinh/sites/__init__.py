"""The registry of newspapers: one module per paper, each defining ``SITE``.

A paper is data (:class:`Site`): where its articles are listed, which URLs are articles, and
the markup eras of its pages. Adding a paper means adding a module here and its key to
``_MODULES``; fixing a selector is a one-line change in that paper's module.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from transforms.layout import PageLayout

_MODULES = ("baonghean",)


@dataclass(frozen=True)
class Site:
    """A newspaper: its identity, how to discover its articles, and its page layouts."""

    key: str
    name: str
    province: str
    domain: str
    sections: tuple[str, ...]
    article_paths: tuple[str, ...]  # regexes matched against the URL path
    listing_links: str  # CSS selector of article links on home and section pages
    layouts: tuple[PageLayout, ...] = ()
    feeds: tuple[str, ...] = ()  # RSS/Atom paths
    deny_paths: tuple[str, ...] = ()  # path prefixes never followed (other languages, video)
    pagination: str = "?page={n}"  # how page n of a section is addressed
    extra_hosts: tuple[str, ...] = field(default=())  # other hosts of the same paper

    @property
    def origin(self) -> str:
        return f"https://{self.domain}"

    def is_article_path(self, path: str) -> bool:
        """True when a URL path is an article of this paper (not a listing or other page)."""
        if any(path.startswith(prefix) for prefix in self.deny_paths):
            return False
        return any(re.search(pattern, path) for pattern in self.article_paths)

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        return host == self.domain or host in self.extra_hosts


@cache
def all_sites() -> dict[str, Site]:
    """Every registered paper, by key."""
    sites = {}
    for name in _MODULES:
        site = importlib.import_module(f"{__name__}.{name}").SITE
        sites[site.key] = site
    return sites


def get_site(key: str) -> Site:
    """The paper registered under ``key``; a clear error naming the known keys otherwise."""
    sites = all_sites()
    try:
        return sites[key]
    except KeyError:
        known = ", ".join(sorted(sites))
        raise KeyError(f"unknown site {key!r}; registered sites: {known}") from None


def site_for_url(url: str) -> Site | None:
    """The registered paper whose domain serves ``url``, if any."""
    return next((site for site in all_sites().values() if site.owns(url)), None)
