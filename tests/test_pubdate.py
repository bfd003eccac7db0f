"""Publication dates: string parsers and the source order, on small pages written here."""

from __future__ import annotations

from datetime import datetime

import lxml.html
import pytest

from registry.layout import PageLayout
from transforms.pagemeta import read_page_meta
from transforms.pubdate import (
    VN_TZ,
    date_from_url,
    find_published,
    month_from_url,
    parse_iso_datetime,
    parse_visible_datetime,
)


def vn(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=VN_TZ)


# --- string parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2025-06-17T13:43:02+0700", vn(2025, 6, 17, 13, 43, 2), True),
        ("2025-12-23T09:02:07.000+07:00", vn(2025, 12, 23, 9, 2, 7), True),
        ("2025-12-24T09:30:00", vn(2025, 12, 24, 9, 30), True),  # no offset: local time
        ("2025-10-22T12:25:52Z", vn(2025, 10, 22, 19, 25, 52), True),  # UTC -> +07:00
        ("2025-10-22 19:25:52+07:00", vn(2025, 10, 22, 19, 25, 52), True),
        ("2026-01-08", vn(2026, 1, 8), False),  # a day alone: local midnight
        ("Wed, 26 Jul 2017 19:55:20 +0700", vn(2017, 7, 26, 19, 55, 20), True),
        ("1753341960", vn(2025, 7, 24, 14, 26), True),  # unix epoch
    ],
)
def test_parse_iso(text: str, expected: datetime, has_time: bool) -> None:
    value, timed = parse_iso_datetime(text)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()
    assert timed is has_time


@pytest.mark.parametrize("text", ["", "hôm qua", "2025-13-40", "0001-01-01"])
def test_parse_iso_rejects(text: str) -> None:
    assert parse_iso_datetime(text) is None


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("Thứ Tư, 24/12/2025 09:30", vn(2025, 12, 24, 9, 30), True),
        ("08/01/2026 - 18:21", vn(2026, 1, 8, 18, 21), True),
        ("17/06/2025 13:43", vn(2025, 6, 17, 13, 43), True),
        ("Thứ tư, 22/10/2025, 19:25 (GMT+7)", vn(2025, 10, 22, 19, 25), True),
        ("Thứ Tư, 24/12/2025 09:30:00 +07:00", vn(2025, 12, 24, 9, 30), True),
        ("Thứ Hai, 5/2/2024 lúc 7h05", vn(2024, 2, 5, 7, 5), True),
        ("09:30 24/12/2025", vn(2025, 12, 24, 9, 30), True),
        ("Đăng ngày 3-9-2023", vn(2023, 9, 3), False),
        ("Hà Nội, ngày 5 tháng 3 năm 2024", vn(2024, 3, 5), False),
    ],
)
def test_parse_visible(text: str, expected: datetime, has_time: bool) -> None:
    assert parse_visible_datetime(text) == (expected, has_time)


@pytest.mark.parametrize("text", ["31/02/2024", "Số 12/34 đường Lê Lợi", "lúc 25:70"])
def test_parse_visible_rejects(text: str) -> None:
    assert parse_visible_datetime(text) is None


def test_url_dates() -> None:
    assert date_from_url("https://x.vn/tin/d20230112091014465.htm") == (
        vn(2023, 1, 12, 9, 10, 14),
        True,
    )
    assert date_from_url("https://x.vn/2023/01/12/mua-xuan-ve.html") == (vn(2023, 1, 12), False)
    assert date_from_url("https://x.vn/kinh-te/202210/gia-lua-tang-2203947/") is None
    assert month_from_url("https://x.vn/kinh-te/202210/gia-lua-tang-2203947/") == (2022, 10)
    assert date_from_url("https://x.vn/gia-lua-tang-10240517.html") is None


# --- finding the date on a page ---------------------------------------------------------------


def published(html: str, url: str = "https://x.vn/bai-viet-123.html", layout=None):
    root = lxml.html.fromstring(html)
    anchor = root.find(".//h1")
    return find_published(root, url, layout=layout, meta=read_page_meta(root), anchor=anchor)


def page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>Bài</title>{head}</head><body>{body}</body></html>"


TITLE = "<h1>Nông dân phấn khởi vì được mùa lúa xuân</h1>"
BODY_TEXT = "<p>Vụ lúa xuân năm nay, bà con trong xã thu hoạch sớm hơn mọi năm.</p>"


def test_json_ld_first() -> None:
    ld = '{"@type": "NewsArticle", "datePublished": "2024-03-05T08:15:00+07:00"}'
    found = published(
        page(
            f'<script type="application/ld+json">{ld}</script>'
            '<meta property="article:published_time" content="2024-03-04T10:00:00+07:00">',
            TITLE + BODY_TEXT,
        )
    )
    assert (found.value, found.source) == (vn(2024, 3, 5, 8, 15), "json-ld")


