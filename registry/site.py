"""A newspaper as data: :class:`Site`, read from a registry file (TOML).

A paper needs only a key, a name, a domain and the province(s) it reports on: discovery
(robots.txt sitemaps, feeds, listings) and cleaning (metadata, trafilatura, Vietnamese rules)
work without anything else. Everything else refines: a CMS family, sections and feeds to
start from, paths to skip, and markup eras (a layout valid for a date range).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from registry import provinces
from registry.families import CMS_FAMILIES, LAYOUTS, matches_shape, shapes_of
from registry.layout import PageLayout

Verified = Literal["pages", "urls", "unverified"]
VERIFIED_LEVELS: tuple[str, ...] = ("pages", "urls", "unverified")


@dataclass(frozen=True)
class Era:
    """A markup layout and the dates its pages were published in (open ends allowed)."""

    layout: PageLayout
    since: date | None = None
    until: date | None = None

    def covers(self, day: date) -> bool:
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


@dataclass(frozen=True)
class Site:
    """A newspaper: identity, provinces, how to find its articles, how its pages look."""

    key: str
    name: str
    domains: tuple[str, ...]  # the first is the primary domain
    provinces_before_2025: tuple[str, ...]
    province: str  # after the 2025 merger, derived from provinces_before_2025
    verified: Verified = "unverified"
    family: str | None = None  # a CMS family or URL-shape family (registry.families)
    hosts: tuple[str, ...] = ()  # other hosts serving its articles (archive subdomains)
    sections: tuple[str, ...] = ()  # listing paths to start from, besides the home page
    feeds: tuple[str, ...] = ()  # RSS/Atom paths known to exist
    sitemaps: tuple[str, ...] = ()  # sitemap paths known to exist (robots.txt is read too)
    skip_paths: tuple[str, ...] = ()  # path prefixes never followed (other languages, video)
    article_paths: tuple[str, ...] = ()  # extra regexes for article paths
    eras: tuple[Era, ...] = ()
    active_until: date | None = None  # the last day it published, for archived papers
    founded: date | None = None  # its first day online: earlier publication dates are wrong
    drop_params: tuple[str, ...] = ()  # its query parameters that never select content
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def domain(self) -> str:
        return self.domains[0]

    @property
    def origin(self) -> str:
        return f"https://{self.domain}"

    @property
    def layouts(self) -> tuple[PageLayout, ...]:
        return tuple(era.layout for era in self.eras)

    def layouts_for(self, day: date | None) -> tuple[PageLayout, ...]:
        """The layouts whose era covers ``day`` first, then the others (all when unknown)."""
        if day is None:
            return self.layouts
        covering = [e.layout for e in self.eras if e.covers(day)]
        return (*covering, *(e.layout for e in self.eras if not e.covers(day)))

    def owns(self, url: str) -> bool:
        """The URL is on one of this paper's domains or hosts (``www.`` ignored)."""
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        return host in self.domains or host in self.hosts

    def is_article_path(self, path: str) -> bool:
        """The URL path (with its query) has the shape of one of this paper's articles."""
        if any(path.startswith(prefix) for prefix in self.skip_paths):
            return False
        if any(re.search(pattern, path) for pattern in self.article_paths):
            return True
        return matches_shape(path, shapes_of(self.family))

    def to_json(self) -> dict[str, object]:
        """The record ``baotinh sites --json`` prints."""
        return {
            "key": self.key,
            "name": self.name,
            "domains": list(self.domains),
            "hosts": list(self.hosts),
            "province": self.province,
            "provinces_before_2025": list(self.provinces_before_2025),
            "verified": self.verified,
            "family": self.family,
            "sections": list(self.sections),
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "skip_paths": list(self.skip_paths),
            "eras": [
                {
                    "layout": e.layout.name,
                    "since": e.since.isoformat() if e.since else None,
                    "until": e.until.isoformat() if e.until else None,
                }
                for e in self.eras
            ],
            "active_until": self.active_until.isoformat() if self.active_until else None,
            "notes": self.notes,
        }


