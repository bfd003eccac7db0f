"""The paper registry: it loads, covers every province of both eras, recognises the real
article URLs the desk research found (shared/provincial_papers.md, shared/sites.md) and
rejects bad entries with a clear message."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from registry import BUILTIN_REGISTRY, Site, all_sites, provinces, site_for_url
from registry.families import CMS_FAMILIES, URL_SHAPES, matches_shape
from registry.site import load_registry, site_from_dict
from registry.table import papers_markdown

REPO = Path(__file__).resolve().parents[1]
PAPERS_MD = REPO / "docs" / "papers.md"

# Real article paths from the research, one to three per paper (full URLs only: the ones the
# sources cut off with "…" are left out). The comment says where a path tests a family fix.
ARTICLES: dict[str, list[str]] = {
    "hanoimoi": [
        "/phat-trien-he-thong-mang-luoi-duong-sat-do-thi-ha-noi-703441.html",
        "/mam-co-trung-thu-cua-ha-noi-xua-co-nhung-gi-589923.html",
    ],
    "baoquangninh": [
        "/khai-thac-than-thoi-ky-phap-thuoc-post3349315.html",
        "/bang-gia-ve-tham-quan-vinh-ha-long-vinh-bai-tu-long-va-cac-loai-tour-tham-quan-nam-2025-3354446.html",
    ],
    "baobacgiang": [
        "/bg/suc-khoe/371838/cai-thuoc-la-hieu-qua-nho-tap-the-duc-thuong-xuyen.html",
        "/bg2/moi-nhat/quang-ba-cac-diem-du-lich-van-hoa-postid413098.bbg",
    ],
    "baobacninh": ["/web/en/news/-/details/20182/hoi-nghi-khoa-hoc-nganh-y-te-lan-thu-xi-nam-2025"],
    "baobacninhtv": [
        "/international-defense-expo-in-hanoi-showcases-world-s-weaponries-postid409722.bbg"
    ],
    "baohaiduong": [
        "/phat-trien-van-hoa-doc-thuc-day-hoc-tap-suot-doi-394829.html",
        "/nong-nghiep/ty-phu-trung-ga-151256",
    ],
    "baohungyen": [
        "/nhung-moc-thoi-gian-lich-su-cua-chien-dich-dien-bien-phu-1954-3171182.html",
        "/bao-ve-moi-truong-trong-san-xuat-cong-nghiep-3179574.html",
    ],
    "baothaibinh": ["/tin-tuc/0/102296/phong-tru-sau-benh-viec-cap-bach-tren-dong-ruong"],
    "baonamdinh": ["/channel/5092/202202/sac-mau-thanh-nam-2549239"],
    "baoninhbinh": ["/tet-thoi-bao-cap/d20230112091014465.htm"],
    "baophutho": [
        "/gia-tri-lich-su-cua-den-chu-hung-169132.htm",
        "/no-luc-ve-dich-trong-ky-thi-tot-nghiep-thpt-2026-234313.htm",
    ],
    "baocaobang": [
        "/Huong-vi-pho-chua-Cao-Bang-38371.html",
        "/hoi-thi-dau-hot-chim-chao-mao-thanh-pho-mo-rong-nam-2023-3161421.html",
    ],
    "baolangson": ["/hanh-trinh-hoi-nhap-bat-dau-tu-ren-luyen-5071654.html"],
    "baolaocai": [
        "/song-dep-tu-nhung-dieu-gian-di-post404649.html",
        "/lao-cai-yen-bai-hop-nhat-danh-thuc-tiem-nang-du-lich-tay-bac-post404773.html",
    ],
    "baolaichau": ["/chinh-tri/ky-niem-74-nam-ngay-toan-quoc-khang-chien-19121946-19122020"],
    "baothanhhoa": [
        "/xay-dung-dang/van-hoa-van-nghe-gop-phan-thuc-day-kinh-te-xa-hoi-phat-trien/129432.htm",
        "/nguoi-sang-lap-ren-luyen-dang-ta-238487.htm",
    ],
    "baonghean": [
        "/cuc-thue-nghe-an-trien-khai-nhiem-vu-giai-phap-cong-tac-thue-nam-2022-300867.html",
        "/ho-van-cuong-ngoi-sao-tre-day-hua-hen-cua-song-lam-nghe-an-post256346.html",
    ],
    "baohatinh": [
        "/chinh-tri/truyen-thong-190-nam-nhan-len-niem-tu-hao-tao-dong-luc-to-lon-de-ha-tinh-phat-trien-nhanh-ben-vung/218261.htm"
    ],
    "baoquangbinh": ["/kinh-te/202210/ngan-chan-hanh-vi-gian-lan-thuong-mai-dien-tu-2203947/"],
    "baoquangtri": ["/nghia-tinh-salavan-va-champasak-135352.htm"],
    "baothuathienhue": [
        "/chinh-tri-xa-hoi/theo-dong-thoi-su/don-doc-so-bao-dac-biet-tuong-nho-dai-tuong-le-duc-anh-71524.html"
    ],
    "baodanang": [
        "/channel/5399/201006/ky-niem-50-nam-ngay-bao-da-nang-ra-so-dau-hay-xung-dang-voi-niem-vinh-du-1998189",
        "/khi-ta-di-dat-bong-hoa-tam-hon-3157847.html",
    ],
    "baoquangnam": [
        "/xa-hoi/doc-gi-tren-bao-quang-nam-ngay-1392023-147743.html",
        "/megastory-bao-dang-quang-nam-trong-dong-chay-100-nam-bao-chi-cach-mang-viet-nam-3157112.html",
    ],
    "baoquangngai": ["/o-dau-cung-la-que-huong-54385.htm"],
    "baobinhdinh": ["/viewer.aspx?mabb=137431&macm=6&macmp=6"],
    "baoninhthuan": [
        "/news/25831p31c171/gioi-thieu-tai-lieu-tham-khao-cuoc-thi-tim-hieu-que-huong-phan-rangthap-cham-va-ninh-thuan-tren-bao-dien-tu-ninh-thuan.htm"
    ],
    "baokontum": ["/xa-hoi/mot-hanh-trinh-khep-lai-de-mo-ra-chang-duong-moi-48330.html"],
    "baogialai": [
        "/channel/9267/201704/diem-bao-gia-lai-ngay-28-4-2017-5531360/",
        "/bao-gia-lai-70-nam-xay-dung-doi-moi-phat-trien-post127074.html",
        "/60s-gia-lai-gom-nhung-con-duong-sac-do-thanh-tet-post579869.html",
    ],
    "baobinhduong": [
        "/doan-vien-thanh-nien-thi-tran-thai-hoa-tan-uyen-tham-gia-bao-ve-moi-truong-a51440.html",
        "/hiem-nguy-chuc-cho--a230569.html",  # a double dash before the id (a-id fix)
    ],
    "baobariavungtau": [
        "/chinh-tri/202112/nhin-lai-nhung-thanh-tuu-va-kho-khan-trong-phat-trien-kinh-te-xa-hoi-940766"
    ],
    "baotayninh": ["/khat-vong-ve-hai-thanh-pho-tuong-lai-a169010.html"],
    "baoapbac": [
        "/ban-doc/201501/don-doc-bao-ap-bac-so-ra-ngay-26-1-582257/",
        "/ban-doc/201907/don-doc-bao-ap-bac-so-ra-ngay-19-7-864061/index.htm",
        "/ban-doc/202109/don-doc-bao-ap-bac-so-ra-ngay-6-9-934020",
    ],
    "baodongkhoi": [
        "/hop-thu-ban-doc-thang-6-a4245.html",
        "/mach-nguon-bao-chi-nhan-van-dang-tu-hao-a44514.html",
    ],
    "baotravinh": ["/xa-hoi/bao-tra-vinh-nhung-ngay-moi-tai-lap-tinh-29632.html"],
    "baodongthap": [
        "/phong-su-anh/40-nam-mot-chang-duong-48437.aspx",
        "/ban-doc/202510/don-doc-bao-dong-thap-so-ra-ngay-22-10-1050912",
        "/don-doc-bao-dong-thap-so-ra-ngay-19-1-2026-a235582.html",
    ],
    "baokiengiang": ["/le-hoi/hoi-thi-chim-hot-nghe-thuat-mo-rong-nam-2023-17028.html"],
    "baocantho": [
        "/tap-trung-trien-khai-cac-dot-thanh-tra-kiem-tra-co-trong-tam-trong-diem-nhat-la-cac-linh-vuc-co-ng-a196670.html",
        # from the saved real pages: a leading dash and a double dash (a-id fix)
        "/-infographics-7-hanh-vi-bi-nghiem-cam-trong-bao-ve-du-lieu-ca-nhan-a196544.html",
        "/chuong-trinh-ca-phe-voi-nhan-dan-va-doanh-nghiep--a196520.html",
    ],
    "baohaugiang": [
        "/thoi-su-trong-tinh/tran-trong-nhung-dong-gop-tam-huyet-cua-cac-the-he-nha-bao-nguoi-lam-bao-142279.html"
    ],
    "baosoctrang": ["/phong-su-anh/soc-trang-chang-duong-25-nam-xay-dung-va-phat-trien-10.html"],
    "baocamau": ["/tu-hao-hanh-trinh-25-nam-cua-bao-bac-lieu-a104006.html"],
    "sggp": ["/thu-ban-bien-tap-post831588.html", "/cung-ban-doc-post838566.html"],
}

# Listing, tag, topic, edition and media paths the research names (or, marked, the documented
# shape of one), which must not be taken for articles.
NOT_ARTICLES: dict[str, list[str]] = {
    "hanoimoi": ["/ky-niem-ngay-giai-phong-thu-do-event1234.html"],  # the -event<id> shape
    "baolaocai": [
        "/chinh-tri/",
        "/kinh-te/thi-truong/",
        "/dia-phuong/phuong-sa-pa/111.html",
        "/tu-khoa/thieu-ta-doan-thi-hanh-tag40212.html",
        "/video/",
    ],
    "baocantho": [
        "/thoi-su/",
        "/thoi-su/dbscl/page-3.html",
        "/thoi-su?p=2",
        "/su-kien/can-tho-nang-dong-va-phat-trien.9.html",
        "/rao-vat-thong-bao-tuyen-dung-591.html",
        "/rss/cate/thoi-su/",
        "/news/thoi-su/",
    ],
    "baobacninhtv": ["/bacgiang-van-hoa", "/bg2"],
    "baoninhbinh": ["/bao-in", "/doc-bao-in"],
    "baohatinh": [
        "/tv/xuan-que-huong-tham-nong-cau-vi-giam-31120.html",
        "/tin-moi.html",
        "/ve-ha-tinh/diem-den/",
    ],
    "baoquangtri": ["/phong-su-ky-su/phong-su-thoi-su", "/van-hoa", "/dat-va-nguoi-quang-binh/"],
    "baobinhthuan": ["/quy-nhon-ptag.html", "/tin-tuc-binh-thuan-moi-nhat"],
    "baokontum": ["/xa-hoi-8.html?page=395", "/toa-soan-ban-doc-24.html?page=58", "/xa-hoi-8.html"],
    "baodaklak": ["/phap-luat/an-toan-giao-thong", "/phong-su-ky-su/"],
    "baoangiang": ["/trong-tinh/tp-long-xuyen?p=97", "/phong-su-anh/?p=35", "/dbscl/long-an"],
    "baocamau": ["/phong-su-ky-su/?page=21", "/van-hoa-nghe-thuat/?page=86"],
    "baogialai": ["/gia-lai-tag12345.html"],  # the -tag<id> shape
    "baosonla": ["/thoi-su-chinh-tri.html"],  # categories are /<slug>.html
    "baolaichau": ["/chinh-tri", "/chinh-tri/xay-dung-dang"],
    "baohaiduong": ["/nong-nghiep", "/en/"],
}


@pytest.fixture(scope="module")
def sites() -> dict[str, Site]:
    return load_registry(BUILTIN_REGISTRY)


@pytest.fixture(scope="module")
def raw_entries() -> list[dict[str, Any]]:
    return tomllib.loads(BUILTIN_REGISTRY.read_text(encoding="utf-8"))["paper"]


def _minimal(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "key": "baothu",
        "name": "Báo Thử",
        "domains": ["baothu.test"],
        "provinces_before_2025": ["Quảng Bình"],
    }
    entry.update(changes)
    return entry


# --- the registry as a whole ------------------------------------------------------------


def test_registry_loads_every_entry(sites: dict[str, Site], raw_entries: list) -> None:
    assert len(sites) == len(raw_entries)
    assert "baonghean" in sites


def test_keys_are_unique(raw_entries: list[dict[str, Any]]) -> None:
    counts = Counter(entry["key"] for entry in raw_entries)
    assert [key for key, n in counts.items() if n > 1] == []


def test_every_domain_and_host_belongs_to_one_paper(raw_entries: list[dict[str, Any]]) -> None:
    owners = Counter(
        name.lower().removeprefix("www.")
        for entry in raw_entries
        for name in (*entry["domains"], *entry.get("hosts", ()))
    )
    assert [name for name, n in owners.items() if n > 1] == []


def test_every_post_2025_province_has_a_paper(sites: dict[str, Site]) -> None:
    wanted = {p.name for p in provinces.provinces_from_2025()}
    assert len(wanted) == 34
    assert wanted - {site.province for site in sites.values()} == set()


def test_every_pre_2025_province_has_a_paper(sites: dict[str, Site]) -> None:
    wanted = {p.name for p in provinces.provinces_before_2025()}
    assert len(wanted) == 63
    covered = {name for site in sites.values() for name in site.provinces_before_2025}
    assert wanted - covered == set()


def test_each_merged_province_has_a_paper_carrying_all_its_parts(sites: dict[str, Site]) -> None:
    for new in provinces.provinces_from_2025():
        parts = {p.name for p in provinces.predecessors(new.name)}
        carriers = [s.key for s in sites.values() if set(s.provinces_before_2025) == parts]
        assert carriers, f"no paper carries all of {sorted(parts)} ({new.name})"


def test_pages_level_only_where_real_pages_are_saved(
    sites: dict[str, Site], shared_dir: Path
) -> None:
    saved = {p.name for p in (shared_dir / "pages").iterdir() if p.is_dir()}
    for site in sites.values():
        if site.verified == "pages":
            assert site.domain in saved, site.key


def test_papers_with_real_urls_are_not_unverified(sites: dict[str, Site]) -> None:
    for key in ARTICLES:
        assert sites[key].verified in {"pages", "urls"}, key


def test_hosts_are_not_media_hosts(sites: dict[str, Site]) -> None:
    media = ("media.", "img.", "ims.", "image.", "cdn.", "static.", "en.")
    for site in sites.values():
        for host in site.hosts:
            assert not host.startswith(media), (site.key, host)


def test_paths_are_paths_and_regexes_compile(sites: dict[str, Site]) -> None:
    import re

    for site in sites.values():
        for path in (*site.sections, *site.feeds, *site.sitemaps, *site.skip_paths):
            assert path.startswith("/"), (site.key, path)
        for pattern in site.article_paths:
            assert pattern.startswith("^") and pattern.endswith("$"), (site.key, pattern)
            re.compile(pattern)
        assert site.notes, site.key


def test_only_known_stopped_papers_have_an_end(sites: dict[str, Site]) -> None:
    ended = {key: s.active_until for key, s in sites.items() if s.active_until}
    assert ended == {"baobinhduong": date(2025, 6, 30)}


# --- URL shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "path"), [(key, path) for key, paths in ARTICLES.items() for path in paths]
)
def test_real_article_paths_are_articles(sites: dict[str, Site], key: str, path: str) -> None:
    assert sites[key].is_article_path(path)


@pytest.mark.parametrize(
    ("key", "path"), [(key, path) for key, paths in NOT_ARTICLES.items() for path in paths]
)
def test_listing_and_tag_paths_are_not_articles(
    sites: dict[str, Site], key: str, path: str
) -> None:
    assert not sites[key].is_article_path(path)


@pytest.mark.parametrize("key", sorted(ARTICLES))
def test_the_sections_of_real_articles_are_not_articles(sites: dict[str, Site], key: str) -> None:
    """The category an article sits in, and its second page, are listings."""
    for path in ARTICLES[key]:
        parts = path.split("?")[0].strip("/").split("/")
        if len(parts) < 2:
            continue
        for listing in (f"/{parts[0]}", f"/{parts[0]}/", f"/{parts[0]}/page-2.html"):
            assert not sites[key].is_article_path(listing), (key, listing)


def test_a_paper_accepts_only_its_own_shapes(sites: dict[str, Site]) -> None:
    """A family narrows the shapes: another paper's article is not taken for one."""
    assert not sites["baolaocai"].is_article_path(ARTICLES["baocantho"][0])
    assert not sites["baocantho"].is_article_path(ARTICLES["baolaocai"][0])
    assert not sites["baoquangbinh"].is_article_path(ARTICLES["baothanhhoa"][1])


