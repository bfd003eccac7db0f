"""Parse a page's HTML into an lxml tree, after repairing markup that makes libxml2 lose text.

libxml2 stops building the tree at the first ``</html>`` (and a ``</body></html>`` pair):
a page served with a stray ``</html>`` right after its opening ``<html>`` tag parses as an
empty document, and a second document nested inside the body (``<html><head>…<body>…``)
ends the outer one early. Such end tags are dropped unless only other end tags, comments
and whitespace follow them; libxml2 closes the elements at the end of input anyway.
Nested ``<html>``/``<head>``/``<body>`` start tags are harmless: libxml2 ignores them and
keeps their content in place.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement, HTMLParser, fromstring

# same options as trafilatura's parser, so both see the same tree
PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_DOCUMENT_END = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
# what may follow the real end of a document: end tags, comments, whitespace
_TRAILER = re.compile(r"(?:\s|<!--.*?-->|</[a-zA-Z][\w:-]*\s*>)*\Z", re.DOTALL)
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>", re.IGNORECASE)
_ENCODING_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def repair_html(html: str) -> str:
    """``html`` without the ``</html>``/``</body>`` end tags that come before its end."""
    cuts = [m for m in _DOCUMENT_END.finditer(html) if not _TRAILER.match(html, m.end())]
    if not cuts:
        return html
    pieces, start = [], 0
    for match in cuts:
        pieces.append(html[start : match.start()])
        start = match.end()
    pieces.append(html[start:])
    return "".join(pieces)


def parse_html(html: str) -> HtmlElement | None:
    """The repaired page as an lxml tree, or None when there is nothing to parse.

    Used where trafilatura must not be imported (:mod:`transforms.pagekind`); the cleaner
    parses with trafilatura's loader after the same repair.
    """
    html = _ENCODING_DECLARATION.sub("", _DOCTYPE.sub("", repair_html(html), count=1), count=1)
    if not html.strip():
        return None
    for attempt in (html, _INVALID_XML.sub("", html)):
        try:
            return fromstring(attempt, parser=PARSER)
        except Exception:  # lxml raises assorted errors on control characters and junk
            continue
    return None
