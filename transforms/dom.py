"""Small helpers over a parsed lxml HTML tree, shared by the cleaning stages.

No I/O and no extraction policy here: selecting, reading text, recognising the page's own
article region versus teasers of other articles, and document-order distances.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lxml.cssselect import CSSSelector
from lxml.etree import XPath
from lxml.html import HtmlElement

from transforms.boilerplate import normalize_text

SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title"})

# class/id words of containers that hold other articles or page furniture, never the
# article's own title, date or author.
FOREIGN_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:related|relate|lien-?quan|lienquan|sidebar|side-bar|aside|footer|"
    r"comment|comments|binh-?luan|most-?view|mostview|most-?read|popular|trending|"
    r"recommend|recommendation|suggest|readmore|read-more|tin-?khac|same-?cate|"
    r"cung-?chuyen-?muc|box-?news|news-?list|list-?news|listing|widget|banner|menu|nav)"
    r"(?:$|[\s_-])",
)
FOREIGN_TAGS = frozenset({"aside", "footer", "nav"})
# class/id words of the page's own furniture: logo, menus, breadcrumbs, category headers and
# the top bar with its clock and weather. A heading or date inside them is not the article's.
PAGE_CHROME = re.compile(
    r"(?:^|[\s_-])(?:logo|brand|site-?name|site-?title|top-?bar|header-?top|top-?header|"
    r"menu|main-?menu|navbar|navigation|breadcrumbs?|bread-?crumbs?|titlecate|title-?cate|"
    r"cate-?title|cat-?title|category-?title|clock|today|current-?date|"
    r"weather|thoi-?tiet|ngay-?hom-?nay)(?:$|[\s_-])"
)


@lru_cache(maxsize=512)
def css(selector: str) -> CSSSelector:
    """A compiled CSS selector (cached: layouts reuse the same few selectors)."""
    return CSSSelector(selector)


@lru_cache(maxsize=64)
def xpath(expression: str) -> XPath:
    return XPath(expression)


def select(root: HtmlElement, selector: str) -> list[HtmlElement]:
    """Elements matching a CSS selector, or an XPath expression when it starts with "/" or "("."""
    if selector.startswith(("/", "(", "./")):
        return [el for el in xpath(selector)(root) if isinstance(el, HtmlElement)]
    return css(selector)(root)


def select_first(root: HtmlElement, selectors: tuple[str, ...] | list[str]) -> HtmlElement | None:
    """The first element matched by the first selector that matches anything."""
    for selector in selectors:
        found = select(root, selector)
        if found:
            return found[0]
    return None


def iter_text(el: HtmlElement) -> Iterator[str]:
    """Text of an element and its descendants, skipping scripts and styles."""
    if not isinstance(el.tag, str):  # comments, processing instructions
        return
    if el.tag not in SKIPPED_TAGS and el.text:
        yield el.text
    if el.tag not in SKIPPED_TAGS:
        for child in el:
            yield from iter_text(child)
            if child.tail:
                yield child.tail


def text_of(el: HtmlElement) -> str:
    """Normalised visible text of an element."""
    return normalize_text("".join(iter_text(el)))


def short_text(el: HtmlElement, limit: int) -> str | None:
    """Normalised text of ``el`` when it has at most ``limit`` raw characters, else None.

    Stops reading as soon as the limit is passed, so it is cheap on large containers.
    """
    pieces, size = [], 0
    for piece in iter_text(el):
        size += len(piece)
        if size > 2 * limit + 200:  # raw text carries indentation; leave room for it
            return None
        pieces.append(piece)
    text = normalize_text("".join(pieces))
    return text if len(text) <= limit else None


def has_text(el: HtmlElement) -> bool:
    """True when the element shows any non-blank text."""
    return any(piece.strip() for piece in iter_text(el))


def class_id(el: HtmlElement) -> str:
    """The element's class and id, lowercased, space-separated."""
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:  # most elements: skip the formatting (a hot path of pruning)
        return ""
    return f"{cls or ''} {ident or ''}".lower().strip()


def is_hidden(el: HtmlElement) -> bool:
    """Hidden by attribute, inline style or a conventional class."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    words = set(el.get("class", "").lower().split())
    return bool(words & {"hide", "hidden", "d-none", "sr-only", "visually-hidden"})


def contains(ancestor: HtmlElement, el: HtmlElement | None) -> bool:
    """True when ``el`` is ``ancestor`` or inside it."""
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def in_foreign_context(
    el: HtmlElement, anchor: HtmlElement | None = None, *, by_class: bool = True
) -> bool:
    """True when ``el`` sits in a teaser of another article, a sidebar, footer or related box.

    An ``<article>`` or ``<a>`` ancestor that does not hold the page's title (``anchor``) is
    another article's teaser. With ``by_class`` false only tags count, not class names
    (VnExpress names its main column "sidebar-1", so class names cannot place the title).
    """
    node = el.getparent()
    while node is not None:
        tag = node.tag
        if tag in FOREIGN_TAGS or tag == "a":
            return True
        if tag == "article" and anchor is not None and not contains(node, anchor):
            return True
        if tag in ("body", "html"):
            return False
        if (
            by_class
            and FOREIGN_CONTAINER.search(class_id(node))
            and not (anchor is not None and contains(node, anchor))
        ):
            return True
        node = node.getparent()
    return False


def in_page_chrome(el: HtmlElement) -> bool:
    """True when ``el`` or an ancestor is page furniture (:data:`PAGE_CHROME`, ``<nav>``)."""
    node: HtmlElement | None = el
    while node is not None and node.tag not in ("body", "html"):
        if node.tag == "nav" or PAGE_CHROME.search(class_id(node)):
            return True
        node = node.getparent()
    return False


class DocIndex:
    """Document-order positions of a tree's elements, built on first use."""

    def __init__(self, root: HtmlElement) -> None:
        self.root = root
        self._positions: dict[HtmlElement, int] | None = None

    def position(self, el: HtmlElement) -> int:
        if self._positions is None:
            self._positions = {node: i for i, node in enumerate(self.root.iter())}
        return self._positions.get(el, -1)

    def nearest(
        self, candidates: list[HtmlElement], anchor: HtmlElement | None
    ) -> HtmlElement | None:
        """The candidate closest to ``anchor`` in document order (the first without anchor)."""
        if not candidates:
            return None
        if anchor is None:
            return candidates[0]
        where = self.position(anchor)
        return min(candidates, key=lambda el: abs(self.position(el) - where))
