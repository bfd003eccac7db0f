"""Cleaning the offline Báo Nghệ An sample site, checked against its expected.json.

Every article is cleaned twice: with the paper's layouts (registry/papers.toml) and
without any layout, as a paper with no layout yet would be. Both must give the same record.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest

from registry import get_site
from registry.families import ARTICLE_2019
from registry.families import SC_LONGFORM as LONGFORM
from tests.conftest import SAMPLE_SITE
from transforms.clean import NotAnArticle, choose_layout, clean_article

SITE = get_site("baonghean")

ROOT = SAMPLE_SITE / "baonghean"
EXPECTED_FILE = ROOT / "expected.json"
if not EXPECTED_FILE.is_file():
    pytest.skip("the Báo Nghệ An sample site is not present", allow_module_level=True)

EXPECTED = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
ARTICLES = {a["path"]: a for a in EXPECTED["articles"]}
LAYOUT_NAMES = {"current": LONGFORM.name, "2019": ARTICLE_2019.name}
MIRROR = "http://127.0.0.1:8123"
PAGE_SOURCES = {"json-ld", "meta", "time-element", "visible-text"}


def _page(path: str) -> str:
    return (ROOT / path.lstrip("/")).read_text(encoding="utf-8")


def _clean(path: str, with_layouts: bool):
    layouts = SITE.layouts if with_layouts else ()
    return clean_article(_page(path), MIRROR + path, layouts, site_origin=SITE.origin)


@pytest.fixture(params=[True, False], ids=["layouts", "generic"])
def with_layouts(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_sample_article(path: str, with_layouts: bool) -> None:
    expected = ARTICLES[path]
    article = _clean(path, with_layouts)
    assert article.url == expected["canonical"]
    assert article.title == expected["title"]
    if expected["published"] is None:
        assert article.published is None
    else:
        assert article.published == datetime.fromisoformat(expected["published"])
        assert (
            article.published.utcoffset()
            == datetime.fromisoformat(expected["published"]).utcoffset()
        )
        assert article.published_source in PAGE_SOURCES
    assert article.author == expected["author"]
    assert expected["lead_snippet"] in (article.lead or "")
    for snippet in expected["body_snippets"]:
        assert snippet in article.body
    shown = f"{article.title}\n{article.text}"
    for snippet in expected["absent_snippets"]:
        assert snippet not in shown
    for caption in expected.get("captions", []):
        assert caption not in shown
    if expected.get("byline"):
        assert expected["byline"] not in article.body


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_sample_article_keeps_every_figure_and_date(path: str) -> None:
    """Recall: the text the figures and dates are read from is all there."""
    expected = ARTICLES[path]
    article = _clean(path, with_layouts=False)
    for mention in [*expected.get("figures", []), *expected.get("dates", [])]:
        assert mention["text"] in article.text


@pytest.mark.parametrize("path", sorted(ARTICLES))
def test_sample_layouts_match_their_era(path: str) -> None:
    root = lxml.html.fromstring(_page(path))
    layout = choose_layout(root, SITE.layouts)
    assert layout is not None
    assert layout.name == LAYOUT_NAMES[ARTICLES[path]["layout"]]


def _listing_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.html") if p.name == "index.html" or "page-" in p.name)


@pytest.mark.parametrize("page", _listing_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_sample_listings_are_not_articles(page: Path, with_layouts: bool) -> None:
    layouts = SITE.layouts if with_layouts else ()
    with pytest.raises(NotAnArticle):
        clean_article(page.read_text(encoding="utf-8"), f"{MIRROR}/x", layouts)
