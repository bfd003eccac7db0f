"""One article page's HTML in, one :class:`~transforms.models.Article` out.

The page is parsed once. Title, publication time, author and lead are read from the page's
own metadata and the elements around its title; the lead is then taken out of the tree, the
DOM-level boilerplate (captions, related and promo boxes, a layout's ``drop`` list) is
removed, and the body is extracted: from the layout's body container when a layout matches,
else by trafilatura over the pruned page. Text-level rules (:mod:`transforms.boilerplate`)
then drop captions, bylines, link lists and widgets that survive.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date, datetime
from functools import lru_cache

import trafilatura
from lxml.etree import Element
from lxml.html import HtmlElement

from registry.layout import PageLayout
from transforms import boilerplate as bp
from transforms.canonical import resolve_canonical
from transforms.dom import (
    PAGE_CHROME,
    DocIndex,
    class_id,
    contains,
    has_text,
    in_foreign_context,
    in_page_chrome,
    is_hidden,
    select,
    select_first,
    short_text,
    text_of,
)
from transforms.htmlparse import repair_html
from transforms.htmltext import Paragraph, paragraphs
from transforms.models import Article
from transforms.nfc import to_nfc
from transforms.pagekind import kind_of_tree
from transforms.pagemeta import PageMeta, jsonld_names, read_page_meta, types_of
from transforms.pubdate import Window, publication_time

# --- data -------------------------------------------------------------------------------------

# class/id words of an element holding the lead (sapo).
LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sapo|summary|description|desc|lead|chapeau|excerpt|intro|tom-?tat|"
    r"tomtat|tom-?luoc|tomluoc|abstract)(?:$|[\s_-])"
)
# class/id words of a heading holding the title when the page has no <h1>.
TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|tieu-?de|tieude|headline)(?:$|[\s_-])")
# class/id words of an element holding the author's name.
AUTHOR_CLASS = re.compile(r"author|tac-?gia|byline|writer|reporter|nguoi-?viet")
# <meta> keys that may name the author.
AUTHOR_META_KEYS = ("author", "article:author", "dable:author", "dc.creator", "byl", "creator")
# Names that are the paper, not a person: "Báo Lào Cai điện tử", "Cổng thông tin ...".
PAPER_NAME = re.compile(
    r"^(?:báo|tạp chí|đài|cổng thông tin|trang tin|truyền hình|thông tấn)\b|điện tử|online",
    re.IGNORECASE,
)
# A heading or <title> that only names the paper: "Báo Phú Yên Online", "Tạp chí X".
PAPER_OPENER = re.compile(
    r"^(?:báo|tạp chí|đài|cổng thông tin|trang tin|truyền hình|thông tấn)\s", re.IGNORECASE
)
PAPER_CLOSER = re.compile(r"(?:online|điện tử|\.vn|\.com)$", re.IGNORECASE)
# Author values to strip: "Tác giả: X", "Bởi X", "PV X".
AUTHOR_PREFIX = re.compile(r"^(?:tác giả|tg|bởi|by|phóng viên|pv|ctv)\s*[:.]?\s+", re.I)
# A lead that opens with the paper's tag: "(CTO) - ...", "(Baonghean) - ...".
PAPER_TAG = re.compile(r"^\([^()]{2,30}\)\s*[-–—]")
LONE_PAPER_TAG = re.compile(r"^\([^()]{2,30}\)\s*[-–—]?$")

# DOM-level boilerplate removed before extraction, wherever it sits.
CAPTION_CLASS = re.compile(
    r"caption|chu-?thich|chuthich|ghi-?chu-?anh|image[-_]?desc|photo[-_]?desc"
)
RELATED_BOX_CLASS = re.compile(
    r"(?:^|[\s_-])(?:related|relate|relates|lien-?quan|tinlienquan|xem-?them|xemthem|"
    r"doc-?them|readmore|read-more|more-?news|tin-?khac|news-?relation|box-?relation)"
    r"(?:$|[\s_-])"
)
AD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:ads?|adv|advert|advertisement|adsbygoogle|quang-?cao|quangcao|sponsor|"
    r"sponsored|banner)(?:$|[\s_-])"
)
MAX_AD_CHARS = 600
BOX_CLASS = re.compile(r"box|note|promo|quote|frame|khung|highlight|banner")
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
MAX_CAPTION_ELEMENT_CHARS = 500
MAX_IMAGE_TABLE_CHARS = 400
MAX_CHROME_CHARS = 300  # a furniture block with more text may wrap the article

# When is a page not an article?
MIN_TEXT_CHARS = 120  # lead + body: a two-sentence news brief still counts
MIN_HEADLINE_CHARS = 25  # a link this long, alone in its block, is a teaser headline
LISTING_SHARE = 0.5  # this share of the body in teasers of other articles -> a listing

LINK_LINE_RATIO = 0.8  # a paragraph this much in links is a link, not prose
# an opening paragraph with this share of the lead's words, and this share of its own words
# in the lead, repeats the lead
RESTATE_LEAD_SHARE = 0.9
RESTATE_TEXT_SHARE = 0.75


log = logging.getLogger(__name__)


class NotAnArticle(ValueError):
    """The page has no article text (a listing, an error or an empty page)."""


# --- entry point ------------------------------------------------------------------------------


def clean_article(
    html: str,
    url: str,
    layouts: Sequence[PageLayout] = (),
    *,
    site_origin: str | None = None,
    fetched_at: datetime | None = None,
    founded: date | None = None,
    drop_params: Collection[str] = (),
) -> Article:
    """Clean one article page. Raises :class:`NotAnArticle` when it has no article text.

    A page that :mod:`transforms.pagekind` is certain is not an article (a home, tag or
    search URL, no prose at all) is rejected before any extraction. A publication time
    more than a day after ``fetched_at`` or before the paper was ``founded`` is rejected for
    the next source; a declared canonical URL naming another article is not used; both are
    logged (warning). ``drop_params`` are the paper's query parameters that select nothing.
    """
    root = _parse(html)
    meta = read_page_meta(root)
    layout = choose_layout(root, layouts)
    if layout is None:
        kind = kind_of_tree(root, url, meta)
        if not kind.is_article and kind.certain:
            raise NotAnArticle(kind.reason)  # early and cheap: no trafilatura run
    index = DocIndex(root)

    title_el, title = find_title(root, meta, layout)
    when = publication_time(
        root,
        url,
        layout=layout,
        meta=meta,
        anchor=title_el,
        index=index,
        window=Window.of(fetched_at, founded),
    )
    published = when.found
    for rejected in when.rejected:
        log.warning("%s: publication date rejected: %s", url, rejected)
    author = find_author(root, meta, layout, title_el, index, url)
    lead_el, lead = find_lead(root, meta, layout, title_el, index)

    # teasers are read before pruning, which removes headline cards
    teasers = None if (meta.is_article or layout is not None) else _teaser_texts(root)
    if lead_el is not None and not _holds_body(lead_el, layout):
        _remove(lead_el)
    prune(root, layout, keep=title_el)
    raw = extract_body(root, layout)
    body, byline = filter_paragraphs(raw, title=title, lead=lead, author=author)

    if lead is None and body and _is_lead(body[0], meta):
        lead, body = body[0], body[1:]
    author = author or byline
    text = "\n".join(body)
    if not body or len(text) + len(lead or "") < MIN_TEXT_CHARS:
        raise NotAnArticle(f"no article text ({len(text)} characters of body)")
    if teasers is not None:
        if title_el is None:
            raise NotAnArticle("no article markup and no title heading")
        if _looks_like_listing(teasers, [lead or "", *body]):
            raise NotAnArticle("the text is teasers of other articles (a listing page)")

    declared = (meta.canonical, meta.get("og:url"))
    canonical = resolve_canonical(url, declared, site_origin, title=title, drop_params=drop_params)
    if canonical.distrusted:
        log.warning("%s: %s", url, canonical.distrusted)
    return Article(
        url=canonical.url,
        title=title,
        published=published.value if published else None,
        published_source=published.source if published else None,
        author=author,
        lead=lead,
        body=text,
    )


def _parse(html: str) -> HtmlElement:
    if not isinstance(html, str):
        raise TypeError("clean_article takes decoded text (response.text), not bytes")
    html = to_nfc(html)
    root = trafilatura.load_html(repair_html(html)) if html.strip() else None
    if root is None:
        raise NotAnArticle("empty or unparseable HTML")
    _check_parsed_whole(html, root)
    return root


MANY_TAGS = 20_000  # below this many tags a page is not checked for a truncated parse


def _check_parsed_whole(html: str, root: HtmlElement) -> None:
    """Refuse a page the parser silently cut short: libxml2 stops at a nesting depth of a
    few hundred, and what is left (often the menu) must not pass for the article."""
    tags = html.count("<")
    if tags < MANY_TAGS:
        return
    elements = sum(1 for _ in root.iter())
    if elements < tags // 8:
        raise NotAnArticle(
            f"the parser kept {elements} of about {tags // 2} elements: markup nested too deep"
        )


def choose_layout(root: HtmlElement, layouts: Sequence[PageLayout]) -> PageLayout | None:
    """The first layout whose ``match`` selector is present in the page."""
    for layout in layouts:
        if select(root, layout.match):
            return layout
    return None


# --- title ------------------------------------------------------------------------------------


def find_title(
    root: HtmlElement, meta: PageMeta, layout: PageLayout | None
) -> tuple[HtmlElement | None, str | None]:
    """The title element (the anchor for nearby dates, leads, authors) and the title text.

    Headings in the page's furniture (logo, menu, breadcrumb, category header) and headings
    that only name the paper ("Báo Phú Yên Online") are never the title.
    """
    if layout is not None:
        el = select_first(root, layout.title)
        if el is not None and text_of(el):
            return el, text_of(el)
    declared = [
        _strip_site_suffix(name, meta)
        for name in (
            _ld_text(meta, "headline"),
            _ld_text(meta, "name"),
            meta.get("og:title"),
            meta.get("twitter:title"),
        )
        if name and not is_paper_name(name, meta)
    ]
    headings = [
        h
        for h in root.iter("h1")
        if text_of(h) and not in_foreign_context(h, by_class=False) and not _is_chrome(h, meta)
    ]
    for heading in headings:
        text = text_of(heading)
        if any(_same_start(text, name) for name in declared):
            return heading, text
    if declared:
        return _element_with_text(root, declared[0]), declared[0]
    # every <title>: a nested document keeps the article's own title in the second one
    page_titles = [
        title
        for el in root.iter("title")
        if (title := _strip_site_suffix(bp.normalize_text(el.text_content()), meta))
        and not is_paper_name(title, meta)
    ]
    titled = [
        el
        for el in root.iter("h1", "h2", "h3")
        if (el.tag == "h1" or TITLE_CLASS.search(class_id(el)))
        and len(text_of(el).split()) >= 3
        and not in_foreign_context(el, by_class=False)
        and not _mostly_link(el)
        and not _is_chrome(el, meta)
    ]
    for page_title in page_titles:
        for el in titled:
            if _same_start(text_of(el), page_title):
                return el, text_of(el)
    if titled:
        return titled[0], text_of(titled[0])
    for page_title in page_titles:  # a title shown in a plain block ("div.detail-title")
        el = _element_with_text(root, page_title)
        if el is not None and not _is_chrome(el, meta):
            return el, text_of(el)
    return None, page_titles[0] if page_titles else None


def is_paper_name(text: str, meta: PageMeta) -> bool:
    """``text`` only names a newspaper: "Báo Phú Yên Online", "Báo Nghệ An", a site name."""
    words = text.split()
    if not words or len(words) > 7:
        return False
    if any(_fold(text) == _fold(name) for name in meta.site_names):
        return True
    if not PAPER_OPENER.match(text):
        return False
    tail = words[1:]
    return bool(PAPER_CLOSER.search(text)) or all(_capitalised(w) for w in tail)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _is_chrome(heading: HtmlElement, meta: PageMeta) -> bool:
    return in_page_chrome(heading) or is_paper_name(text_of(heading), meta)


def _mostly_link(el: HtmlElement) -> bool:
    linked = sum(len(text_of(a)) for a in el.iter("a"))
    return linked >= 0.5 * max(len(text_of(el)), 1)


def _ld_text(meta: PageMeta, key: str) -> str | None:
    value = meta.article.get(key) if meta.article else None
    return bp.normalize_text(value) if isinstance(value, str) and value.strip() else None


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=1024)
def _fold(text: str) -> str:
    """Casefolded words only; cached, as a title or lead is compared with every paragraph."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _same_start(a: str, b: str) -> bool:
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return False
    return fa == fb or (min(len(fa), len(fb)) >= 20 and (fa.startswith(fb) or fb.startswith(fa)))


