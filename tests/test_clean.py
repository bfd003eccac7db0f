"""Cleaning article pages: real saved pages (from ../shared, skipped when absent) scored
against hand-made gold, and small pages written here for each rule."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from bench.cleaning import GOLD_DIR, load_gold, token_f1, tokens
from registry.layout import PageLayout
from transforms.canonical import canonical_url
from transforms.clean import NotAnArticle, clean_article
from transforms.pubdate import VN_TZ

# --- real pages -------------------------------------------------------------------------------

# Facts read off each page by hand; snippets are a few words, enough to tell them apart.
REAL = {
    "article-a196670": dict(
        url="https://baocantho.com.vn/tap-trung-trien-khai-cac-dot-thanh-tra-kiem-tra-co-trong"
        "-tam-trong-diem-nhat-la-cac-linh-vuc-co-ng-a196670.html",
        title_start="Tập trung triển khai các đợt thanh tra",
        published=(datetime(2026, 1, 8, 18, 21, tzinfo=VN_TZ), "visible-text"),
        author="P.Y",
        lead_start="(CTO) - Ngày 8-1",
        body_has=["66.032 cuộc thanh tra", "xây dựng đội ngũ cán bộ thanh tra"],
        absent=["Trương Cảnh Tuyên, cùng lãnh đạo", "Tin, ảnh", "Chia sẻ bài viết"],
    ),
    "article-post404649": dict(
        url="https://baolaocai.vn/song-dep-tu-nhung-dieu-gian-di-post404649.html",
        title_start="Sống đẹp từ những điều giản dị",
        published=(datetime(2025, 6, 17, 13, 43, 2, tzinfo=VN_TZ), "json-ld"),
        author="Anh Dũng",
        lead_start="Không ồn ào, không phô trương",
        body_has=["298 sáng kiến", "lặng lẽ góp sức bằng những việc làm"],
        absent=["Từ khóa"],
    ),
    "article-2025-10-22-lymphoma-4954454": dict(
        url="https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html",
        title_start="Đau bụng kéo dài",
        published=(datetime(2025, 10, 22, 19, 25, 52, tzinfo=VN_TZ), "json-ld"),
        author="Lê Phương",
        lead_start="Người đàn ông 63 tuổi",
        body_has=["5,6 ca trên 100.000 dân", "phẫu thuật, hóa trị hoặc xạ trị"],
        absent=["Ảnh: Bệnh viện cung cấp", "Trở lại Sức khỏe"],
    ),
    "article": dict(
        url="https://vtcnews.vn/mo-rong-duong-hon-2-000-ty-dong-giai-cuu-ket-xe-o-cua-ngo-phia"
        "-dong-tp-hcm-ar994669.html",
        title_start="Mở rộng đường hơn 2.000 tỷ đồng",
        published=(datetime(2025, 12, 24, 9, 30, tzinfo=VN_TZ), "json-ld"),
        author="Lương Văn Ý",
        lead_start="Sau 8 tháng khởi công",
        # every body paragraph sits under a photo with an empty caption: all must stay
        body_has=[
            "tổng mức đầu tư hơn 2.075 tỷ đồng",
            "mặt đường rộng 21m bố trí 6 làn xe",
            "chủ quán cà phê trên đường Nguyễn Thị Định",
            "cải thiện diện mạo đô thị khu Đông",
        ],
        absent=["Đọc thêm", "ì ạch gần 9 năm", "(VTC News)", "Được tài trợ"],
    ),
    "article-post1613516": dict(
        url="https://znews.vn/gia-vang-the-gioi-cao-nhat-moi-thoi-dai-post1613516.html",
        title_start="Giá vàng thế giới cao nhất mọi thời đại",
        published=(datetime(2025, 12, 23, 9, 2, 7, tzinfo=VN_TZ), "json-ld"),
        author="Anh Nguyễn",
        lead_start="Giá vàng thế giới lập kỷ lục mới",
        body_has=["4.442,6 USD/ounce", "1.748,84 USD/ounce"],
        absent=["Tủ sách kiến thức kinh tế", "Kỷ lục mới của giá vàng", "Ảnh: Reuters"],
    ),
}
LISTINGS = [
    "baocantho.com.vn/category-thoi-su.html",
    "dantri.com.vn/home-2019-son601008.html",
    "vnexpress.net/e-vnexpress-home-2025-12.html",
    "vtcnews.vn/home.html",
    "vtcnews.vn/latest-listing.html",
    "znews.vn/category-kinh-doanh-tai-chinh.html",
    "znews.vn/home.html",
]


def _clean_real(shared: Path, stem: str):
    gold = load_gold(GOLD_DIR / f"{stem}.json", shared)
    html = gold.page.read_text(encoding="utf-8")
    # fetched from a local mirror: the canonical URL must come from the page itself
    return gold, clean_article(html, f"http://127.0.0.1:8123/{gold.page.name}")


@pytest.mark.parametrize("stem", sorted(REAL))
def test_real_page_fields(shared_dir: Path, stem: str) -> None:
    facts = REAL[stem]
    _, article = _clean_real(shared_dir, stem)
    assert article.url == facts["url"]
    assert article.title.startswith(facts["title_start"])
    assert (article.published, article.published_source) == facts["published"]
    assert article.published.utcoffset() == facts["published"][0].utcoffset()
    assert article.author == facts["author"]
    assert article.lead.startswith(facts["lead_start"])
    assert facts["lead_start"] not in article.body  # the lead is not repeated in the body
    for snippet in facts["body_has"]:
        assert snippet in article.body
    for snippet in facts["absent"]:
        assert snippet not in article.text
    assert not article.body.rstrip().endswith(facts["author"])  # byline removed


@pytest.mark.parametrize("stem", sorted(REAL))
def test_real_page_f1(shared_dir: Path, stem: str) -> None:
    gold, article = _clean_real(shared_dir, stem)
    ours = "\n".join(p for p in (article.title, article.lead, article.body) if p)
    assert token_f1(ours, gold.text) >= 0.98


@pytest.mark.parametrize("page", LISTINGS)
def test_listing_pages_are_not_articles(shared_dir: Path, page: str) -> None:
    html = (shared_dir / "pages" / page).read_text(encoding="utf-8")
    with pytest.raises(NotAnArticle):
        clean_article(html, f"https://{page}")


def test_gold_specs_cover_every_saved_article(shared_dir: Path) -> None:
    saved = {p.stem for p in (shared_dir / "pages").glob("*/article*.html")}
    assert saved == {p.stem for p in GOLD_DIR.glob("*.json")}


def test_vnexpress_gold_agrees_with_fundus(shared_dir: Path) -> None:
    """Our hand spec and fundus's gold agree, except that fundus keeps the photo caption."""
    spec = json.loads((GOLD_DIR / "article-2025-10-22-lymphoma-4954454.json").read_text())
    oracle = json.loads((shared_dir / "pages" / spec["oracle"]).read_text(encoding="utf-8"))["V1"]
    captions = [image["caption"] for image in oracle["images"] if image.get("caption")]
    paragraphs = [
        p
        for section in oracle["body"]["sections"]
        for p in section["paragraphs"]
        if not any(p.startswith(c) for c in captions)
    ]
    assert len(paragraphs) == sum(len(s["paragraphs"]) for s in oracle["body"]["sections"]) - 1
    gold = load_gold(GOLD_DIR / "article-2025-10-22-lymphoma-4954454.json", shared_dir)
    assert gold.title == oracle["title"]
    assert [gold.lead] == oracle["body"]["summary"]
    assert gold.body == paragraphs