@pytest.mark.parametrize(
    "path",
    [
        "/hiem-nguy-chuc-cho--a230569.html",
        "/-infographics-7-hanh-vi-bi-nghiem-cam-trong-bao-ve-du-lieu-ca-nhan-a196544.html",
        "/thoi-su/can-tho/chuong-trinh-ca-phe--a196520.html",
    ],
)
def test_a_id_family_accepts_slugs_left_by_punctuated_titles(path: str) -> None:
    assert matches_shape(path, ("a-id",))
    assert not matches_shape(path.replace("-a1", "-b1").replace("-a2", "-b2"), ("a-id",))


def test_a_id_family_still_rejects_listings() -> None:
    for path in ("/thoi-su/", "/--a/", "/thoi-su/page-3.html", "/-a123.html", "/x---a1234.html"):
        assert not matches_shape(path, ("a-id",)), path


def test_every_family_named_in_the_registry_exists(sites: dict[str, Site]) -> None:
    known = {*URL_SHAPES, *CMS_FAMILIES}
    assert {s.family for s in sites.values() if s.family} <= known


def test_archive_hosts_belong_to_their_paper() -> None:
    assert site_for_url("https://dongkhoi.baovinhlong.vn/x-y-z-a4245.html").key == "baodongkhoi"
    assert site_for_url("https://travinh.baovinhlong.vn/x-y-z-a1.html").key == "baotravinh"
    assert site_for_url("https://phuyen.baodaklak.vn/1/2/x/").key == "baophuyen"
    assert site_for_url("https://www.baoquangbinh.vn/kinh-te/").key == "baoquangbinh"
    assert site_for_url("https://media.baoquangninh.vn/upload/x.jpg") is None


