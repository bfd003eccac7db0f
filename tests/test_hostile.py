"""Hostile pages (issue 7): wrong encodings, duplicate URLs, lying canonical links, impossible
dates. Pages are our own writing; they go through the archive reader, the cleaner, the flow's
``clean_page`` and the loader on a real DuckDB file."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.processing import clean_page, extract_page
from registry.site import site_from_dict
from spiders.warc import ArchivedPage
from transforms.canonical import canonical_url
from transforms.clean import NotAnArticle, clean_article
from transforms.encoding import (
    UndecodablePage,
    decode_page,
    decode_tcvn3,
    encode_cp1258,
    encode_tcvn3,
    from_vni,
    to_vni,
)
from transforms.urls import normalize_url
from warehouse.load import load_results
from warehouse.schema import connect, scalar

FETCHED = datetime(2024, 5, 2, 3, 0, tzinfo=UTC)
TITLE = "Huyện Tương Dương tổ chức tuyên truyền về phòng chống cháy rừng"
PARAS = (
    "Sáng 18/12, huyện Tương Dương tổ chức 589 buổi tuyên truyền cho 87.323 lượt người "
    "về công tác bảo vệ rừng và phòng chống cháy rừng trong mùa khô.",
    "Thu ngân sách năm 2021 đạt 1,5 tỷ đồng, tăng 12,3% so với cùng kỳ; ủy ban nhân dân "
    "huyện khen thưởng đội thanh niên tình nguyện của các xã vùng biên giới.",
    "Người dân được hướng dẫn cách nhận biết nguy cơ cháy, đường dây nóng và cách phối hợp "
    "với lực lượng kiểm lâm khi phát hiện đám cháy.",
)
PAPER = site_from_dict(
    {
        "key": "baothu",
        "name": "Báo Thử",
        "domains": ["baothu.vn"],
        "provinces_before_2025": ["Nghệ An"],
        "drop_params": ["ts"],
        "founded": "2005-01-01",
    }
)


def page_html(
    *,
    title: str = TITLE,
    paras: tuple[str, ...] = PARAS,
    published: str = "2024-05-01T08:30:00+07:00",
    canonical: str | None = None,
    charset: str | None = "utf-8",
) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html><head>{meta}<title>{title}</title>{link}"
        f'<meta property="article:published_time" content="{published}">'
        f'<meta property="og:type" content="article"></head><body><article>'
        f"<h1>{title}</h1>{body}</article></body></html>"
    )


def archived(
    body: bytes,
    url: str = "https://baothu.vn/tuong-duong-tuyen-truyen-chong-chay-rung-123456.html",
    content_type: str | None = "text/html; charset=utf-8",
    fetched: datetime = FETCHED,
    offset: int = 0,
) -> ArchivedPage:
    return ArchivedPage(
        "run1.warc.gz", offset, url, fetched, 200, "article", "baothu", content_type, body
    )


# --- encodings --------------------------------------------------------------------------------


SENTENCE = "Việt Nam: người dân Hà Nội, Đà Nẵng đồng lòng; thu ngân sách năm 2021 tăng 12,3%."


def test_the_legacy_tables_read_the_classic_forms() -> None:
    """The tables give the forms every Vietnamese reader knows from broken pages."""
    assert encode_tcvn3("Việt Nam Hà Nội đồng năm").decode("latin-1") == "ViÖt Nam Hµ Néi ®ång n¨m"
    assert decode_tcvn3("ViÖt Nam Hµ Néi ®ång n¨m".encode("latin-1")) == "Việt Nam Hà Nội đồng năm"
    assert to_vni("Việt Nam Hà Nội người Đà Nẵng") == "Vieät Nam Haø Noäi ngöôøi Ñaø Naüng"
    assert from_vni("Vieät Nam Haø Noäi ngöôøi Ñaø Naüng") == "Việt Nam Hà Nội người Đà Nẵng"
    assert from_vni(to_vni(SENTENCE)) == SENTENCE
    lowered = SENTENCE.lower()  # TCVN3 has no uppercase toned letters
    assert decode_tcvn3(encode_tcvn3(lowered)) == lowered


@pytest.mark.parametrize(
    ("name", "body", "content_type", "encoding"),
    [
        ("utf-8", SENTENCE.encode(), "text/html; charset=utf-8", "utf-8"),
        ("cp1258, no charset", encode_cp1258(SENTENCE), "text/html", "cp1258"),
        (
            "cp1258, said latin-1",
            encode_cp1258(SENTENCE),
            "text/html; charset=iso-8859-1",
            "cp1258",
        ),
        ("cp1258, said utf-8", encode_cp1258(SENTENCE), "text/html; charset=utf-8", "cp1258"),
        ("vni", to_vni(SENTENCE).encode("cp1252"), "text/html", "vni"),
        ("vni inside utf-8", to_vni(SENTENCE).encode(), "text/html; charset=utf-8", "utf-8+vni"),
        ("utf-8 said latin-1", SENTENCE.encode(), "text/html; charset=iso-8859-1", "utf-8"),
        ("utf-8 with a BOM", b"\xef\xbb\xbf" + SENTENCE.encode(), None, "bom:utf-8-sig"),
    ],
)
def test_the_encoding_that_reads_the_page_wins(name, body, content_type, encoding) -> None:
    decoded = decode_page(body, content_type)
    assert decoded.text == SENTENCE, name
    assert decoded.encoding == encoding


def test_tcvn3_pages_are_converted_to_nfc_unicode() -> None:
    text = SENTENCE.lower()
    for content_type in ("text/html; charset=iso-8859-1", None):
        decoded = decode_page(b"<p>" + encode_tcvn3(text) + b"</p>", content_type)
        assert (decoded.text, decoded.encoding) == (f"<p>{text}</p>", "tcvn3")


def test_a_meta_charset_is_read_when_http_says_nothing() -> None:
    html = page_html(charset="windows-1258")
    body = encode_cp1258(html)
    assert decode_page(body, "text/html").encoding == "cp1258"


def test_garbage_and_replacement_characters_are_undecodable() -> None:
    with pytest.raises(UndecodablePage, match=r"^undecodable: declared utf-8"):
        decode_page(b"<p>" + bytes(range(0x80, 0x100)) * 20 + b"</p>", "text/html; charset=utf-8")
    with pytest.raises(UndecodablePage):
        decode_page(("<p>" + "\ufffd" * 60 + SENTENCE + "</p>").encode(), "text/html")


def test_a_cp1258_page_said_utf8_is_cleaned_as_unicode() -> None:
    page = archived(encode_cp1258(page_html(charset="utf-8")))
    result = clean_page(page, PAPER)
    assert result.article is not None
    assert result.article.title == TITLE
    assert result.article.body.splitlines() == list(PARAS)
    assert "\ufffd" not in result.article.text


def test_a_tcvn3_page_is_cleaned_as_unicode() -> None:
    paras = tuple(p.lower() for p in PARAS)
    html = page_html(title=TITLE.lower(), paras=paras, charset=None)
    result = clean_page(archived(encode_tcvn3(html), content_type="text/html"), PAPER)
    assert result.article is not None and result.article.body.splitlines() == list(paras)
    assert extract_page(result).figures  # figures come from real text, not mojibake


def test_an_undecodable_page_is_a_skip_with_its_reason(tmp_path: Path) -> None:
    body = page_html().encode()[:200] + bytes(range(0x80, 0x100)) * 40
    result = clean_page(archived(body), PAPER)
    assert result.article is None and result.skip_reason.startswith("undecodable: ")
    with connect(tmp_path / "w.duckdb") as con:
        load_results(con, PAPER.key, [result], "test")
        assert scalar(con, "SELECT count(*) FROM articles") == 0
        reason = scalar(con, "SELECT skip_reason FROM pages")
    assert reason.startswith("undecodable: declared utf-8")


# --- identity ---------------------------------------------------------------------------------


def test_tracking_and_navigation_parameters_leave_the_url() -> None:
    url = "https://www.baothu.vn/a-123456.html?utm_source=fb&ref=home&fbclid=x&mc_cid=1&from=box"
    assert normalize_url(url) == "https://baothu.vn/a-123456.html"
    # parameters that select content stay: an id, a viewer's article, an offset, a file
    kept = "https://baothu.vn/viewer.aspx?mabb=123&macm=5&id=7&from=20&src=a.jpg"
    assert (
        normalize_url(kept)
        == "https://baothu.vn/viewer.aspx?from=20&id=7&mabb=123&macm=5&src=a.jpg"
    )
    # the paper's own parameters, from the registry
    assert normalize_url("https://baothu.vn/a.html?ts=99&p=2", PAPER.drop_params) == (
        "https://baothu.vn/a.html?p=2"
    )


def test_a_page_reached_with_ref_home_is_the_same_article(tmp_path: Path) -> None:
    url = "https://baothu.vn/tuong-duong-tuyen-truyen-chong-chay-rung-123456.html"
    html = page_html().encode()
    pages = [archived(html, url), archived(html, url + "?ref=home&ts=5", offset=1)]
    results = [extract_page(clean_page(p, PAPER)) for p in pages]
    assert results[0].article.url == results[1].article.url == url
    with connect(tmp_path / "w.duckdb") as con:
        load_results(con, PAPER.key, results, "test")
        assert scalar(con, "SELECT count(*) FROM articles") == 1
        assert scalar(con, "SELECT count(*) FROM pages WHERE article_id IS NOT NULL") == 2


def test_a_canonical_naming_another_article_is_not_trusted() -> None:
    fetched = "https://baothu.vn/tuong-duong-tuyen-truyen-chong-chay-rung-123456.html"
    other = "https://baothu.vn/hoi-nghi-tong-ket-cong-tac-dang-nam-2023-654321.html"
    # different ids: keep the fetched URL
    assert canonical_url(fetched, [other], "https://baothu.vn") == fetched
    # same id, other spelling (a category alias): the canonical is right
    alias = "https://baothu.vn/thoi-su/tuong-duong-chong-chay-123456.html"
    assert canonical_url(alias, [fetched], "https://baothu.vn") == fetched
    # no ids: the title says which slug names the page
    a, b = (
        "https://baothu.vn/tuyen-truyen-chong-chay-rung.html",
        "https://baothu.vn/hoi-nghi-dang-bo.html",
    )
    assert canonical_url(a, [b], "https://baothu.vn", title=TITLE) == a
    renamed = "https://baothu.vn/tuong-duong-tuyen-truyen-phong-chong-chay-rung.html"
    assert (
        canonical_url("https://baothu.vn/bai-cu-da-doi-ten.html", [renamed], title=TITLE) == renamed
    )


def test_the_cleaner_logs_why_it_kept_the_fetched_url(caplog) -> None:
    fetched = "https://baothu.vn/tuong-duong-tuyen-truyen-chong-chay-rung-123456.html"
    html = page_html(canonical="https://baothu.vn/hoi-nghi-tong-ket-654321.html")
    with caplog.at_level(logging.WARNING, logger="transforms.clean"):
        article = clean_article(html, fetched, site_origin="https://baothu.vn")
    assert article.url == fetched
    assert "654321" in caplog.text and "kept the fetched URL" in caplog.text


def test_a_page_never_overwrites_another_article(tmp_path: Path) -> None:
    """The canonical check cannot tell (no ids, no title words in the slugs): the loader
    still refuses to let the page replace the article its canonical names."""
    real = "https://baothu.vn/p/bai-mot.html"
    other = "https://baothu.vn/p/tin-khac.html"
    first = clean_page(archived(page_html().encode(), real), PAPER)
    impostor_html = page_html(
        title="Hội nghị tổng kết công tác Đảng năm 2023 của huyện", canonical=real
    )
    later = datetime(2024, 5, 3, tzinfo=UTC)
    impostor = clean_page(archived(impostor_html.encode(), other, fetched=later, offset=1), PAPER)
    assert impostor.article.url == real  # the URLs alone do not betray it
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        load_results(con, PAPER.key, [extract_page(first)], "test")
        counts = load_results(con, PAPER.key, [extract_page(impostor)], "test")
        assert counts.skipped == 1 and counts.updated == 0
        assert scalar(con, "SELECT title FROM articles") == TITLE
        reason = scalar(con, "SELECT skip_reason FROM pages WHERE url = ?", [other])
    assert reason.startswith("canonical names another article")
    # the same article fetched again from the same URL still updates it
    again = clean_page(archived(page_html(paras=PARAS[:2]).encode(), real, fetched=later), PAPER)
    with connect(db) as con:
        assert load_results(con, PAPER.key, [extract_page(again)], "test").updated == 1


# --- dates ------------------------------------------------------------------------------------


def test_a_date_in_2099_is_rejected_for_the_next_source(caplog) -> None:
    html = page_html(published="2099-01-01T08:00:00+07:00").replace(
        "<h1>", '<div class="date">01/05/2024 08:30</div><h1>'
    )
    with caplog.at_level(logging.WARNING, logger="transforms.clean"):
        result = extract_page(clean_page(archived(html.encode()), PAPER))
    article = result.article
    assert article.published == datetime(2024, 5, 1, 8, 30, tzinfo=article.published.tzinfo)
    assert article.published_source == "visible-text"
    assert "meta 2099-01-01 08:00: after the fetch" in caplog.text
    assert result.dates[0].value == "2023-12-18"  # "Sáng 18/12" resolves before 2024-05-01


def test_a_date_in_1970_is_rejected(caplog) -> None:
    html = page_html(published="1970-01-01T00:00:00Z")
    with caplog.at_level(logging.WARNING, logger="transforms.clean"):
        result = extract_page(clean_page(archived(html.encode()), PAPER))
    assert result.article.published_source != "meta"
    assert "meta 1970-01-01: before 2005-01-01" in caplog.text


def test_a_date_before_the_founding_of_the_paper_is_rejected() -> None:
    html = page_html(published="2001-03-04T10:00:00+07:00")
    assert clean_page(archived(html.encode()), PAPER).article.published is None
    founded_earlier = site_from_dict({**_entry(), "founded": "1999-01-01"})
    assert clean_page(archived(html.encode()), founded_earlier).article.published is not None


def _entry() -> dict:
    return {
        "key": "baothu",
        "name": "Báo Thử",
        "domains": ["baothu.vn"],
        "provinces_before_2025": ["Nghệ An"],
    }


def test_a_page_nested_too_deep_is_refused_not_stored_as_its_menu() -> None:
    menu = "".join(f'<li><a href="/muc-{i}">Chuyên mục thứ {i} của báo</a></li>' for i in range(30))
    prose = "Thu ngân sách năm 2023 của tỉnh đạt 1.250 tỷ đồng, tăng 8,5% so với năm trước. " * 30
    deep = "<div>" * 100_000 + f"<h1>Tin nằm rất sâu</h1><p>{prose}</p>" + "</div>" * 100_000
    page = (
        f"<html><head><title>Tin</title></head><body><nav><ul>{menu}</ul></nav>{deep}</body></html>"
    )
    with pytest.raises(NotAnArticle, match="nested too deep"):
        clean_article(page, "https://baomau.test/tin-nam-rat-sau-1234567.html")