def _strip_site_suffix(title: str, meta: PageMeta) -> str:
    parts = re.split(r"\s+[|–—-]\s+", title)
    if len(parts) > 1:
        last = _fold(parts[-1])
        if any(last and (last in _fold(n) or _fold(n) in last) for n in meta.site_names):
            return " - ".join(parts[:-1]).strip()
    return title.strip()


def _element_with_text(root: HtmlElement, text: str) -> HtmlElement | None:
    """A heading-like element showing ``text`` (the anchor when no h1 matched)."""
    limit = 2 * len(text) + 40
    for el in root.iter("h1", "h2", "div", "p", "span"):
        if (
            el.text
            and (shown := short_text(el, limit))
            and _same_start(shown, text)
            and not in_foreign_context(el, by_class=False)
        ):
            return el
    return None


# --- author -----------------------------------------------------------------------------------


def find_author(
    root: HtmlElement,
    meta: PageMeta,
    layout: PageLayout | None,
    anchor: HtmlElement | None,
    index: DocIndex,
    url: str = "",
) -> str | None:
    """The author from the layout, JSON-LD, ``<meta>`` or an author element near the title."""
    host = re.sub(r"^https?://(www\.)?", "", url).split("/", 1)[0]
    candidates: list[str] = []
    if layout is not None:
        el = select_first(root, layout.author)
        if el is not None:
            candidates.append(text_of(el))
    if meta.article is not None:
        value = meta.article.get("author")
        people = value if isinstance(value, list) else [value]
        for person in people:
            if isinstance(person, dict) and types_of(person) & {"Organization"}:
                continue
            candidates.extend(jsonld_names(person))
    candidates.extend(
        tag.content for key in AUTHOR_META_KEYS for tag in meta.all(key) if tag.in_head
    )
    for candidate in candidates:
        name = _clean_author(candidate, meta, host)
        if name:
            return name
    # last, and only when the page names no author otherwise: a walk of the whole page
    elements = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and AUTHOR_CLASS.search(class_id(el))
        and short_text(el, 60)
        and not in_foreign_context(el, anchor)
    ]
    nearest = index.nearest(elements, anchor)
    return None if nearest is None else _clean_author(text_of(nearest), meta, host)