# --- provinces ----------------------------------------------------------------------------


def test_province_after_2025_is_derived(sites: dict[str, Site]) -> None:
    assert sites["baoquangbinh"].province == "Quảng Trị"
    assert sites["baobinhduong"].province == "Hồ Chí Minh"
    assert sites["baokontum"].province == "Quảng Ngãi"
    assert sites["baoyenbai"].province == "Lào Cai"
    assert sites["baothuathienhue"].province == "Huế"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (["Quảng Bình"], "Quảng Trị"),
        (["Bình Dương"], "Hồ Chí Minh"),
        (["Bà Rịa–Vũng Tàu", "TP Hồ Chí Minh"], "Hồ Chí Minh"),
        (["Thừa Thiên Huế"], "Huế"),
        (["Hà Nam", "Nam Định", "Ninh Bình"], "Ninh Bình"),
    ],
)
def test_site_from_dict_derives_the_province(before: list[str], after: str) -> None:
    site = site_from_dict(_minimal(provinces_before_2025=before))
    assert site.province == after
    assert all(provinces.successor(p).name == after for p in site.provinces_before_2025)


# --- bad entries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"homepage": "x"}, r"unknown field\(s\) homepage"),
        ({"provinces_before_2025": ["Quảng Bìnhh"]}, r"no province 'Quảng Bìnhh'"),
        ({"provinces_before_2025": ["Quảng Bình", "Huế"]}, r"did not merge into one"),
        ({"family": "post_id"}, r"unknown family 'post_id'"),
        ({"eras": [{"layout": "nope"}]}, r"unknown layout 'nope'"),
        ({"active_until": "2025-13-01"}, r"'2025-13-01' is not a YYYY-MM-DD date"),
        ({"eras": [{"layout": "cms-post", "since": "1/7/2025"}]}, r"not a YYYY-MM-DD date"),
        ({"verified": "yes"}, r"verified must be one of"),
        ({"key": "Bao Thu"}, r"a key is lowercase"),
        ({"domains": []}, r"missing domains"),
    ],
)
def test_bad_entries_are_rejected_with_a_clear_error(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        site_from_dict(_minimal(**changes), "papers.toml")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "papers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_host_of_two_papers_is_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[paper]]
key = "a"
name = "A"
domains = ["a.test"]
hosts = ["archive.b.test"]
provinces_before_2025 = ["Bến Tre"]

[[paper]]
key = "b"
name = "B"
domains = ["b.test", "www.archive.b.test"]
provinces_before_2025 = ["Vĩnh Long"]
""",
    )
    with pytest.raises(ValueError, match=r"archive\.b\.test belongs to a and b"):
        load_registry(path)


def test_a_key_registered_twice_is_rejected(tmp_path: Path) -> None:
    entry = '[[paper]]\nkey = "a"\nname = "A"\ndomains = ["{d}"]\nprovinces_before_2025 = ["Huế"]\n'
    path = _write(tmp_path, entry.format(d="a.test") + entry.format(d="a2.test"))
    with pytest.raises(ValueError, match=r"paper 'a' is registered twice"):
        load_registry(path)


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"papers\.toml: not valid TOML"):
        load_registry(_write(tmp_path, "[[paper]\nkey = 1\n"))


# --- docs/papers.md -----------------------------------------------------------------------


def test_docs_papers_md_is_generated_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAOTINH_REGISTRY", raising=False)
    expected = papers_markdown(all_sites())
    actual = PAPERS_MD.read_text(encoding="utf-8") if PAPERS_MD.is_file() else ""
    assert actual == expected, (
        "docs/papers.md is out of date with registry/papers.toml; regenerate it with "
        "`python -m registry.table > docs/papers.md`"
    )


def test_papers_markdown_has_a_row_per_paper_in_province_order() -> None:
    sites = [
        site_from_dict(_minimal(key="z-hue", provinces_before_2025=["Huế"], domains=["z.test"])),
        site_from_dict(
            _minimal(key="a-hcm", provinces_before_2025=["Bình Dương"], hosts=["x.a.test"])
        ),
        site_from_dict(_minimal(key="m-qb", name="Báo | Thử", family="a-id")),
    ]
    text = papers_markdown(sites)
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == ["m-qb", "z-hue", "a-hcm"]
    assert "| Báo \\| Thử |" in rows[0] and "| a-id |" in rows[0]
    assert "baothu.test; hosts x.a.test" in rows[2]
    assert "3 papers; they cover 3 of the 63 provinces before 2025 and 3 of the 34" in text
    assert "unverified 3" in text


def test_reading_the_registry_does_not_import_the_admin_unit_package() -> None:
    """Its data files are read directly: importing it parses them all and loads numpy, about
    70 MB in every process that reads a paper's provinces (flow, crawl, page workers)."""
    import subprocess
    import sys

    code = (
        "import sys; from registry import get_site; get_site('baonghean').province; "
        "print(sorted(m for m in ('vietnamadminunits', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("baonghen", ["baonghean"]), ("nghean", ["baonghean"]), ("BaoNgheAn", ["baonghean"])],
)
def test_a_mistyped_key_suggests_the_keys_spelled_like_it(typed: str, suggested: list[str]):
    from registry import get_site

    with pytest.raises(KeyError) as raised:
        get_site(typed)
    assert str(raised.value).endswith(f'did you mean: {", ".join(suggested)}"')


def test_a_key_like_no_other_suggests_nothing():
    from registry import get_site

    with pytest.raises(KeyError) as raised:
        get_site("xyzzy")
    assert "did you mean" not in str(raised.value)
