"""A saved copy of a paper's website, served on a loopback address for the demo and the tests.

URL → file: ``/`` → ``index.html``; ``/thoi-su`` and ``/thoi-su/`` → ``thoi-su/index.html``
(or ``thoi-su.html``); ``/thoi-su?page=2`` → ``thoi-su/page-2.html`` (``?page=1`` is the
section itself when there is no ``page-1.html``); any other path → the file of that name.
Everything else is a 404. Files are served with ``ETag`` and ``Last-Modified`` and
conditional requests (``If-None-Match``, ``If-Modified-Since``) are answered with 304. Faults
can be injected per path (a list of statuses served before the real page) and whole
responses overridden, so tests can play a site that refuses, fails or changes.

The sample papers of ``samples/sites/<key>/`` (fictional, written for this project) are
served together by :func:`serve_samples`, each on its own loopback address.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SITES = REPO_ROOT / "tests" / "sample_site"  # the hand-written copy of baonghean.vn
SAMPLES_DIR = REPO_ROOT / "samples" / "sites"  # the fictional sample papers, one folder each

FIRST_SAMPLE_HOST = 11  # serve_samples puts the n-th sample paper (sorted) on 127.0.0.(11+n)

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


CUT = 0  # Canned.status of a fault that closes the connection without any answer


@dataclass
class Canned:
    """A response served instead of a file (status :data:`CUT`: no answer at all)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """One request the site received."""

    path: str
    user_agent: str
    status: int
    at: float  # time.monotonic() when it arrived


class LocalSite:
    """Serve ``root`` on a loopback ``host`` (default 127.0.0.1, any 127.x.y.z or ::1).

    ``port=0`` picks a free port. The server runs while the context is open.
    """

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if not root.is_dir():
            raise FileNotFoundError(f"no saved site at {root}")
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"{host} is not a loopback address")
        self.root = root.resolve()
        self.faults: dict[str, list[Canned]] = {}
        self.overrides: dict[str, Canned] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self._server = server_class((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail(self, path: str, *statuses: int, retry_after: int | None = None) -> None:
        """Answer the next requests for ``path`` with these statuses, then normally."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.faults.setdefault(path, []).extend(Canned(s, b"", dict(headers)) for s in statuses)

    def cut(self, path: str, times: int) -> None:
        """Close the connection without answering the next ``times`` requests for ``path``
        (a network failure, as a client sees it), then answer normally."""
        self.faults.setdefault(path, []).extend(Canned(CUT) for _ in range(times))

    def paths_hit(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def respond(self, target: str, request_headers: dict[str, str] | None = None) -> Canned:
        """The response for a request target (path and query) and its request headers."""
        with self._lock:
            queued = self.faults.get(target)
            if queued:
                return queued.pop(0)
        if target in self.overrides:
            return self.overrides[target]
        file = self.file_for(target)
        if file is None:
            return Canned(404, b"<html><body><h1>404</h1></body></html>")
        body = file.read_bytes()
        mtime = int(file.stat().st_mtime)
        headers = {
            "Content-Type": _CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
            "ETag": etag_of(body),
            "Last-Modified": formatdate(mtime, usegmt=True),
        }
        asked = {name.lower(): value for name, value in (request_headers or {}).items()}
        if _not_modified(asked, headers, mtime):
            return Canned(304, b"", headers)
        return Canned(200, body, headers)

    def file_for(self, target: str) -> Path | None:
        """The saved file that answers ``target``, if any (never outside ``root``)."""
        parts = urlsplit(target)
        relative = unquote(parts.path).strip("/")
        page = parse_qs(parts.query).get("page", [None])[0]
        candidates: list[Path]
        if page is not None:
            base = self.root / relative
            candidates = [base / f"page-{page}.html"]
            if page == "1":
                candidates += [base / "index.html", base.with_name(base.name + ".html")]
        elif parts.query:
            candidates = []
        elif not relative:
            candidates = [self.root / "index.html"]
        else:
            base = self.root / relative
            candidates = [base, base / "index.html", base.with_name(base.name + ".html")]
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and resolved.is_relative_to(self.root):
                return resolved
        return None

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def etag_of(body: bytes) -> str:
    """The strong entity tag the server sends for a file's bytes."""
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def _not_modified(request: dict[str, str], response: dict[str, str], mtime: int) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since."""
    if "if-none-match" in request:
        tags = {tag.strip().removeprefix("W/") for tag in request["if-none-match"].split(",")}
        return "*" in tags or response["ETag"] in tags
    if "if-modified-since" in request:
        try:
            since = parsedate_to_datetime(request["if-modified-since"]).timestamp()
        except (TypeError, ValueError):
            return False
        return mtime <= since
    return False


def sample_keys() -> list[str]:
    """The keys of the sample papers under :data:`SAMPLES_DIR`, sorted."""
    if not SAMPLES_DIR.is_dir():
        return []
    return sorted(p.name for p in SAMPLES_DIR.iterdir() if (p / "index.html").is_file())


def sample_host(key: str) -> str:
    """The loopback address a sample paper gets: 127.0.0.11 for the first key, and so on."""
    return f"127.0.0.{FIRST_SAMPLE_HOST + sample_keys().index(key)}"


@contextlib.contextmanager
def open_samples(
    keys: Iterable[str] | None = None, *, port: int = 0
) -> Iterator[dict[str, LocalSite]]:
    """Serve sample papers (all by default), each on its own loopback address.

    Each paper gets :func:`sample_host` (``127.0.0.11``, ``.12``, … in key order, stable
    whatever subset is asked for). Where such an address cannot be bound (some systems
    only route 127.0.0.1) the paper is served on 127.0.0.1 on a free port instead.
    """
    wanted = sample_keys() if keys is None else list(keys)
    known = sample_keys()
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise KeyError(f"no sample paper {', '.join(unknown)} under {SAMPLES_DIR}")
    with contextlib.ExitStack() as stack:
        sites: dict[str, LocalSite] = {}
        for key in wanted:
            root = SAMPLES_DIR / key
            try:
                site = LocalSite(root, host=sample_host(key), port=port)
            except OSError:
                site = LocalSite(root, host="127.0.0.1", port=0)
            sites[key] = stack.enter_context(site)
        yield sites


@contextlib.contextmanager
def serve_samples(keys: Iterable[str] | None = None, *, port: int = 0) -> Iterator[dict[str, str]]:
    """Serve sample papers (all by default) and yield ``{key: base_url}``.

    The base URL has no trailing slash, e.g. ``http://127.0.0.11:40123``.
    """
    with open_samples(keys, port=port) as sites:
        yield {key: site.url for key, site in sites.items()}


def _handler_for(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "baotinh-localsite"

        def do_GET(self) -> None:
            self._answer(with_body=True)

        def do_HEAD(self) -> None:
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            canned = site.respond(self.path, dict(self.headers.items()))
            agent = self.headers.get("User-Agent", "")
            site._record(Hit(self.path, agent, canned.status, time.monotonic()))
            if canned.status == CUT:
                self.close_connection = True
                return
            self.send_response(canned.status, HTTPStatus(canned.status).phrase)
            for name, value in canned.headers.items():
                self.send_header(name, value)
            if canned.status != 304:
                self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            if with_body and canned.status != 304:
                self.wfile.write(canned.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the hit list is the log

    return Handler