def _clean_author(value: str, meta: PageMeta, host: str) -> str | None:
    name = AUTHOR_PREFIX.sub("", bp.normalize_text(value)).strip(" -–,.")
    if not name or len(name) > 80 or "://" in name or "@" in name:
        return None
    if PAPER_NAME.search(name):
        return None
    key = _fold(name).replace(" ", "")
    sites = [*meta.site_names, host.split(".")[0]]
    if any(key and (key in _fold(s).replace(" ", "") or _fold(s) == _fold(name)) for s in sites):
        return None
    return name


# --- lead -------------------------------------------------------------------------------------


def find_lead(
    root: HtmlElement,
    meta: PageMeta,
    layout: PageLayout | None,
    anchor: HtmlElement | None,
    index: DocIndex,
) -> tuple[HtmlElement | None, str | None]:
    """The lead (sapo) element and text: layout selector, a sapo-like class near the title,
    or the element near the title that shows the page's description."""
    if layout is not None:
        el = select_first(root, layout.lead)
        if el is not None and text_of(el):
            return el, text_of(el)
    if anchor is None:
        return None, None  # without the title's place, a sapo-like block may be a teaser's
    where = index.position(anchor)
    candidates = [
        el
        for el in root.iter("p", "div", "h2", "h3", "span", "section", "strong")
        if LEAD_CLASS.search(class_id(el))
        and index.position(el) > where
        and _lead_sized(el)
        and not in_foreign_context(el, anchor)
    ]
    el = index.nearest(candidates, anchor)
    if el is not None:
        return el, text_of(el)
    description = _description(meta)
    if description:
        limit = int(1.3 * len(description)) + 40
        shown = [
            (el, text)
            for el in root.iter("p", "div", "h2", "h3", "span", "strong")
            if 0 < index.position(el) - where <= 200
            and (text := short_text(el, limit))
            and _same_start(text, description)
        ]
        if shown:
            return shown[-1]  # the innermost of nested matches
    return None, None


