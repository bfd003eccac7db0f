"""URL normalisation shared by discovery (spiders) and cleaning (canonical URLs)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track where a click came from; they never select content.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "zarsrc", "gidzl", "_gl", "mc_cid", "mc_eid", "igshid"}
)


def _is_tracking(name: str) -> bool:
    return name.lower().startswith("utm_") or name.lower() in TRACKING_PARAMS


def normalize_url(url: str) -> str:
    """An article URL in one spelling: https, lowercase host without ``www.``, no fragment,
    no tracking parameters, remaining parameters sorted, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "http" and not _is_loopback(parts.hostname):
        scheme = "https"
    host = (parts.hostname or "").lower().removeprefix("www.")
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _is_tracking(k)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def rebase(url: str, origin: str) -> str:
    """The same path and query on another origin (``scheme://host[:port]``)."""
    parts = urlsplit(url)
    base = urlsplit(origin)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))


def _is_loopback(host: str | None) -> bool:
    return host in {"127.0.0.1", "localhost", "::1"}