def test_token_f1() -> None:
    assert tokens("Giá lúa: 7.500 đồng/kg!") == ["giá", "lúa", "7", "500", "đồng", "kg"]
    assert token_f1("a b c d", "a b c d") == 1.0
    assert token_f1("a b", "c d") == 0.0
    assert token_f1("a b c d", "a b") == pytest.approx(2 * 0.5 * 1.0 / 1.5)


# --- rules, on small pages written for these tests --------------------------------------------

PARAS = [
    "Sáng 12/3, huyện Quỳ Hợp tổ chức lễ ra quân trồng rừng với sự tham gia của đông đảo "
    "cán bộ, đoàn viên thanh niên và người dân trên địa bàn các xã vùng cao.",
    "Theo kế hoạch, năm nay huyện trồng mới 1.200 ha rừng tập trung, trong đó rừng phòng hộ "
    "chiếm hơn 300 ha, tập trung ở các xã có độ che phủ còn thấp.",
    "Ông Lê Văn Hải, Chủ tịch UBND huyện cho biết, những năm qua công tác bảo vệ và phát "
    "triển rừng được các cấp ủy, chính quyền đặc biệt quan tâm, nhờ đó đời sống người dân "
    "làm nghề rừng từng bước được cải thiện rõ rệt.",
    "Dịp này, huyện trao tặng 5.000 cây giống keo lai và lát hoa cho các hộ dân có hoàn cảnh "
    "khó khăn, đồng thời phát động phong trào Tết trồng cây đời đời nhớ ơn Bác Hồ.",
]
TITLE = "Quỳ Hợp ra quân trồng 1.200 ha rừng mới"
SAPO = "Huyện miền núi đặt mục tiêu nâng độ che phủ rừng lên hơn 60% vào cuối năm nay."
LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "TITLE",'
    ' "datePublished": "2024-03-12T10:30:00+07:00", "author": {"@type": "Person",'
    ' "name": "Minh Châu"}}</script>'
).replace("TITLE", TITLE)