def _lead_sized(el: HtmlElement) -> bool:
    text = text_of(el)
    if not 30 <= len(text) <= 1500:
        return False
    return sum(1 for d in el.iter("p", "div", "li") if d is not el) <= 2


def _description(meta: PageMeta) -> str | None:
    for value in (
        meta.get("og:description"),
        _ld_text(meta, "description"),
        meta.get("description"),
    ):
        if value and len(value) >= 30:
            return value
    return None


def _is_lead(paragraph: str, meta: PageMeta) -> bool:
    """The first body paragraph is the lead: it opens with the paper's tag or is the
    page's description."""
    if PAPER_TAG.match(paragraph):
        return True
    description = _description(meta)
    return bool(description) and _same_start(paragraph, description)


def _holds_body(el: HtmlElement, layout: PageLayout | None) -> bool:
    if layout is None:
        return False
    root = el.getroottree().getroot()
    return any(contains(el, body) for s in layout.body for body in select(root, s))


# --- DOM-level boilerplate --------------------------------------------------------------------


def _remove(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in the tree."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def prune(root: HtmlElement, layout: PageLayout | None, keep: HtmlElement | None = None) -> None:
    """Remove captions, related/promo boxes and the layout's ``drop`` elements, in place.

    Nothing holding ``keep`` (the title element) is removed.
    """
    doomed: list[HtmlElement] = []
    if layout is not None:
        for selector in layout.drop:
            doomed.extend(select(root, selector))
    for el in root.iter(Element):
        tag = el.tag
        names = class_id(el)
        if not names and tag not in _TAGS_JUDGED_WITHOUT_CLASS:
            continue  # most elements: no class, no id, nothing to judge (a hot loop)
        if (
            tag == "figcaption"
            or _is_caption_element(el, names)
            or _is_image_table(el)
            or _is_related_box(el, names)
            or _is_card_link(el)
            or _is_ad(el, names)
            or _is_promo_box(el, names)
            or _is_caption_after_image(el)
            or _is_chrome_box(el, names)
        ):
            doomed.append(el)
    for el in doomed:
        if keep is not None and contains(el, keep):
            continue
        if el.getparent() is not None:
            _remove(el)


# Elements that may be pruned without a class or id: the tags of the checks below that look
# at structure (a photo table, a card link, a caption after a photo, a <nav>).
_TAGS_JUDGED_WITHOUT_CLASS = frozenset(
    {"figcaption", "table", "a", "p", "div", "span", "em", "i", "nav"}
)


def _is_chrome_box(el: HtmlElement, names: str) -> bool:
    """A small logo, menu, breadcrumb or top-bar block (see :data:`transforms.dom.PAGE_CHROME`)."""
    if el.tag != "nav" and not PAGE_CHROME.search(names):
        return False
    return short_text(el, MAX_CHROME_CHARS) is not None


def _is_caption_element(el: HtmlElement, names: str) -> bool:
    if not CAPTION_CLASS.search(names):
        return False
    return short_text(el, MAX_CAPTION_ELEMENT_CHARS) is not None


def _is_image_table(el: HtmlElement) -> bool:
    """A table that only frames a photo and its caption."""
    if el.tag != "table" or el.find(".//img") is None or len(el.findall(".//tr")) > 3:
        return False
    return short_text(el, MAX_IMAGE_TABLE_CHARS) is not None


def _is_related_box(el: HtmlElement, names: str) -> bool:
    if not RELATED_BOX_CLASS.search(names):
        return False
    paras = paragraphs(el)
    if not paras:
        return True
    linked = sum(p.link_chars for p in paras)
    total = sum(len(p.text) for p in paras)
    return linked >= 0.3 * total or total <= 600


def _is_ad(el: HtmlElement, names: str) -> bool:
    if not AD_CLASS.search(names):
        return False
    return short_text(el, MAX_AD_CHARS) is not None


def _is_card_link(el: HtmlElement) -> bool:
    """A link wrapping a headline and summary: a card for another article."""
    if el.tag != "a" or not el.get("href"):
        return False
    return any(d.tag in HEADING_TAGS or d.tag in ("p", "div") for d in el.iterdescendants())


def _is_promo_box(el: HtmlElement, names: str) -> bool:
    if el.tag not in ("div", "aside", "section", "table", "blockquote"):
        return False
    if not BOX_CLASS.search(names):
        return False
    text = short_text(el, 1500)
    return text is not None and bp.is_promo(text[:800])


def _is_caption_after_image(el: HtmlElement) -> bool:
    """A short italic, centred or right-aligned paragraph right after a photo (no "Ảnh:"
    credit needed); a bold or name-only line there is a byline, not a caption.

    A long prose paragraph after a photo is article text (vtcnews puts every paragraph
    under a photo with an empty caption), so only short, styled text counts.
    """
    if el.tag not in ("p", "div", "span", "em", "i") or not _follows_image(el):
        return False
    text = short_text(el, 300)
    if not text or el.find(".//img") is not None:
        return False
    italic = _all_text_in(el, ("em", "i")) or "italic" in el.get("style", "")
    bold = _all_text_in(el, ("strong", "b"))
    aligned = _alignment(el) in ("center", "right")
    return italic or (aligned and not bold and len(text) <= 200 and not bp.is_name_line(text))


def _alignment(el: HtmlElement) -> str | None:
    """``center``, ``right``... from the ``align`` attribute or an inline ``text-align``."""
    match = re.search(r"text-align\s*:\s*(\w+)", el.get("style", ""), re.IGNORECASE)
    value = match.group(1) if match else el.get("align")
    return value.lower() if value else None


def _follows_image(el: HtmlElement) -> bool:
    previous = el.getprevious()
    while previous is not None and (
        not isinstance(previous.tag, str) or (previous.tag == "br" and not previous.tail)
    ):
        previous = previous.getprevious()
    if previous is None or (el.getparent() is not None and (el.getparent().text or "").strip()):
        return False
    if previous.tail and previous.tail.strip():
        return False
    return previous.tag == "img" or (previous.find(".//img") is not None and not has_text(previous))


def _all_text_in(el: HtmlElement, tags: tuple[str, ...]) -> bool:
    """All visible text of ``el`` sits inside one of ``tags`` (or ``el`` is one)."""
    if el.tag in tags:
        return True
    if (el.text or "").strip():
        return False
    for child in el:
        if not isinstance(child.tag, str) or is_hidden(child):
            continue
        if (child.tail or "").strip():
            return False
        if text_of(child) and not _all_text_in(child, tags):
            return False
    return True


# --- body -------------------------------------------------------------------------------------


def extract_body(root: HtmlElement, layout: PageLayout | None) -> list[Paragraph]:
    """Paragraphs of the layout's body container, else trafilatura's main text."""
    if layout is not None:
        for selector in layout.body:
            containers = select(root, selector)
            if containers:
                found = [p for c in containers for p in paragraphs(c)]
                if found:
                    return found
    document = trafilatura.bare_extraction(
        root,
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_images=False,
    )
    if document is None or document.body is None:
        return []
    return paragraphs(document.body)


def filter_paragraphs(
    found: list[Paragraph],
    *,
    title: str | None = None,
    lead: str | None = None,
    author: str | None = None,
) -> tuple[list[str], str | None]:
    """Apply the text-level rules; return the body paragraphs and a byline name, if any."""
    kept: list[str] = []
    in_related_list = False
    seen: set[str] = set()
    for paragraph in found:
        text = paragraph.text
        if in_related_list:
            if paragraph.link_ratio >= 0.5 or (len(text) <= 150 and text[-1:] not in '.!?…"'):
                continue
            in_related_list = False
        if bp.is_related_heading(text):
            in_related_list = True
            continue
        if paragraph.link_ratio >= LINK_LINE_RATIO and len(text) <= 250:
            continue
        if _repeats(text, title) or _repeats(text, lead) or LONE_PAPER_TAG.match(text):
            continue
        if len(kept) < 2 and _restates(text, lead):
            continue  # an opening paragraph that says the lead again in other words
        if bp.is_boilerplate(text):
            continue
        text = bp.split_glued_caption(text) or text
        key = _fold(text)
        if key in seen:
            continue
        seen.add(key)
        kept.append(text)
    return bp.strip_trailing_bylines(kept, author)


def _repeats(text: str, other: str | None) -> bool:
    """``text`` is ``other`` again, possibly without or with a "(Tag) -" prefix."""
    if not other:
        return False
    a, b = _fold(text), _fold(other)
    return (
        a == b
        or (len(a) >= 40 and b.endswith(a))
        or (len(b) >= 40 and a.endswith(b) and len(a) - len(b) < 40)
    )


def _restates(text: str, lead: str | None) -> bool:
    """``text`` holds nearly all of the lead's words and little else."""
    if not lead:
        return False
    ours, theirs = Counter(_words(text)), Counter(_words(lead))
    if not ours or not theirs:
        return False
    shared = sum((ours & theirs).values())
    return shared >= RESTATE_LEAD_SHARE * sum(
        theirs.values()
    ) and shared >= RESTATE_TEXT_SHARE * sum(ours.values())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# --- listings ---------------------------------------------------------------------------------


def _looks_like_listing(teasers: list[str], body: list[str]) -> bool:
    """Most of the body is summaries sitting beside headline links to other articles."""
    if not teasers:
        return False
    total = sum(len(p) for p in body)
    in_teasers = sum(len(p) for p in body if len(p) >= 40 and any(p in t for t in teasers))
    return in_teasers >= LISTING_SHARE * total


def _teaser_texts(root: HtmlElement) -> list[str]:
    """Texts of items holding a headline link to another page (a heading or a whole line)."""
    texts: list[str] = []
    for link in root.iter("a"):
        headline = text_of(link)
        if len(headline) < MIN_HEADLINE_CHARS:
            continue
        parent = link.getparent()
        standalone = parent is not None and (
            text_of(parent) == headline or parent.tag in HEADING_TAGS
        )
        if not (standalone or _is_card_link(link)):
            continue  # an inline link inside prose
        item = link
        for _ in range(4):
            item = item.getparent()
            if item is None:
                break
            text = text_of(item)
            if len(text) >= len(headline) + 40:
                if len(text) <= 1000:
                    texts.append(text)
                break
    return texts
