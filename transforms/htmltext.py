"""Turn an HTML (or trafilatura XML) subtree into paragraphs of text.

One paragraph per block element, list item or ``<br>``-separated line. Data tables become
one line per row with cells joined by :data:`CELL_SEPARATOR` (" | "; an empty inner cell is
kept so columns stay aligned, trailing empty cells are dropped); a table used for layout (one
cell per row, or cells holding several paragraphs) is read like any other container.
Each paragraph remembers how much of its text sat inside links, so link lists can be told
from prose.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement

from transforms.boilerplate import normalize_text
from transforms.dom import SKIPPED_TAGS, is_hidden, text_of

CELL_SEPARATOR = " | "

BLOCK_TAGS = frozenset(
    {
        # HTML
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
        "figcaption", "pre", "center", "address", "form", "details", "summary", "fieldset",
        "legend", "hr", "body", "html",
        # trafilatura's output XML
        "head", "list", "item", "quote", "row", "cell", "code", "graphic",
    }
)  # fmt: skip
BREAK_TAGS = frozenset({"br", "lb", "hr"})
LINK_TAGS = frozenset({"a", "ref"})
ROW_TAGS = frozenset({"tr", "row"})
CELL_TAGS = frozenset({"td", "th", "cell"})
# "head" is trafilatura's heading tag; the HTML document head is recognised by its parent.
IGNORED_TAGS = (SKIPPED_TAGS - {"head"}) | frozenset(
    {"button", "select", "option", "textarea", "input"}
)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text, the tag of the block it came from, and its characters in links."""

    text: str
    tag: str
    link_chars: int = 0

    @property
    def link_ratio(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


class _Walker:
    def __init__(self) -> None:
        self.out: list[Paragraph] = []
        self._pieces: list[str] = []
        self._link_chars = 0
        self._tag = "p"

    def add(self, text: str, tag: str, in_link: bool) -> None:
        if not self._pieces:
            self._tag = tag
        self._pieces.append(text)
        if in_link:
            self._link_chars += len(normalize_text(text))

    def flush(self) -> None:
        text = normalize_text("".join(self._pieces))
        if text:
            self.out.append(Paragraph(text, self._tag, min(self._link_chars, len(text))))
        self._pieces, self._link_chars = [], 0

    def walk(self, el: HtmlElement, block_tag: str, in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in IGNORED_TAGS or is_hidden(el):
            return
        if tag == "head" and getattr(el.getparent(), "tag", None) == "html":
            return
        if tag in BREAK_TAGS:
            self.flush()
            return
        if tag in ("table",) and _is_data_table(el):
            self.flush()
            self._table(el)
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            self.flush()
            block_tag = tag
        in_link = in_link or tag in LINK_TAGS
        if el.text:
            self.add(el.text, block_tag, in_link)
        for child in el:
            self.walk(child, block_tag, in_link)
            if child.tail:
                self.add(child.tail, block_tag, in_link)
        if is_block:
            self.flush()

    def _table(self, table: HtmlElement) -> None:
        for row in _rows(table):
            cells = [text_of(cell) for cell in row if cell.tag in CELL_TAGS]
            while cells and not cells[-1]:
                cells.pop()  # trailing empty cells; inner ones stay to keep the columns
            line = CELL_SEPARATOR.join(cells).strip()
            if line.strip(" |"):
                self.out.append(Paragraph(line, "tr"))


def _rows(table: HtmlElement) -> list[HtmlElement]:
    rows = []
    for el in table.iter():
        if el.tag in ROW_TAGS:
            owner = el.getparent()
            while owner is not None and owner.tag not in ("table",):
                owner = owner.getparent()
            if owner is table:
                rows.append(el)
    return rows


def _is_data_table(table: HtmlElement) -> bool:
    """At least two rows with two or more non-empty cells, and no cell holding paragraphs."""
    wide_rows = 0
    for row in _rows(table):
        cells = [c for c in row if c.tag in CELL_TAGS]
        for cell in cells:
            if any(d.tag in ("table", "p", "div", "ul", "ol", "br") for d in cell.iter()):
                blocks = sum(1 for d in cell.iter() if d.tag in ("p", "div", "li", "br"))
                if blocks > 1 or cell.find(".//table") is not None:
                    return False
        if sum(1 for c in cells if text_of(c)) >= 2:
            wide_rows += 1
    return wide_rows >= 2


def paragraphs(el: HtmlElement) -> list[Paragraph]:
    """The paragraphs of a subtree, in document order."""
    walker = _Walker()
    walker.walk(el, "p", False)
    walker.flush()
    return walker.out
