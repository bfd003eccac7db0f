"""Traps of real Vietnamese provincial pages, each reproduced by a small page written for
these tests (``tests/traps/``), cleaned on the generic path: no layout, no site selectors."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from transforms import boilerplate as bp
from transforms.clean import clean_article
from transforms.htmlparse import parse_html, repair_html
from transforms.models import Article
from transforms.pubdate import VN_TZ, parse_slash_datetime

TRAPS = Path(__file__).parent / "traps"
URLS = {
    "longform_us_meta": "https://baonghean.vn/thanh-chuong-cung-hoa-45-km-duong-lang-10230827.html",
    "zulu_jsonld": "https://baohatinh.vn/ha-tinh-thu-hoach-cam-bu-post230001.html",
    "nested_html": "https://phuyen.baodaklak.vn/2/281234/tuy-an-mo-lop-day-nghe-dan-lat/",
    "stray_close": "https://baotayninh.vn/tan-chau-dua-vao-su-dung-tram-bom-a140001.html",
    "breadcrumb_h1": "https://baocantho.com.vn/phong-dien-chom-chom-nghich-vu-a140002.html",
    "header_clock": "https://baoquangngai.vn/son-tinh-phat-trien-200-ha-lua-huu-co-3212345.htm",
}
CLOCK = datetime(2026, 12, 1).date()  # the top bar's "today" on several pages


def vn(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=VN_TZ)


def page(name: str) -> str:
    return (TRAPS / f"{name}.html").read_text(encoding="utf-8")


def clean(name: str, html: str | None = None) -> Article:
    return clean_article(page(name) if html is None else html, URLS[name])


def body_paragraphs(html: str) -> list[str]:
    """The <p> texts of the page's body container, as the gold reading of each trap page."""
    root = parse_html(html)
    container = root.xpath(
        "//*[@class='entry' or @id='content-detail' or @class='noidung' or @id='dcontent'"
        " or contains(@class, 'content-fck') or contains(@class, 'cms-body')]"
    )[0]
    return [bp.normalize_text(p.text_content()) for p in container.iter("p")]


def without(html: str, *patterns: str) -> str:
    for pattern in patterns:
        html, count = re.subn(pattern, "", html, flags=re.DOTALL)
        assert count, pattern
    return html


# --- every trap page, whole ---------------------------------------------------------------------

EXPECTED = {
    "longform_us_meta": ("Thanh Chương cứng hóa", vn(2021, 9, 11, 15, 29, 47), "Hoài Thu"),
    "zulu_jsonld": ("Hà Tĩnh thu hoạch", vn(2021, 9, 11, 15, 29, 47), None),
    "nested_html": ("Tuy An mở lớp", vn(2021, 9, 11, 15, 29), "Trần Quốc"),
    "stray_close": ("Tân Châu đưa vào", vn(2021, 9, 11, 15, 29), "Ngọc Hân"),
    "breadcrumb_h1": ("Phong Điền vào mùa", vn(2021, 9, 11, 15, 29), "Bảo Ngọc"),
    "header_clock": ("Sơn Tịnh phát triển", vn(2021, 9, 11), None),
}
# what each page's body container holds besides article prose, which must not be kept
NOT_BODY = {
    "longform_us_meta": [],
    "zulu_jsonld": ["Theo TTXVN"],
    "nested_html": ["Học viên thực hành đan giỏ", "Trần Quốc"],
    "stray_close": ["(BTN) - Trạm bơm mới", "Ngọc Hân"],
    "breadcrumb_h1": ["(CTO) - Những ngày này", "Bảo Ngọc"],
    "header_clock": ["Theo Báo Quân đội nhân dân"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_trap_page(name: str) -> None:
    title, published, author = EXPECTED[name]
    html = page(name)
    article = clean(name)
    assert article.title.startswith(title)
    assert article.published == published
    assert article.published.utcoffset() == published.utcoffset()
    assert article.author == author
    assert bool(article.lead) is (name != "header_clock")  # that page has no sapo
    gold = [p for p in body_paragraphs(html) if not p.startswith(tuple(NOT_BODY[name]))]
    assert article.body.split("\n") == [p for p in gold if p]
    assert "01/12/2026" not in article.text


# --- 1. a month-first US <meta> -----------------------------------------------------------------

NO_JSONLD = r'<script type="application/ld\+json">.*?</script>'
NO_DATELINE = r'<span class="sc-longform-header-date[^>]*>.*?</span>'
NO_ZULU = r'<meta itemprop="dateCreated"[^>]*>'


def test_us_meta_agrees_with_the_visible_dateline() -> None:
    article = clean("longform_us_meta", without(page("longform_us_meta"), NO_JSONLD, NO_ZULU))
    assert article.published.replace(second=0) == vn(2021, 9, 11, 15, 29)


def test_us_meta_alone_is_read_month_first() -> None:
    html = without(page("longform_us_meta"), NO_JSONLD, NO_DATELINE, NO_ZULU)
    article = clean("longform_us_meta", html)
    assert (article.published, article.published_source) == (vn(2021, 9, 11, 15, 29, 47), "meta")


def test_a_day_first_dateline_beats_a_disagreeing_locale_meta() -> None:
    html = without(page("longform_us_meta"), NO_JSONLD, NO_ZULU).replace(
        "9/11/2021 3:29:47 PM", "11/9/2021 15:29:47"
    )
    assert clean("longform_us_meta", html).published.date() == vn(2021, 9, 11).date()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/11/2021 3:29:47 PM", vn(2021, 9, 11, 15, 29, 47)),
        ("12/1/2021 12:05:00 AM", vn(2021, 12, 1, 0, 5)),
        ("11/09/2021 15:29", vn(2021, 9, 11, 15, 29)),  # no AM/PM: Vietnamese day first
        ("9/28/2021 08:00", vn(2021, 9, 28, 8, 0)),  # only month first is a real date
    ],
)
def test_parse_slash_datetime(text: str, expected: datetime) -> None:
    assert parse_slash_datetime(text) == (expected, True)