def test_json_ld_in_graph_and_list() -> None:
    ld = (
        '[{"@type": "WebSite", "name": "Báo X"}, {"@graph": [{"@type": ["NewsArticle"],'
        ' "datePublished": "2024-03-05T08:15:00+0700"}]}]'
    )
    found = published(page(f'<script type="application/ld+json">{ld}</script>', TITLE))
    assert (found.value, found.source) == (vn(2024, 3, 5, 8, 15), "json-ld")


def test_date_only_json_ld_yields_to_a_time_on_the_same_day() -> None:
    ld = '{"@type": "NewsArticle", "datePublished": "2026-01-08"}'
    body = '<span class="pubdate">08/01/2026 - 18:21</span>' + TITLE + BODY_TEXT
    found = published(page(f'<script type="application/ld+json">{ld}</script>', body))
    assert (found.value, found.source) == (vn(2026, 1, 8, 18, 21), "visible-text")


def test_date_only_json_ld_kept_when_the_time_is_another_day() -> None:
    ld = '{"@type": "NewsArticle", "datePublished": "2026-01-08"}'
    body = '<span class="pubdate">09/01/2026 - 07:00</span>' + TITLE + BODY_TEXT
    found = published(page(f'<script type="application/ld+json">{ld}</script>', body))
    assert (found.value, found.source, found.has_time) == (vn(2026, 1, 8), "json-ld", False)


def test_meta_tags_and_never_modified_time() -> None:
    head = (
        '<meta property="article:modified_time" content="2024-05-01T10:00:00+0700">'
        '<meta itemprop="datePublished" name="pubdate" content="2024-04-30T21:05:00+0700">'
    )
    found = published(page(head, TITLE + BODY_TEXT))
    assert (found.value, found.source) == (vn(2024, 4, 30, 21, 5), "meta")
    only_modified = published(
        page('<meta property="article:modified_time" content="2024-05-01T10:00:00+0700">', TITLE)
    )
    assert only_modified is None  # htmldate's fallback to the modified time is refused


def test_time_element_near_the_title_not_in_teasers() -> None:
    teaser = (
        '<article class="story"><a href="/khac-1.html">Tin khác</a>'
        '<time datetime="2024-06-02T07:00:00+07:00">02/06</time></article>'
    )
    sidebar = '<ul class="sidebar">' + "".join(
        f'<li><a href="/t{i}.html">Tin {i}</a><time datetime="2024-06-0{i}T08:00:00+07:00">'
        "</time></li>"
        for i in range(3, 8)
    )
    body = (
        teaser
        + '<div class="meta"><time datetime="2024-06-01T16:45:00+07:00">01/06/2024</time></div>'
        + TITLE
        + BODY_TEXT
        + sidebar
        + "</ul>"
    )
    found = published(page("", body))
    assert (found.value, found.source) == (vn(2024, 6, 1, 16, 45), "time-element")


def test_visible_date_nearest_the_title_and_not_the_update_line() -> None:
    body = (
        '<div class="list-news"><span class="time">01/01/2024 06:00</span></div>'
        + TITLE
        + '<div class="date">Thứ Năm, 14/03/2024 | 10:20</div>'
        + '<div class="date-update">Cập nhật: 15/03/2024 08:00</div>'
        + BODY_TEXT
    )
    found = published(page("", body))
    assert (found.value, found.source) == (vn(2024, 3, 14, 10, 20), "visible-text")


def test_unlabelled_dateline_next_to_the_title() -> None:
    body = TITLE + "<div><span>Thứ Sáu, 7/6/2024 14:05</span></div>" + BODY_TEXT
    found = published(page("", body))
    assert (found.value, found.source) == (vn(2024, 6, 7, 14, 5), "visible-text")


def test_layout_selector_wins() -> None:
    layout = PageLayout(name="t", match="h1", published=("div.ngay-dang",))
    head = '<meta property="article:published_time" content="2024-02-02T02:02:00+07:00">'
    body = TITLE + '<div class="ngay-dang">03/02/2024 09:15</div>' + BODY_TEXT
    found = published(page(head, body), layout=layout)
    assert (found.value, found.source) == (vn(2024, 2, 3, 9, 15), "visible-text")


def test_url_then_htmldate() -> None:
    found = published(page("", TITLE + BODY_TEXT), url="https://x.vn/tin/d20230112091014465.htm")
    assert (found.value, found.source) == (vn(2023, 1, 12, 9, 10, 14), "url")
    footer = "<div>Bản tin này được đăng tải 2021-03-05 trên trang của xã.</div>"
    guessed = published(page("", TITLE + BODY_TEXT + footer), url="https://x.vn/le-hoi.html")
    assert (guessed.value, guessed.source, guessed.has_time) == (vn(2021, 3, 5), "htmldate", False)
    month = published(page("", TITLE + BODY_TEXT + footer), url="https://x.vn/t/202104/le-hoi/")
    assert (month.value, month.source) == (vn(2021, 4, 1), "url")


def test_no_date_at_all() -> None:
    assert published(page("", TITLE + BODY_TEXT), url="https://x.vn/le-hoi.html") is None