_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELDS = {
    "key",
    "name",
    "domains",
    "hosts",
    "provinces_before_2025",
    "verified",
    "family",
    "sections",
    "feeds",
    "sitemaps",
    "skip_paths",
    "article_paths",
    "eras",
    "active_until",
    "founded",
    "drop_params",
    "notes",
    "discovery",
}


def site_from_dict(entry: dict[str, Any], where: str = "registry") -> Site:
    """Build and check one paper from its registry table; ValueError says what is wrong."""
    key = entry.get("key", "?")
    label = f"{where}: paper {key!r}"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ValueError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
    for required in ("key", "name", "domains", "provinces_before_2025"):
        if not entry.get(required):
            raise ValueError(f"{label}: missing {required}")
    if not _KEY.match(key):
        raise ValueError(f"{label}: a key is lowercase letters, digits and dashes")
    try:
        before = tuple(
            provinces.lookup(p, "before_2025").name for p in entry["provinces_before_2025"]
        )
        shapes_of(entry.get("family"))
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from None
    after = {provinces.successor(p).name for p in before}
    if len(after) != 1:
        raise ValueError(f"{label}: provinces {before} did not merge into one: {sorted(after)}")
    verified = entry.get("verified", "unverified")
    if verified not in VERIFIED_LEVELS:
        raise ValueError(f"{label}: verified must be one of {', '.join(VERIFIED_LEVELS)}")
    family = entry.get("family")
    return Site(
        key=key,
        name=entry["name"],
        domains=tuple(d.lower().removeprefix("www.") for d in entry["domains"]),
        provinces_before_2025=before,
        province=after.pop(),
        verified=verified,
        family=family,
        hosts=tuple(h.lower() for h in entry.get("hosts", ())),
        sections=tuple(entry.get("sections", ())),
        feeds=tuple(entry.get("feeds", ())),
        sitemaps=tuple(entry.get("sitemaps", ())),
        skip_paths=tuple(entry.get("skip_paths", ())),
        article_paths=tuple(entry.get("article_paths", ())),
        eras=_eras(entry, family, label),
        active_until=_date(entry.get("active_until"), label),
        founded=_date(entry.get("founded"), label),
        drop_params=tuple(entry.get("drop_params", ())),
        notes=entry.get("notes", ""),
        extra={"discovery": entry["discovery"]} if "discovery" in entry else {},
    )


def _eras(entry: dict[str, Any], family: str | None, label: str) -> tuple[Era, ...]:
    raw = entry.get("eras")
    if raw is None:  # the family's known markup, for all dates
        names = CMS_FAMILIES[family][1] if family in CMS_FAMILIES else ()
        return tuple(Era(LAYOUTS[name]) for name in names)
    eras = []
    for item in raw:
        name = item.get("layout")
        if name not in LAYOUTS:
            raise ValueError(f"{label}: unknown layout {name!r}; known: {', '.join(LAYOUTS)}")
        since, until = _date(item.get("since"), label), _date(item.get("until"), label)
        eras.append(Era(LAYOUTS[name], since, until))
    return tuple(eras)


def _date(value: object, label: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{label}: {value!r} is not a YYYY-MM-DD date") from None


def load_registry(path: Path) -> dict[str, Site]:
    """Every paper of a registry file, by key; ValueError on a bad or duplicate entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    sites: dict[str, Site] = {}
    hosts: dict[str, str] = {}
    for entry in data.get("paper", []):
        site = site_from_dict(entry, str(path.name))
        if site.key in sites:
            raise ValueError(f"{path.name}: paper {site.key!r} is registered twice")
        for host in (*site.domains, *site.hosts):
            if host in hosts:
                raise ValueError(f"{path.name}: {host} belongs to {hosts[host]} and {site.key}")
            hosts[host] = site.key
        sites[site.key] = site
    return sites