def make_page(body: str, *, head: str = LD, sapo: str | None = SAPO, extra: str = "") -> str:
    lead = f'<p class="sapo">{sapo}</p>' if sapo else ""
    return (
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{TITLE}</title>"
        f"{head}</head><body><nav><a href='/'>Trang chủ</a></nav>"
        f"<div class='main'><h1 class='title'>{TITLE}</h1>{lead}"
        f"<div class='content'>{body}</div>{extra}</div>"
        "<footer><p>Báo Miền Núi điện tử. Giấy phép số 01/GP.</p></footer></body></html>"
    )


def paras(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def clean(html: str, **kwargs) -> object:
    return clean_article(html, "https://baomiennui.vn/ra-quan-trong-rung-123.html", **kwargs)


def test_plain_article() -> None:
    article = clean(make_page(paras(*PARAS)))
    assert article.title == TITLE
    assert article.lead == SAPO
    assert article.body.split("\n") == PARAS
    assert article.text == SAPO + "\n" + "\n".join(PARAS)
    assert article.author == "Minh Châu"
    assert article.published == datetime(2024, 3, 12, 10, 30, tzinfo=VN_TZ)
    assert article.published_source == "json-ld"


def test_paragraphs_under_photos_with_empty_captions_are_kept() -> None:
    body = "".join(
        f'<div class="pic"><figure><img src="/a{i}.jpg"><figcaption></figcaption></figure>'
        f"<div><p>{p}</p></div></div>"
        for i, p in enumerate(PARAS)
    )
    assert clean(make_page(body)).body.split("\n") == PARAS


def test_captions_are_removed() -> None:
    italic_caption = (
        '<p><img src="/b.jpg"></p><p style="text-align:center"><em>Đoàn viên thanh niên '
        "trồng cây trên đồi.</em></p>"
    )
    credited = "<p>Lãnh đạo huyện trao cây giống cho người dân. Ảnh: Hữu Thắng</p>"
    under_photo = '<p><img src="/e.jpg"><br><em>Người dân trồng keo trên đồi.</em></p>'
    figure = '<figure><img src="/c.jpg"><figcaption>Rừng keo ở xã Châu Lộc.</figcaption></figure>'
    image_table = (
        '<table class="image"><tr><td><img src="/d.jpg"></td></tr>'
        "<tr><td>Vườn ươm cây giống của hợp tác xã.</td></tr></table>"
    )
    body = (
        paras(PARAS[0])
        + italic_caption
        + paras(PARAS[1])
        + credited
        + under_photo
        + figure
        + image_table
        + paras(*PARAS[2:])
    )
    article = clean(make_page(body))
    assert article.body.split("\n") == PARAS


def test_prose_after_a_photo_is_not_a_caption() -> None:
    """Plain paragraphs under photos, and long italic ones, are article text."""
    long_italic = PARAS[2] + " " + PARAS[3]
    assert len(long_italic) > 300
    body = (
        paras(PARAS[0])
        + f'<p><img src="/b.jpg"></p><p>{PARAS[1]}</p>'
        + f'<p><img src="/c.jpg"></p><p><em>{long_italic}</em></p>'
    )
    assert clean(make_page(body)).body.split("\n") == [*PARAS[:2], long_italic]


def test_glued_caption_is_cut() -> None:
    glued = "Ông Lê Văn Hải phát biểu tại buổi lễ. Ảnh: Hữu Thắng " + PARAS[2]
    article = clean(make_page(paras(PARAS[0], PARAS[1], glued, PARAS[3])))
    assert article.body.split("\n") == PARAS


def test_related_and_promo_boxes_inside_the_body_are_removed() -> None:
    related = (
        '<div class="box-related"><h3>Tin liên quan</h3><ul>'
        '<li><a href="/a-1.html">Nghệ An phát động Tết trồng cây năm 2024 tại các huyện</a></li>'
        '<li><a href="/b-2.html">Người dân miền núi sống khỏe nhờ giữ rừng đầu nguồn</a></li>'
        "</ul></div>"
    )
    card = (
        '<table class="article"><tr><td><a href="/c-3.html"><h2>Giá gỗ keo tăng cao</h2>'
        "<p>Giá gỗ keo nguyên liệu tăng mạnh khiến nhiều hộ dân phấn khởi.</p></a></td></tr>"
        "</table>"
    )
    promo = (
        '<div class="notebox"><p>Báo Miền Núi giới thiệu độc giả tủ sách về rừng và đất.</p>'
        "<p>Những cuốn sách giúp người đọc hiểu hơn về thiên nhiên quê hương.</p></div>"
    )
    see_also = (
        "<p><strong>Xem thêm:</strong></p>"
        '<p><a href="/d-4.html">Huyện Kỳ Sơn giao đất giao rừng cho hộ nghèo</a></p>'
    )
    body = paras(*PARAS[:2]) + related + card + paras(*PARAS[2:]) + see_also + promo
    article = clean(make_page(body))
    assert article.body.split("\n") == PARAS


def test_bylines_at_the_end_become_the_author() -> None:
    head = LD.replace('"name": "Minh Châu"', '"name": ""')
    head += '<meta name="author" content="Báo Miền Núi điện tử">'
    body = paras(*PARAS) + '<p style="text-align:right"><strong>Tin, ảnh: Hữu Thắng</strong></p>'
    article = clean(make_page(body, head=head))
    assert article.author == "Hữu Thắng"
    assert article.body.split("\n") == PARAS


def test_paper_name_is_never_the_author() -> None:
    head = LD.replace('{"@type": "Person", "name": "Minh Châu"}', '{"name": "Báo Miền Núi"}')
    head += '<meta property="og:site_name" content="Báo Miền Núi">'
    assert clean(make_page(paras(*PARAS), head=head)).author is None


def test_lead_from_the_first_paragraph_with_the_paper_tag() -> None:
    first = "(BMN) - " + SAPO
    article = clean(make_page(paras(first, *PARAS), sapo=None))
    assert article.lead == first
    assert article.body.split("\n") == PARAS


def test_lead_found_by_the_description_and_not_repeated() -> None:
    head = LD + f'<meta property="og:description" content="{SAPO}">'
    page = make_page(paras(*PARAS), head=head, sapo=None).replace(
        "<div class='content'>", f"<h2 class='x1'>{SAPO}</h2><div class='content'>"
    )
    article = clean(page)
    assert article.lead == SAPO
    assert article.body.split("\n") == PARAS


def test_tables_become_rows() -> None:
    table = (
        "<table><tr><th>Xã</th><th>Diện tích (ha)</th><th>Số hộ</th><th></th></tr>"
        "<tr><td>Châu Lộc</td><td>320</td><td>45</td></tr>"
        "<tr><td>Châu Thành</td><td></td><td>52</td></tr></table>"
    )
    article = clean(make_page(paras(*PARAS[:2]) + table + paras(*PARAS[2:])))
    rows = "Xã | Diện tích (ha) | Số hộ\nChâu Lộc | 320 | 45\nChâu Thành |  | 52"
    assert article.body == "\n".join([*PARAS[:2], rows, *PARAS[2:]])


def test_decomposed_unicode_is_normalised() -> None:
    import unicodedata

    page = unicodedata.normalize("NFD", make_page(paras(*PARAS)))
    article = clean(page)
    assert article.body.split("\n") == PARAS
    assert article.title == TITLE


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><h1>404</h1><p>Không tìm thấy trang bạn yêu cầu.</p></body></html>",
        make_page("<p>Đang cập nhật.</p>", sapo=None),
    ],
)
def test_pages_without_article_text(html: str) -> None:
    with pytest.raises(NotAnArticle):
        clean(html)


