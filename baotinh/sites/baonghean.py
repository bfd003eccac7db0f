"""Báo Nghệ An (baonghean.vn), the seed paper.

URL shapes by era: ``/<slug>-<6 digits>.html`` (2016-2020), ``/<slug>-post<id>.html``
(2022-2023), ``/<slug>-10<6 digits>.html`` (2024-). Editions in other languages live under
``/en /fr /ru /cn`` and are not provincial news.
"""

from baotinh.sites import Site
from transforms.layout import PageLayout

LONGFORM = PageLayout(
    name="sc-longform (2024-)",
    match="article.entry",
    title=(".sc-longform-header-title", "h1"),
    lead=(".sc-longform-header-sapo",),
    body=("article.entry",),
    published=('meta[property="article:published_time"]',),
    author=(".sc-longform-header-author", ".author"),
    drop=(".sc-related-articles", ".sc-longform-header", ".sc-empty-layer"),
)

ARTICLE_2019 = PageLayout(
    name="article__ (2019-2023)",
    match="h1.article__title",
    title=("h1.article__title",),
    lead=("div.article__summary",),
    body=("div.article__content",),
    published=("div.article__meta time[datetime]",),
    author=("p.article__author",),
    drop=(".article__tag", ".related-news"),
)

SITE = Site(
    key="baonghean",
    name="Báo Nghệ An",
    province="Nghệ An",
    domain="baonghean.vn",
    sections=(
        "/thoi-su",
        "/kinh-te",
        "/xa-hoi",
        "/phap-luat",
        "/quoc-te",
        "/xay-dung-dang",
        "/giao-duc",
        "/the-thao",
        "/suc-khoe",
    ),
    article_paths=(r"^/[a-z0-9-]+-(?:post)?\d{6,8}\.html$",),
    listing_links=".b-grid__title a[href], .b-grid__img a[href], h2.story__title a[href]",
    layouts=(LONGFORM, ARTICLE_2019),
    feeds=("/rss/home.rss",),
    deny_paths=("/en/", "/fr/", "/ru/", "/cn/", "/video", "/short-video", "/photo", "/podcast"),
    pagination="?page={n}",
)
