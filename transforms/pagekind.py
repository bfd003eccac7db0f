"""Is a page an article? A cheap verdict from the HTML and the URL, before any extraction.

Used by the crawler (should this page be archived as an article?), the loader and at the top
of :func:`transforms.clean.clean_article`, so a listing, tag page or home page is rejected
in a few milliseconds without running trafilatura. Evidence, strongest first:

1. the page declares an article: a JSON-LD ``NewsArticle``/``Article`` object (not one
   inside an ``ItemList``) or a non-empty ``article:published_time``;
2. the URL is a home, tag, search or pagination address;
3. the text: prose paragraphs that are not teaser summaries beside a headline link, against
   headline links to other articles. ``og:type`` is only a hint: some papers set
   ``og:type=article`` on their home page.

The verdict is ``certain`` when it rests on the page's own declaration, its URL, a page with
no prose at all, or a little prose swamped by dozens of headline links; a non-certain "not
an article" lets the caller look closer (:func:`transforms.clean.clean_article` then runs
its full extraction and its own listing test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from transforms.dom import (
    in_foreign_context,
    in_page_chrome,
    text_of,
)
from transforms.htmlparse import parse_html
from transforms.pagemeta import PageMeta, read_page_meta, types_of

Kind = Literal["article", "listing", "home", "tag", "search", "empty"]

# JSON-LD types of a page that lists other pages.
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})
# First path segments of tag, topic, author and search pages.
TAG_SEGMENTS = frozenset(
    {"tag", "tags", "tu-khoa", "tukhoa", "topic", "topics", "chu-de", "tac-gia", "author"}
)
SEARCH_SEGMENTS = frozenset({"search", "tim-kiem", "timkiem"})
HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/trang-chu"})
# pagination: /trang-2.html, /trang2.html, /page/3, /p4, ?page=2
PAGINATION = re.compile(r"/(?:trang-?\d+|page/\d+|p\d+)(?:\.html?)?/?$|[?&](?:page|trang|p)=\d+")

MIN_HEADLINE_CHARS = 25  # a link this long, alone in its block, is a headline
MIN_PROSE_CHARS = 60  # a paragraph with this much text outside links may be prose
ARTICLE_PROSE_CHARS = 400  # this much prose outside teasers makes a body
MAX_TEASER_CHARS = 1000  # a block with more text is not one teaser
# a page with this many headline links, holding this many times more text than its prose
# (under ARTICLE_PROSE_CHARS), is surely a listing
MANY_HEADLINES = 20
HEADLINE_TO_PROSE = 10
NO_PROSE_CHARS = 120  # below this there is no article text at all (a two-sentence brief)
# candidates filtered by lxml in C: most elements are far too short to matter
_LONG_LINKS = XPath(f".//a[@href][string-length(normalize-space(.)) >= {MIN_HEADLINE_CHARS}]")
_TEXT_HOLDERS = XPath(".//text()[string-length(normalize-space(.)) >= 20]/..")
BLOCK_TAGS = frozenset(
    {"p", "div", "td", "th", "li", "dd", "section", "article", "main", "blockquote", "center"}
    | {"header", "footer", "aside", "nav", "h1", "h2", "h3", "h4", "h5", "h6", "body", "form"}
)
SKIP_TAGS = frozenset({"a", "script", "style", "noscript", "template", "button", "select"})
MIN_PROSE_WORDS = 10
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class PageKind:
    """The verdict, what kind of page it is, why, and whether the evidence is decisive."""

    is_article: bool
    kind: Kind
    reason: str
    certain: bool = True


@dataclass(frozen=True)
class TextShape:
    """How a page's text is spread: prose paragraphs versus headline links."""

    prose_chars: int
    prose_paragraphs: int
    headlines: int
    headline_chars: int


def page_kind(html: str, url: str = "") -> PageKind:
    """Classify a page from its HTML (decoded text) and URL. Pure; no trafilatura."""
    root = parse_html(html) if html and html.strip() else None
    if root is None:
        return PageKind(False, "empty", "empty or unparseable HTML")
    return kind_of_tree(root, url)


def kind_of_tree(root: HtmlElement, url: str = "", meta: PageMeta | None = None) -> PageKind:
    """Classify an already parsed page (``meta`` is read when not given)."""
    meta = meta if meta is not None else read_page_meta(root)
    if meta.article is not None:
        names = sorted(types_of(meta.article))
        return PageKind(True, "article", f"JSON-LD {'/'.join(names)}")
    if meta.get("article:published_time"):
        return PageKind(True, "article", "article:published_time")
    from_url = _kind_from_url(url)
    if from_url is not None:
        return from_url
    shape = text_shape(root)
    og_type = (meta.get("og:type") or "").lower()
    listing_ld = sorted({t for obj in meta.jsonld for t in types_of(obj)} & LISTING_TYPES)
    if shape.prose_chars < NO_PROSE_CHARS:
        reason = f"no prose ({shape.prose_chars} characters), {shape.headlines} headline links"
        if shape.headlines:
            return PageKind(False, "listing", f"a listing: {reason}")
        return PageKind(False, "empty", reason)
    summary = (
        f"{shape.prose_chars} characters of prose in {shape.prose_paragraphs} paragraphs, "
        f"{shape.headlines} headline links"
    )
    if listing_ld or og_type == "website":
        declared = f"JSON-LD {'/'.join(listing_ld)}" if listing_ld else "og:type=website"
        if shape.prose_chars < ARTICLE_PROSE_CHARS:
            return PageKind(False, "listing", f"a listing: {declared}, {summary}")
    if shape.prose_chars >= ARTICLE_PROSE_CHARS:
        hint = ", og:type=article" if og_type == "article" else ""
        return PageKind(True, "article", f"{summary}{hint}", certain=False)
    if _has_headline(root) and shape.prose_chars >= shape.headline_chars:
        return PageKind(True, "article", f"a headline and {summary}", certain=False)
    swamped = (
        shape.headlines >= MANY_HEADLINES
        and shape.headline_chars >= HEADLINE_TO_PROSE * shape.prose_chars
    )
    return PageKind(False, "listing", f"a listing: {summary}", certain=swamped)


