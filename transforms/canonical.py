"""The article's canonical URL: what the page declares, else the fetched URL on the real origin.

A declared URL (``<link rel=canonical>``, then ``og:url``) is used when it is usable: absolute
after resolving, http(s), on the paper's host (``www.`` ignored) when the origin is known, and
not the bare home page. Otherwise the fetched URL (possibly a local mirror such as
``http://127.0.0.1:8123/x-10240517.html``) is rebased onto ``site_origin``. The result is
normalised by :func:`transforms.urls.normalize_url`, the spelling the spider uses for identity.

A declared URL that names another article than the one fetched is not trusted: when both
URLs carry article ids (digit runs of the last path segment and of the query) and they share
none, or when their slugs differ and the page's title matches the fetched slug rather than
the declared one, the fetched URL is kept and :class:`Canonical` says why (a CMS that copies
the canonical link of a template, or of the article it was cloned from).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from transforms.urls import normalize_url, rebase

MIN_ID_DIGITS = 4  # shorter digit runs are page numbers, days, months
MIN_SLUG_WORDS = 3  # fewer words are not a slug worth comparing
SAME_SLUG = 0.5  # share of the shorter slug's words two slugs of one article share
TITLE_MATCH = 0.6  # share of a slug's words found in the title for the title to name it

_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+")
_EXTENSIONS = frozenset({"html", "htm", "shtml", "aspx", "asp", "php", "jsp", "amp", "print"})


@dataclass(frozen=True)
class Canonical:
    """The canonical URL, and why the page's declared one was not used (None if it was, or
    there was none)."""

    url: str
    distrusted: str | None = None


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
    fetched_url: str,
    declared: Sequence[str | None] = (),
    site_origin: str | None = None,
    *,
    title: str | None = None,
    drop_params: Collection[str] = (),
) -> str:
    """The normalised canonical URL of a page fetched from ``fetched_url`` (see
    :func:`resolve_canonical`)."""
    return resolve_canonical(
        fetched_url, declared, site_origin, title=title, drop_params=drop_params
    ).url


def resolve_canonical(
    fetched_url: str,
    declared: Sequence[str | None] = (),
    site_origin: str | None = None,
    *,
    title: str | None = None,
    drop_params: Collection[str] = (),
) -> Canonical:
    """The normalised canonical URL of a page fetched from ``fetched_url``.

    ``declared`` are the page's own URLs in priority order (canonical link, og:url); relative
    ones resolve against the origin when given, else against the fetched URL. ``title`` is
    the page's title, used to tell which of two disagreeing URLs names the article;
    ``drop_params`` are the paper's own query parameters that never select content.
    """
    origin_host = _host(site_origin) if site_origin else None
    base = site_origin.rstrip("/") + "/" if site_origin else fetched_url
    fetched = _fetched(fetched_url, site_origin, drop_params)
    distrusted = None
    for raw in declared:
        if not raw or not raw.strip():
            continue
        candidate = urljoin(base, raw.strip())
        if not _usable(candidate, fetched_url, origin_host):
            continue
        url = normalize_url(candidate, drop_params)
        reason = other_article(fetched, url, title)
        if reason is None:
            return Canonical(url, distrusted)
        distrusted = distrusted or f"declared canonical {url} {reason}; kept the fetched URL"
    return Canonical(fetched, distrusted)


def _fetched(fetched_url: str, site_origin: str | None, drop_params: Collection[str]) -> str:
    if site_origin:
        return normalize_url(rebase(fetched_url, site_origin), drop_params)
    if urlsplit(fetched_url).scheme in ("http", "https"):
        return normalize_url(fetched_url, drop_params)
    return fetched_url


def other_article(fetched: str, declared: str, title: str | None = None) -> str | None:
    """Why ``declared`` names another article than ``fetched`` (both normalised), or None
    when it may be the same one (same ids, same slug, or no evidence either way)."""
    if urlsplit(fetched).scheme not in ("http", "https"):
        return None
    fetched_ids, declared_ids = article_ids(fetched), article_ids(declared)
    if fetched_ids and declared_ids:
        if fetched_ids & declared_ids:
            return None
        return f"has id {_ids(declared_ids)}, the fetched URL {_ids(fetched_ids)}"
    fetched_slug, declared_slug = slug_words(fetched), slug_words(declared)
    if len(fetched_slug) < MIN_SLUG_WORDS or len(declared_slug) < MIN_SLUG_WORDS:
        return None
    if _share(fetched_slug, declared_slug) >= SAME_SLUG:
        return None
    words = set(_WORD.findall(fold(title or "")))
    if words and _covered(declared_slug, words) >= TITLE_MATCH:
        return None  # the title names the declared article: the fetched URL is an alias
    if words and _covered(fetched_slug, words) >= TITLE_MATCH:
        return "names another article (the title matches the fetched URL)"
    return "names another article (its slug shares no words with the fetched URL)"


def article_ids(url: str) -> frozenset[str]:
    """Digit runs long enough to be article ids, in the last path segment and query values."""
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    values = [last, *(value for _, value in parse_qsl(parts.query))]
    return frozenset(
        run.lstrip("0") or "0"
        for value in values
        for run in _DIGITS.findall(value)
        if len(run) >= MIN_ID_DIGITS
    )


def slug_words(url: str) -> list[str]:
    """The words of the URL's last path segment, without its extension."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    return [w for w in _WORD.findall(last) if w not in _EXTENSIONS]


def fold(text: str) -> str:
    """Lowercase ASCII spelling of Vietnamese text, as slugs write it ("Đồng" -> "dong")."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _share(a: list[str], b: list[str]) -> float:
    return len(set(a) & set(b)) / min(len(set(a)), len(set(b)))


def _covered(slug: list[str], words: set[str]) -> float:
    return sum(1 for w in slug if w in words) / len(slug)


def _ids(ids: frozenset[str]) -> str:
    return "/".join(sorted(ids))
