"""URL normalisation shared by discovery (spiders) and cleaning (canonical URLs)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from; they never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "zarsrc",
        "gidzl",
        "_gl",
        "_ga",
        "_hsenc",
        "_hsmi",
        "igshid",
        "mkt_tok",
    }
)
TRACKING_PREFIXES = ("utm_", "mc_")
# Navigation markers ("?ref=home", "?from=box_hot", "?source=rss"), dropped only when the
# value is a short label: the same names carry a page offset ("?from=20") or a file
# ("?src=a.jpg") elsewhere, and those select content.
LABEL_PARAMS = frozenset({"ref", "ref_src", "refsrc", "referrer", "from", "src", "source"})
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")


def is_tracking(name: str, value: str = "", drop_params: Collection[str] = ()) -> bool:
    """The query parameter only tracks or labels the click (``drop_params``: the paper's own,
    dropped whatever their value)."""
    lowered = name.lower()
    if lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES):
        return True
    if name in drop_params or lowered in drop_params:
        return True
    return lowered in LABEL_PARAMS and (not value or bool(_LABEL.fullmatch(value)))


def normalize_url(url: str, drop_params: Collection[str] = ()) -> str:
    """An article URL in one spelling: https, lowercase host without ``www.``, no fragment,
    no tracking or navigation parameters (nor the paper's ``drop_params``), remaining
    parameters sorted, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "http" and not is_loopback_host(parts.hostname):
        scheme = "https"
    host = (parts.hostname or "").lower().removeprefix("www.")
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    params = parse_qsl(parts.query)
    query = urlencode(sorted((k, v) for k, v in params if not is_tracking(k, v, drop_params)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def rebase(url: str, origin: str) -> str:
    """The same path and query on another origin (``scheme://host[:port]``)."""
    parts = urlsplit(url)
    base = urlsplit(origin)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))


def is_loopback_host(host: str | None) -> bool:
    """The host is this machine: localhost, ::1 or anywhere in 127.0.0.0/8."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False