def _kind_from_url(url: str) -> PageKind | None:
    if not url:
        return None
    parts = urlsplit(url)
    path = parts.path.lower()
    segments = [s for s in path.split("/") if s]
    query = f"?{parts.query}" if parts.query else ""
    if path in HOME_PATHS and not parts.query:
        return PageKind(False, "home", f"home page URL {path or '/'}")
    if segments and segments[0] in TAG_SEGMENTS:
        return PageKind(False, "tag", f"tag or topic URL /{segments[0]}/")
    if (segments and segments[0] in SEARCH_SEGMENTS) or "?q=" in query or "&q=" in query:
        return PageKind(False, "search", "search URL")
    if PAGINATION.search(path + query):
        return PageKind(False, "listing", "a listing: pagination URL")
    return None


def text_shape(root: HtmlElement) -> TextShape:
    """Prose paragraphs (outside teasers, sidebars, furniture) and headline links of a page."""
    body = root.find("body")
    scope = body if body is not None else root
    headline_links = [a for a in _LONG_LINKS(scope) if _is_headline_link(a)]
    teaser_items = {item for a in headline_links if (item := _teaser_item(a)) is not None}
    prose_chars = prose_paragraphs = 0
    for el in _prose_blocks(scope):
        text = _prose_text(el)
        if len(text) < MIN_PROSE_CHARS or not _is_sentence(text):
            continue
        if any(node in teaser_items for node in _self_and_ancestors(el, 4)):
            continue
        if in_foreign_context(el) or in_page_chrome(el):
            continue
        prose_chars += len(text)
        prose_paragraphs += 1
    return TextShape(
        prose_chars=prose_chars,
        prose_paragraphs=prose_paragraphs,
        headlines=len(headline_links),
        headline_chars=sum(len(_flat(a)) for a in headline_links),
    )


def _prose_blocks(scope: HtmlElement) -> list[HtmlElement]:
    """Blocks (``p``, ``div``, ``td``, ``li``...) holding a long text node, in any inline tag."""
    blocks: dict[HtmlElement, None] = {}
    for holder in _TEXT_HOLDERS(scope):
        block = holder
        while block is not None and block.tag not in BLOCK_TAGS:
            if block.tag == "a":
                break
            block = block.getparent()
        if block is not None and block.tag in BLOCK_TAGS:
            blocks[block] = None
    return list(blocks)


def _prose_text(el: HtmlElement) -> str:
    """The block's own text: inline tags included, links and nested blocks left out."""
    pieces: list[str] = []

    def walk(node: HtmlElement) -> None:
        pieces.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and child.tag not in BLOCK_TAGS | SKIP_TAGS:
                walk(child)
            pieces.append(child.tail or "")

    walk(el)
    return " ".join("".join(pieces).split())


def _flat(el: HtmlElement) -> str:
    """Whitespace-collapsed text of an element (lxml's, fast; scripts are rare here)."""
    return " ".join(el.text_content().split())


def _is_sentence(text: str) -> bool:
    """Prose, not a menu: enough words and some punctuation."""
    return len(text.split()) >= MIN_PROSE_WORDS and any(ch in text for ch in ".,;:!?")


def _is_headline_link(link: HtmlElement) -> bool:
    """A link to another page whose text is a headline standing alone in its block."""
    href = link.get("href")
    if not href or href.startswith(("#", "javascript")):
        return False
    text = _flat(link)
    if len(text) < MIN_HEADLINE_CHARS:
        return False
    parent = link.getparent()
    if parent is None:
        return False
    if parent.tag in HEADINGS or any(d.tag in HEADINGS for d in link.iterdescendants()):
        return True
    return len(_flat(parent)) <= len(text) + 2  # alone in its block


def _teaser_item(link: HtmlElement) -> HtmlElement | None:
    """The small block holding a headline link and its summary, if there is one."""
    size = len(_flat(link))
    node = link.getparent()
    for _ in range(4):
        if node is None or node.tag in ("body", "html"):
            return None
        raw = node.text_content()
        if len(raw) > 4 * MAX_TEASER_CHARS:
            return None
        chars = len(" ".join(raw.split()))
        if chars > MAX_TEASER_CHARS:
            return None  # an article body with a link in it, not a teaser
        if chars >= size + MIN_PROSE_CHARS:
            return node
        node = node.getparent()
    return None


def _self_and_ancestors(el: HtmlElement, levels: int) -> list[HtmlElement]:
    found = [el]
    node = el.getparent()
    while node is not None and len(found) <= levels and node.tag not in ("body", "html"):
        found.append(node)
        node = node.getparent()
    return found


def _has_headline(root: HtmlElement) -> bool:
    return any(
        len(text_of(h).split()) >= 4 and not in_page_chrome(h) and h.find(".//a") is None
        for h in root.iter("h1", "h2")
    )
