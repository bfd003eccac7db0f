"""What a page says about itself: ``<meta>`` tags, JSON-LD and ``<link rel=canonical>``.

Read once per page (:func:`read_page_meta`) and handed to the stages that need it (title,
date, author, canonical URL), like fundus parses JSON-LD and meta once per page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from transforms.boilerplate import normalize_text

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "Report",
    }
)
PUBLISHER_TYPES = frozenset({"Organization", "NewsMediaOrganization", "WebSite", "Corporation"})
# <meta> naming the site itself; their values are never an author.
SITE_NAME_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title", "publisher")

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True)
class MetaTag:
    key: str  # lowercased property, name or itemprop
    content: str
    in_head: bool
    element: HtmlElement


@dataclass(frozen=True)
class PageMeta:
    """Meta tags by key, JSON-LD objects, the article's JSON-LD object and the canonical link."""

    tags: tuple[MetaTag, ...] = ()
    jsonld: tuple[dict[str, Any], ...] = ()
    article: dict[str, Any] | None = None
    canonical: str | None = None
    site_names: tuple[str, ...] = field(default=())

    def get(self, *keys: str, head_only: bool = False) -> str | None:
        """The first non-empty content of the first key present (keys in priority order)."""
        for key in keys:
            for tag in self.tags:
                if tag.key == key and tag.content and (tag.in_head or not head_only):
                    return tag.content
        return None

    def all(self, key: str) -> list[MetaTag]:
        return [tag for tag in self.tags if tag.key == key and tag.content]

    @property
    def is_article(self) -> bool:
        """The page declares itself an article (JSON-LD type or ``article:published_time``)."""
        return self.article is not None or bool(self.get("article:published_time"))


def read_page_meta(root: HtmlElement) -> PageMeta:
    """Collect meta tags, JSON-LD objects and the canonical link of a parsed page."""
    head = root.find("head")
    tags: list[MetaTag] = []
    for el in root.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        content = normalize_text(content)
        in_head = head is not None and _inside(el, head)
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                tags.append(MetaTag(key.strip().lower(), content, in_head, el))
    objects = tuple(_jsonld_objects(root))
    article = _main_article(objects)
    canonical = None
    for link in root.iter("link"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    return PageMeta(
        tags=tuple(tags),
        jsonld=objects,
        article=article,
        canonical=canonical,
        site_names=_site_names(tags, objects),
    )


def _inside(el: HtmlElement, ancestor: HtmlElement) -> bool:
    node = el.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _jsonld_objects(root: HtmlElement) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _loads(script.text or "")
        if data is not None:
            _flatten(data, out)
    return out


def _loads(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    if not text:
        return None
    for attempt in (text, _CONTROL.sub(" ", _TRAILING_COMMA.sub(r"\1", text))):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def _flatten(data: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(data, list):
        for item in data:
            _flatten(item, out)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        out.append(data)
        if graph is not None:
            _flatten(graph, out)


def types_of(obj: dict[str, Any]) -> set[str]:
    """The schema.org types of a JSON-LD object (``@type`` may be a string or a list)."""
    value = obj.get("@type")
    if isinstance(value, str):
        return {value.rsplit("/", 1)[-1]}
    if isinstance(value, list):
        return {v.rsplit("/", 1)[-1] for v in value if isinstance(v, str)}
    return set()


def _main_article(objects: tuple[dict[str, Any], ...]) -> dict[str, Any] | None:
    for obj in objects:
        if types_of(obj) & ARTICLE_TYPES:
            return obj
    return None


def jsonld_names(value: Any) -> list[str]:
    """Names in a JSON-LD author/publisher value (a string, an object or a list of them)."""
    if isinstance(value, str):
        return [normalize_text(value)] if value.strip() else []
    if isinstance(value, dict):
        name = value.get("name")
        return [normalize_text(name)] if isinstance(name, str) and name.strip() else []
    if isinstance(value, list):
        return [name for item in value for name in jsonld_names(item)]
    return []


def _site_names(tags: list[MetaTag], objects: tuple[dict[str, Any], ...]) -> tuple[str, ...]:
    names = [tag.content for tag in tags if tag.key in SITE_NAME_KEYS and tag.content]
    for obj in objects:
        if types_of(obj) & PUBLISHER_TYPES:
            names.extend(jsonld_names(obj))
        names.extend(jsonld_names(obj.get("publisher")))
    return tuple(dict.fromkeys(n for n in names if n))
