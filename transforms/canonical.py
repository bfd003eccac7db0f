"""The article's canonical URL: what the page declares, else the fetched URL on the real origin.

A declared URL (``<link rel=canonical>``, then ``og:url``) is used when it is usable: absolute
after resolving, http(s), on the paper's host (``www.`` ignored) when the origin is known, and
not the bare home page. Otherwise the fetched URL (possibly a local mirror such as
``http://127.0.0.1:8123/x-10240517.html``) is rebased onto ``site_origin``. The result is
normalised by :func:`transforms.urls.normalize_url`, the spelling the spider uses for identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from transforms.urls import normalize_url, rebase


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _usable(candidate: str, fetched: str, origin_host: str | None) -> bool:
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if origin_host and _host(candidate) != origin_host:
        return False
    return not (parts.path in ("", "/") and urlsplit(fetched).path not in ("", "/"))


def canonical_url(
    fetched_url: str, declared: Sequence[str | None] = (), site_origin: str | None = None
) -> str:
    """The normalised canonical URL of a page fetched from ``fetched_url``.

    ``declared`` are the page's own URLs in priority order (canonical link, og:url); relative
    ones resolve against the origin when given, else against the fetched URL.
    """
    origin_host = _host(site_origin) if site_origin else None
    base = site_origin.rstrip("/") + "/" if site_origin else fetched_url
    for raw in declared:
        if not raw or not raw.strip():
            continue
        candidate = urljoin(base, raw.strip())
        if _usable(candidate, fetched_url, origin_host):
            return normalize_url(candidate)
    if site_origin:
        return normalize_url(rebase(fetched_url, site_origin))
    if urlsplit(fetched_url).scheme in ("http", "https"):
        return normalize_url(fetched_url)
    return fetched_url