def test_listing_with_a_title_heading_is_not_an_article() -> None:
    teasers = "".join(
        f'<div class="item"><h3><a href="/tin-{i}.html">{p[:60]}</a></h3><p>{p}</p></div>'
        for i, p in enumerate(PARAS)
    )
    page = (
        "<html><head><title>Thời sự</title></head><body>"
        f"<h1>Tin tức thời sự mới nhất hôm nay</h1><div class='list'>{teasers}</div></body></html>"
    )
    with pytest.raises(NotAnArticle, match="listing"):
        clean(page)


def test_bytes_are_refused() -> None:
    with pytest.raises(TypeError):
        clean_article(make_page(paras(*PARAS)).encode(), "https://x.vn/a.html")


# --- layouts ----------------------------------------------------------------------------------

LAYOUT = PageLayout(
    name="test",
    match="div.khung-bai",
    title=("h2.tieu-de",),
    lead=("div.tom-luoc",),
    body=("div.noi-dung",),
    published=("span.ngay",),
    author=("p.tac-gia",),
    drop=(".hop-quang-cao",),
)


def layout_page() -> str:
    ad = '<div class="hop-quang-cao"><p>Mua phân bón giá tốt, giao tận nơi.</p></div>'
    return (
        "<html><head><title>Trang</title></head><body><div class='khung-bai'>"
        f"<h2 class='tieu-de'>{TITLE}</h2><span class='ngay'>12/03/2024 10:30</span>"
        f"<div class='tom-luoc'>{SAPO}</div><div class='noi-dung'>{paras(*PARAS[:2])}{ad}"
        f"{paras(*PARAS[2:])}</div><p class='tac-gia'>Hữu Thắng</p></div></body></html>"
    )


