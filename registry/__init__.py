"""The bottom layer: the newspapers (registry), the provinces and the run-time configuration.

Everything may import this package; it imports nothing of the project above it. The papers
live in ``registry/papers.toml``; a user's own file (``--registry`` or ``$BAOTINH_REGISTRY``)
adds papers or replaces entries of the same key.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from registry.site import Era, Site, load_registry

BUILTIN_REGISTRY = Path(__file__).with_name("papers.toml")

__all__ = ["BUILTIN_REGISTRY", "Era", "Site", "all_sites", "get_site", "site_for_url"]


def _extra_registry(extra: str | Path | None) -> Path | None:
    value = extra or os.environ.get("BAOTINH_REGISTRY")
    return Path(value) if value else None


@cache
def _load(extra: Path | None) -> dict[str, Site]:
    sites = dict(load_registry(BUILTIN_REGISTRY))
    if extra is not None:
        if not extra.is_file():
            raise FileNotFoundError(f"no registry file at {extra}")
        sites.update(load_registry(extra))
    return sites


def all_sites(extra: str | Path | None = None) -> dict[str, Site]:
    """Every registered paper by key: the built-in registry plus ``extra`` (or
    ``$BAOTINH_REGISTRY``), whose entries win on the same key."""
    return _load(_extra_registry(extra))


def get_site(key: str, extra: str | Path | None = None) -> Site:
    """The paper registered under ``key``; KeyError naming close keys otherwise."""
    sites = all_sites(extra)
    try:
        return sites[key]
    except KeyError:
        close = _close_keys(key, sites)
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise KeyError(f"unknown site {key!r} (see `baotinh sites`){hint}") from None


def _close_keys(key: str, keys: Iterable[str], most: int = 5) -> list[str]:
    """Registered keys that hold ``key`` or are spelled like it, closest first."""
    wanted = key.strip().lower()
    if not wanted:
        return []
    keys = list(keys)
    holding = sorted(k for k in keys if wanted in k)
    alike = difflib.get_close_matches(wanted, keys, n=most, cutoff=0.8)
    return list(dict.fromkeys([*alike, *holding]))[:most]


def site_for_url(url: str, extra: str | Path | None = None) -> Site | None:
    """The registered paper whose domain or host serves ``url``, if any."""
    return next((site for site in all_sites(extra).values() if site.owns(url)), None)