# --- 2. a local time labelled Z -----------------------------------------------------------------


def test_zulu_stamp_with_the_same_wall_clock_dateline_is_local() -> None:
    article = clean("zulu_jsonld")
    assert (article.published, article.published_source) == (vn(2021, 9, 11, 15, 29, 47), "json-ld")


def test_zulu_stamp_alone_is_utc() -> None:
    html = without(page("zulu_jsonld"), r'<div class="article__meta">.*?</div>')
    assert clean("zulu_jsonld", html).published == vn(2021, 9, 11, 22, 29, 47)


# --- 3, 4, 5. the wrong <h1>, a nested document, a stray </html> --------------------------------


def test_logo_heading_and_nested_document() -> None:
    article = clean("nested_html")
    assert article.title == "Tuy An mở lớp dạy nghề đan lát cho phụ nữ nông thôn"
    assert article.lead.startswith("Hơn 40 chị em")
    assert "Báo Phú Yên" not in article.text


def test_category_breadcrumb_heading_is_not_the_title() -> None:
    article = clean("breadcrumb_h1")
    assert article.title == "Phong Điền vào mùa thu hoạch chôm chôm nghịch vụ"
    assert "Kinh tế - Thị trường" not in article.text


def test_stray_end_tag_after_the_opening_html_tag() -> None:
    html = page("stray_close")
    assert '<html lang="vi"></html>' in html
    assert "</html>" not in repair_html(html)[:100]
    article = clean("stray_close")
    assert article.title == "Tân Châu đưa vào sử dụng trạm bơm tưới 500 ha mía"
    assert "12 tỷ đồng" in article.body


def test_repair_keeps_well_formed_pages() -> None:
    html = "<html><body><p>Một.</p></body></html>\n<!-- cache -->\n"
    assert repair_html(html) == html


# --- 6. the top bar's clock ---------------------------------------------------------------------


def test_header_clock_is_not_the_date_when_there_is_no_dateline() -> None:
    html = without(page("header_clock"), r'<div class="info">.*?</div>')
    published = clean("header_clock", html).published
    assert published is None or published.date() != CLOCK


def test_header_clock_without_a_furniture_class() -> None:
    html = without(page("header_clock"), r'<div class="info">.*?</div>').replace(
        'class="header-top"', 'class="hd"'
    )
    published = clean("header_clock", html).published
    assert published is None or published.date() != CLOCK


# --- 7. the lead repeated as the first paragraph ------------------------------------------------


def test_lead_repeated_in_other_words_is_dropped() -> None:
    html = page("stray_close").replace(
        "hai xã Tân Hòa và Suối Ngô chủ động nước tưới cho cây mía trong mùa khô, giảm chi phí",
        "hai xã Tân Hòa, Suối Ngô chủ động nước tưới cho cây mía trong mùa khô, giảm nhiều chi phí",
        1,
    )
    article = clean("stray_close", html)
    assert article.lead.startswith("Trạm bơm mới")
    assert article.body.startswith("Công trình có tổng vốn")


def test_a_longer_first_paragraph_is_kept() -> None:
    html = page("stray_close").replace(
        "(BTN) - Trạm bơm mới giúp nông dân hai xã Tân Hòa và Suối Ngô chủ động nước tưới cho"
        " cây mía trong mùa khô, giảm chi phí bơm dầu.",
        "Lễ khánh thành có đại diện lãnh đạo tỉnh và đông đảo bà con nông dân hai xã tham dự;"
        " trạm bơm mới giúp chủ động nước tưới cho cây mía trong mùa khô.",
    )
    assert clean("stray_close", html).body.startswith("Lễ khánh thành")


# --- 8, 9. captions and bylines -----------------------------------------------------------------


def test_captions_are_not_body() -> None:
    captions = {
        "longform_us_meta": [
            "Bà con xóm Yên Hòa",
            "Một tuyến đường mới",
        ],  # td.image_desc, figcaption
        "zulu_jsonld": ["Nhà vườn ở xã Sơn Trường"],  # figcaption
        "nested_html": ["Học viên thực hành đan giỏ"],  # right-aligned <p> under a photo
        "breadcrumb_h1": ["Thương lái thu mua"],
    }
    for name, texts in captions.items():
        article = clean(name)
        for text in texts:
            assert text not in article.text, (name, text)


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ('<p align="right"><strong>Lê Hồng Nhung</strong></p>', "Lê Hồng Nhung"),
        ('<p style="text-align: right;"><strong>Lê Hồng Nhung</strong></p>', "Lê Hồng Nhung"),
        ("<p>Theo Minh Hà (TTXVN)</p>", "Minh Hà"),
        ("<p>Theo TTXVN</p>", None),
        ("<p>(Theo báo Nhân Dân)</p>", None),
        ("<p>Theo Dân trí</p>", None),
    ],
)
def test_closing_bylines(line: str, author: str | None) -> None:
    html = page("header_clock").replace("<p>Theo Báo Quân đội nhân dân</p>", line)
    article = clean("header_clock", html)
    assert article.author == author
    assert article.body.endswith("vẫn tăng đáng kể.")