def test_layout_selectors_are_used() -> None:
    article = clean(layout_page(), layouts=[PageLayout(name="other", match="div.none"), LAYOUT])
    assert article.title == TITLE
    assert article.lead == SAPO
    assert article.body.split("\n") == PARAS
    assert article.author == "Hữu Thắng"
    assert article.published == datetime(2024, 3, 12, 10, 30, tzinfo=VN_TZ)
    assert article.published_source == "visible-text"


def test_without_the_layout_cleaning_still_works() -> None:
    article = clean(layout_page())
    assert article.title == TITLE
    assert article.published == datetime(2024, 3, 12, 10, 30, tzinfo=VN_TZ)
    assert token_f1(article.text, "\n".join([SAPO, *PARAS])) >= 0.95


# --- canonical URLs ---------------------------------------------------------------------------


def test_canonical_from_the_page_without_tracking() -> None:
    assert (
        canonical_url(
            "http://127.0.0.1:8123/x-10240517.html",
            ["https://BaoNgheAn.vn/x-10240517.html?utm_source=fb&zarsrc=1&p=2#top"],
            "https://baonghean.vn",
        )
        == "https://baonghean.vn/x-10240517.html?p=2"
    )


def test_canonical_rebased_from_a_mirror() -> None:
    mirror = "http://127.0.0.1:8123/thoi-su/x-10240517.html?fbclid=abc"
    assert canonical_url(mirror, [None, ""], "https://baonghean.vn") == (
        "https://baonghean.vn/thoi-su/x-10240517.html"
    )
    # a canonical pointing at the home page or at another site is not usable
    assert canonical_url(mirror, ["https://baonghean.vn/"], "https://baonghean.vn") == (
        "https://baonghean.vn/thoi-su/x-10240517.html"
    )
    assert canonical_url(mirror, ["https://other.vn/a.html"], "https://baonghean.vn") == (
        "https://baonghean.vn/thoi-su/x-10240517.html"
    )


def test_canonical_relative_and_og_url() -> None:
    assert canonical_url("http://127.0.0.1:8123/a.html", ["/b-1.html"], "https://baonghean.vn") == (
        "https://baonghean.vn/b-1.html"
    )
    assert canonical_url("https://x.vn/a.html", [None, "http://x.vn/a.html#c"]) == (
        "https://x.vn/a.html"
    )


def test_article_url_uses_the_og_url_when_no_canonical_link() -> None:
    head = LD + '<meta property="og:url" content="https://baomiennui.vn/bai-goc-77.html">'
    article = clean_article(
        make_page(paras(*PARAS), head=head),
        "http://127.0.0.1:9000/bai-goc-77.html",
        site_origin="https://baomiennui.vn",
    )
    assert article.url == "https://baomiennui.vn/bai-goc-77.html"
