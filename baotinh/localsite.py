"""A saved copy of a paper's website, served on 127.0.0.1 for the demo and the tests.

URL → file: ``/`` → ``index.html``; ``/thoi-su`` → ``thoi-su/index.html`` (or
``thoi-su.html``); ``/thoi-su?page=2`` → ``thoi-su/page-2.html``; any other path → the file
of that name. Everything else is a 404. Faults can be injected per path (a list of statuses
served before the real page) and whole responses overridden, so tests can play a site that
refuses, fails or changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from baotinh.paths import REPO_ROOT

SAMPLE_SITES = REPO_ROOT / "tests" / "sample_site"

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class Canned:
    """A response served instead of a file."""

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
    """Serve ``root`` on ``127.0.0.1`` (a free port) while the context is open."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        if not root.is_dir():
            raise FileNotFoundError(f"no saved site at {root}")
        self.root = root.resolve()
        self.faults: dict[str, list[Canned]] = {}
        self.overrides: dict[str, Canned] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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

    def paths_hit(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def respond(self, target: str) -> Canned:
        """The response for a request target (path and query)."""
        with self._lock:
            queued = self.faults.get(target)
            if queued:
                return queued.pop(0)
        if target in self.overrides:
            return self.overrides[target]
        file = self.file_for(target)
        if file is None:
            return Canned(404, b"<html><body><h1>404</h1></body></html>")
        content_type = _CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        return Canned(200, file.read_bytes(), {"Content-Type": content_type})

    def file_for(self, target: str) -> Path | None:
        """The saved file that answers ``target``, if any (never outside ``root``)."""
        parts = urlsplit(target)
        relative = unquote(parts.path).strip("/")
        page = parse_qs(parts.query).get("page", [None])[0]
        candidates: Iterator[Path]
        if page is not None:
            candidates = iter([self.root / relative / f"page-{page}.html"])
        elif parts.query:
            candidates = iter([])
        elif not relative:
            candidates = iter([self.root / "index.html"])
        else:
            base = self.root / relative
            candidates = iter([base, base / "index.html", base.with_name(base.name + ".html")])
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and resolved.is_relative_to(self.root):
                return resolved
        return None

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)


def _handler_for(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "baotinh-localsite"

        def do_GET(self) -> None:
            canned = site.respond(self.path)
            agent = self.headers.get("User-Agent", "")
            site._record(Hit(self.path, agent, canned.status, time.monotonic()))
            self.send_response(canned.status, HTTPStatus(canned.status).phrase)
            for name, value in canned.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the hit list is the log

    return Handler
