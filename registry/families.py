"""What Vietnamese newspaper sites have in common, written once for every paper.

URL-shape families (from the desk research in ``shared/provincial_papers.md``): a path that
matches one is taken for an article, before the page itself confirms it. CMS families bundle
the shapes and, where real pages were read, the markup of one content-management system that
several papers share. A paper names its family in the registry; a paper with no family is
recognised by every shape.
"""

from __future__ import annotations

import re
from functools import cache

from registry.layout import PageLayout

_SLUG3 = r"[a-z0-9]+(?:-[a-z0-9]+){2,}"  # at least three words: not a category name
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SEG = r"[a-z0-9][a-z0-9-]*"

# name → regexes searched in the URL path (with ``?query`` when it has one), lowercased.
URL_SHAPES: dict[str, tuple[str, ...]] = {
    # /<cat>[/<sub>]/<YYYYMM>/<slug>-<id>/ , old "channel" CMS, and /<cat>/<YYYYMM>/<slug>/
    "date-in-path": (
        rf"^/(?:{_SEG}/){{1,2}}(?:19|20)\d\d[01]\d/{_SLUG}-[0-9a-f]{{5,}}/?(?:index\.html?)?$",
        rf"^/channel/\d+/(?:19|20)\d\d[01]\d/{_SLUG}-\d{{4,}}/?$",
        rf"^/{_SEG}/(?:19|20)\d\d[01]\d/{_SLUG3}/?$",
    ),
    "post-id": (rf"^/(?:{_SEG}/)*{_SLUG}-post\d{{3,}}\.html$", r"-postid\d{3,}\.bbg$"),
    # a title opening or closing with punctuation ("[INFOGRAPHICS] …", "…!") leaves a leading
    # dash or a double dash before the id: /-infographics-…-a196544.html, /…-cho--a230569.html
    "a-id": (
        rf"^/(?:{_SEG}/)*-?{_SLUG}-{{1,2}}a\d{{3,}}\.html$",
        rf"^/(?:{_SEG}/)*-?{_SLUG}-{{1,2}}ar\d{{3,}}\.html$",
    ),
    # /<slug>-<id>.html at the root or under one or two categories
    "root-id": (rf"^/(?:{_SEG}/){{0,2}}{_SLUG3}-\d{{4,}}\.html$",),
    "htm-id": (
        rf"^/(?:{_SEG}/){{0,2}}{_SLUG3}-\d{{4,}}\.htm$",
        rf"^/{_SEG}/{_SLUG3}/\d{{4,}}\.htm$",
    ),
    "id-in-path": (
        rf"^/(?:tin-tuc|news)/\d+/\d{{3,}}/{_SLUG3}/?$",
        rf"^/tin-tuc/{_SEG}/\d{{3,}}/{_SLUG3}/?$",
        rf"^/bg/{_SEG}/\d{{3,}}/{_SLUG3}\.html$",
    ),
    "timestamp": (rf"^/{_SLUG}/d(?:19|20)\d{{15}}\.htm$", rf"^/{_SLUG3}-(?:19|20)\d{{13}}\.html$"),
    "legacy": (
        r"^/viewer\.aspx\?(?:.*&)?mabb=\d+",
        rf"^/(?:{_SEG}/)?{_SLUG3}-\d{{3,}}\.aspx$",
        rf"^/news/\d+p\d+c\d+/{_SLUG}\.htm$",
        rf"^/web/[a-z]+/news/-/details/\d+/{_SLUG3}$",
    ),
}

# Paths that are never articles, whatever shape they have: tags, topics, media, search,
# feeds, paginated listings.
NOT_ARTICLE = re.compile(
    r"-tag\d+\.html$|-ptag\.html$|-event\d+\.html$|/(?:tag|tags|tu-khoa|chu-de|topic|"
    r"tim-kiem|search|rss|feed|video|videos|photo|podcast|emagazine-list|infographic-list)"
    r"(?:/|\.|$)|/(?:page|trang)-?\d+(?:\.html?)?/?$|\.(?:jpe?g|png|gif|webp|pdf|mp4|xml|rss)$"
)

# The markup of CMS families whose real pages were read (see docs/decisions.md).
SC_LONGFORM = PageLayout(
    name="sc-longform",
    match="article.entry, .sc-longform-header-title",
    title=(".sc-longform-header-title", "h1"),
    lead=(".sc-longform-header-sapo",),
    body=("article.entry", "div.entry.entry-no-padding"),
    published=(),  # JSON-LD is right; its article:published_time is US month-first
    author=(".sc-longform-header-author",),
    drop=(".sc-related-articles", ".sc-longform-header", ".sc-empty-layer"),
)
CMS_POST = PageLayout(
    name="cms-post",
    match="div.zce-content-body, div.cms-body",
    title=("h1.cms-title", "h1.article__title"),
    lead=("div.cms-desc", "div.article__sapo"),
    body=("div.cms-body", "div.zce-content-body"),
    published=("div.article__meta time[datetime]",),
    author=(),
    drop=("div.article__tags",),
)
CONTENT_FCK = PageLayout(
    name="content-fck",
    match="#newscontents .content-fck",
    title=("#newscontents h1", "h1.name"),
    lead=("div.sapo", "p.sapo"),
    body=("#newscontents .content-fck",),
    published=("span.pubdate", "div.pubdate"),
)
# The 2019-2023 markup of baonghean.vn as its redesign mock-ups show it (unverified live).
ARTICLE_2019 = PageLayout(
    name="article-2019",
    match="h1.article__title",
    title=("h1.article__title",),
    lead=("div.article__summary",),
    body=("div.article__content",),
    published=("div.article__meta time[datetime]",),
    author=("p.article__author",),
    drop=(".article__tag", ".related-news"),
)
LAYOUTS: dict[str, PageLayout] = {
    layout.name: layout for layout in (SC_LONGFORM, CMS_POST, CONTENT_FCK, ARTICLE_2019)
}

# CMS family → (URL shapes it uses, layouts of its known markup).
CMS_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sc-longform": (("root-id", "post-id"), ("sc-longform",)),
    "cms-post": (("post-id",), ("cms-post",)),
    "content-fck": (("a-id",), ("content-fck",)),
}


@cache
def _compiled(shape: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in URL_SHAPES[shape])


def shapes_of(family: str | None) -> tuple[str, ...]:
    """The URL shapes of a family name (a CMS family or a single shape); all when None."""
    if family is None:
        return tuple(URL_SHAPES)
    if family in CMS_FAMILIES:
        return CMS_FAMILIES[family][0]
    if family in URL_SHAPES:
        return (family,)
    raise ValueError(f"unknown family {family!r}; known: {', '.join(known_families())}")


def known_families() -> list[str]:
    return sorted({*URL_SHAPES, *CMS_FAMILIES})


def matches_shape(path: str, shapes: tuple[str, ...]) -> bool:
    """True when ``path`` (with its query, lowercased) has one of the article shapes."""
    path = path.lower()
    if NOT_ARTICLE.search(path.split("?", 1)[0]):
        return False
    return any(p.search(path) for shape in shapes for p in _compiled(shape))
