"""The cheap article check: real saved pages (from ../shared, skipped when absent), the
sample site, the trap pages and small pages written here; no trafilatura involved."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_SITE
from transforms import clean
from transforms.clean import NotAnArticle, clean_article
from transforms.pagekind import page_kind

TRAPS = Path(__file__).parent / "traps"
SAMPLE = SAMPLE_SITE / "baonghean"
REAL_ARTICLES = [
    "baocantho.com.vn/article-a196670.html",
    "baolaocai.vn/article-post404649.html",
    "vnexpress.net/article-2025-10-22-lymphoma-4954454.html",
    "vtcnews.vn/article.html",
    "znews.vn/article-post1613516.html",
]
REAL_LISTINGS = [
    "baocantho.com.vn/category-thoi-su.html",
    "dantri.com.vn/home-2019-son601008.html",  # says og:type=article
    "vnexpress.net/e-vnexpress-home-2025-12.html",  # says og:type=article
    "vtcnews.vn/home.html",
    "vtcnews.vn/latest-listing.html",
    "znews.vn/category-kinh-doanh-tai-chinh.html",  # NewsArticle items inside an ItemList
    "znews.vn/home.html",
]


@pytest.fixture(autouse=True)
def no_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    """page_kind must never run an extraction."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("trafilatura was called")

    monkeypatch.setattr(clean.trafilatura, "bare_extraction", refuse)
    monkeypatch.setattr(clean.trafilatura, "extract", refuse)


@pytest.mark.parametrize("page", REAL_ARTICLES)
def test_real_articles(shared_dir: Path, page: str) -> None:
    html = (shared_dir / "pages" / page).read_text(encoding="utf-8")
    kind = page_kind(html, f"https://{page}")
    assert kind.is_article and kind.certain, kind.reason


@pytest.mark.parametrize("page", REAL_LISTINGS)
def test_real_listings(shared_dir: Path, page: str) -> None:
    html = (shared_dir / "pages" / page).read_text(encoding="utf-8")
    kind = page_kind(html, f"https://{page}")
    assert not kind.is_article, kind.reason
    assert kind.kind == "listing"


def _sample_pages() -> list[Path]:
    return sorted(SAMPLE.rglob("*.html")) if SAMPLE.is_dir() else []


@pytest.mark.parametrize("path", _sample_pages(), ids=lambda p: str(p.relative_to(SAMPLE)))
def test_sample_site(path: Path) -> None:
    listing = path.name == "index.html" or "page-" in path.name
    kind = page_kind(path.read_text(encoding="utf-8"), "http://127.0.0.1:8123/x")
    assert kind.is_article is not listing, kind.reason


@pytest.mark.parametrize("path", sorted(TRAPS.glob("*.html")), ids=lambda p: p.stem)
def test_trap_pages_are_articles(path: Path) -> None:
    assert page_kind(
        path.read_text(encoding="utf-8"), f"https://x.vn/{path.stem}-1.html"
    ).is_article


PROSE = (
    "<p>Sáng 11/9, huyện tổ chức hội nghị sơ kết công tác phòng chống thiên tai, với sự tham dự"
    " của lãnh đạo các xã ven biển và lực lượng cứu hộ.</p>"
    "<p>Theo báo cáo, từ đầu năm đến nay địa phương đã gia cố 12 km đê kè, di dời 230 hộ dân ra"
    " khỏi vùng nguy cơ sạt lở và dự trữ đủ lương thực cho mùa mưa bão.</p>"
    "<p>Phát biểu tại hội nghị, Chủ tịch UBND huyện yêu cầu các xã rà soát lại phương án sơ tán,"
    " không để người dân bị động khi có bão lớn đổ bộ vào đất liền.</p>"
)
TEASERS = "".join(
    f'<div class="item"><h3><a href="/tin-{i}.html">Tiêu đề bản tin thứ {i} của chuyên mục'
    f" thời sự hôm nay</a></h3><p>Tóm tắt ngắn của bản tin thứ {i}, kể lại vài ý chính để"
    " người đọc bấm vào xem tiếp.</p></div>"
    for i in range(12)
)


def html_page(body: str, head: str = "") -> str:
    return f"<html><head><title>Trang</title>{head}</head><body>{body}</body></html>"


def test_plain_article_without_metadata() -> None:
    kind = page_kind(html_page("<h1>Huyện ven biển chủ động phòng chống bão</h1>" + PROSE))
    assert kind.is_article and not kind.certain


def test_teasers_are_a_listing_even_with_og_type_article() -> None:
    head = '<meta property="og:type" content="article">'
    kind = page_kind(html_page("<h1>Thời sự</h1>" + TEASERS, head), "https://x.vn/thoi-su/")
    assert not kind.is_article and kind.kind == "listing"
    assert "listing" in kind.reason


def test_article_with_a_related_box_is_an_article() -> None:
    related = f'<div class="tin-lien-quan">{TEASERS[:600]}</div>'
    kind = page_kind(
        html_page("<h1>Huyện ven biển chủ động phòng chống bão</h1>" + PROSE + related)
    )
    assert kind.is_article


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://baonghean.vn/", "home"),
        ("https://baolaocai.vn/tu-khoa/nong-thon-moi-tag123.html", "tag"),
        ("https://baonghean.vn/tim-kiem?q=nghe+an", "search"),
        ("https://vtcnews.vn/tin-moi-hom-nay/trang-2.html", "listing"),
        ("https://znews.vn/kinh-doanh-tai-chinh/trang2.html", "listing"),
        ("https://baonghean.vn/thoi-su?page=3", "listing"),
    ],
)
def test_listing_urls(url: str, kind: str) -> None:
    found = page_kind(html_page("<h1>Huyện ven biển chủ động phòng chống bão</h1>" + PROSE), url)
    assert (found.is_article, found.kind, found.certain) == (False, kind, True)


def test_declared_article_wins_over_the_url() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    assert page_kind(html_page(PROSE, head), "https://x.vn/trang-2.html").is_article


def test_empty_pages() -> None:
    assert page_kind("").kind == "empty"
    assert not page_kind(html_page("<h1>404</h1><p>Không tìm thấy trang.</p>")).is_article


def test_clean_article_rejects_a_listing_before_extraction() -> None:
    with pytest.raises(NotAnArticle, match="listing"):
        clean_article(
            html_page("<h1>Thời sự</h1>" + TEASERS.replace("<p>", "<span>")), "https://x.vn/a"
        )


def test_prose_in_inline_tags_of_divs_counts() -> None:
    """Bodies pasted from a word processor: text in <span>s of <div>s, beside a few links."""
    body = PROSE.replace("<p>", '<div><span style="font-size:14px">').replace(
        "</p>", "</span></div>"
    )
    links = "".join(
        f'<li><a href="/t{i}.html">Bản tin khác số {i} cùng chuyên mục thời sự</a></li>'
        for i in range(3)
    )
    kind = page_kind(
        html_page("<h2>Huyện ven biển chủ động phòng chống bão</h2>" + body + f"<ul>{links}</ul>")
    )
    assert kind.is_article, kind.reason
