"""A generated provincial paper of any size, for the throughput bench.

Pages are built to weigh what real provincial article pages weigh, in the way they weigh it:
about 115 KB and 1,060 elements, most of them chrome (a two-level menu, boxes of teaser
cards with pictures, a most-read list, related articles, a footer of links, inline scripts
and styles), around a news article of about 5 KB of text holding about 3 figures per KB.
Those sizes follow the saved article pages in ``../shared``: the two provincial papers' pages
hold 1,079 and 1,274 elements in 145-150 KB (so these pages are, if anything, lighter), and
the five article pages' texts average 3.0 figures per KB. ``bench throughput`` prints the
generated pages' own figures. Sentences are our own templates filled from a seeded random
generator (the same arguments give the same site), varied enough that two articles are not
near-duplicates of each other. The site has a home page, sections paginated with
``?page=N`` and a sitemap.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DOMAIN = "baomau-bench.test"
KEY = "mau-bench"
SECTIONS = ("kinh-te", "xa-hoi", "nong-nghiep", "giao-duc", "y-te")
PER_LISTING = 40
# Share of an article's sentences that carry figures: about 3 figures per KB of text, as the
# real article pages measured (the figure templates hold 1-4 figures each).
FIGURE_SHARE = 0.22

_PLACES = ("Thanh Chương", "Nghi Lộc", "Quỳnh Lưu", "Diễn Châu", "Yên Thành", "Anh Sơn")
_SUBJECTS = (
    "tổng thu ngân sách nhà nước trên địa bàn",
    "kim ngạch xuất khẩu",
    "vốn đầu tư trực tiếp nước ngoài",
    "lượng khách du lịch",
    "sản lượng lúa",
    "tỷ lệ hộ nghèo",
    "số xã đạt chuẩn nông thôn mới",
)
_UNITS = ("tỷ đồng", "triệu USD", "lượt khách", "tấn", "ha", "người", "hộ")
_TEMPLATES = (
    "Năm {year}, {subject} của tỉnh đạt {n1} {unit}, tăng {pct}% so với cùng kỳ.",
    "Sáng {d}/{m}, huyện {place} tổ chức hội nghị tổng kết với {n2} đại biểu tham dự.",
    "Trong quý {q}/{year}, toàn tỉnh có {n3} tổ/{n4} người tham gia tuần tra bảo vệ rừng.",
    "Theo báo cáo, {subject} {period} ước đạt {n1} {unit}, bằng {pct}% kế hoạch năm.",
    "Đến nay, {a}/{b} xã của huyện {place} đã đạt chuẩn nông thôn mới.",
    "Tổng kinh phí thực hiện dự án là {money} tỷ đồng, trong đó ngân sách tỉnh {n5} tỷ đồng.",
)
# Sentences without figures, from slots filled at random: fixed runs are shorter than a
# near-duplicate shingle (5 syllables), so articles do not look like copies of each other.
_PROSE = (
    "Ông {name}, {role} {org}, cho biết {topic} ở {place} đang được {action}.",
    "Theo bà {name}, {topic} là việc {org} {action} từ đầu năm.",
    "Tại {place}, {org} đã {action} và lắng nghe ý kiến về {topic}.",
    "Người dân {place} phấn khởi khi {topic} được {org} {action}.",
    "{role} {org} đề nghị {place} tiếp tục {action}, nhất là {topic}.",
    "Nhiều hộ ở {place} cho rằng {topic} cần {action} sớm hơn.",
)
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
_MIDDLE = ("Văn", "Thị", "Đình", "Hữu", "Minh", "Thanh", "Quang", "Xuân", "Ngọc", "Đức")
_GIVEN = ("Hải", "Lan", "Hùng", "Mai", "Sơn", "Hoa", "Tuấn", "Hà", "Dũng", "Thảo", "Bình", "Yến")
_ROLES = ("Giám đốc", "Phó Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Trưởng phòng", "Bí thư")
_ORGS = (
    "Sở Nông nghiệp",
    "Sở Y tế",
    "Sở Giáo dục",
    "UBND huyện",
    "Ban quản lý dự án",
    "Hội Nông dân",
    "Đoàn Thanh niên",
    "hợp tác xã",
    "Trung tâm Khuyến nông",
    "Ban chỉ đạo",
)
_TOPICS = (
    "việc chuyển đổi cây trồng",
    "công tác phòng chống dịch",
    "chương trình nước sạch",
    "dự án đường giao thông",
    "phong trào khuyến học",
    "mô hình nuôi trồng thủy sản",
    "việc cải cách hành chính",
    "kế hoạch trồng rừng",
    "chương trình mỗi xã một sản phẩm",
    "việc sắp xếp dân cư",
    "đề án du lịch cộng đồng",
    "công tác bảo vệ môi trường",
)
_ACTIONS = (
    "triển khai đồng bộ",
    "kiểm tra thường xuyên",
    "tháo gỡ vướng mắc",
    "ưu tiên nguồn lực",
    "tuyên truyền rộng rãi",
    "rà soát kỹ lưỡng",
    "hỗ trợ kịp thời",
    "đánh giá nghiêm túc",
)
_TEASERS = (
    "Khánh thành cầu mới nối hai bờ sông",
    "Nông dân thu hoạch lúa hè thu sớm",
    "Học sinh vùng cao vui đến trường",
    "Phát triển du lịch cộng đồng ở bản làng",
    "Tăng cường phòng chống dịch bệnh trên gia súc",
    "Doanh nghiệp đẩy mạnh xuất khẩu nông sản",
    "Xây dựng nông thôn mới kiểu mẫu",
    "Hội thi văn nghệ quần chúng mừng xuân",
)


@dataclass(frozen=True)
class Generated:
    root: Path
    article_paths: list[str]
    registry: Path


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def _prose(rng: random.Random) -> str:
    sentence = rng.choice(_PROSE).format(
        name=_name(rng),
        role=rng.choice(_ROLES).lower(),
        org=rng.choice(_ORGS),
        topic=rng.choice(_TOPICS),
        place=rng.choice(_PLACES),
        action=rng.choice(_ACTIONS),
    )
    return sentence[0].upper() + sentence[1:]


def _sentence(rng: random.Random, year: int) -> str:
    if rng.random() >= FIGURE_SHARE:
        return _prose(rng)
    return rng.choice(_TEMPLATES).format(
        year=year,
        subject=rng.choice(_SUBJECTS),
        unit=rng.choice(_UNITS),
        n1=f"{rng.randint(1, 999)}.{rng.randint(0, 999):03d}",
        n2=rng.randint(50, 900),
        n3=rng.randint(10, 900),
        n4=f"{rng.randint(1, 9)}.{rng.randint(0, 999):03d}",
        n5=f"{rng.randint(1, 99)},{rng.randint(1, 9)}",
        pct=f"{rng.randint(1, 30)},{rng.randint(0, 9)}",
        d=rng.randint(1, 28),
        m=rng.randint(1, 12),
        q=rng.choice(("I", "II", "III", "IV")),
        period=rng.choice(("6 tháng đầu năm", "9 tháng", "cả năm", f"năm {year}")),
        place=rng.choice(_PLACES),
        a=rng.randint(5, 15),
        b=rng.randint(15, 25),
        money=f"{rng.randint(10, 900)},{rng.randint(1, 9)}",
    )


def _head_extras(rng: random.Random) -> str:
    """The head's tags and inline blobs: metadata, preloads, an ads config, a stylesheet."""
    metas = "".join(
        f'<meta name="x-slot-{i}" content="{rng.randint(10**5, 10**6)}">' for i in range(30)
    )
    links = "".join(
        f'<link rel="preload" href="/static/chunk-{i}.js" as="script">' for i in range(12)
    )
    config = {
        f"slot_{i}": {"id": rng.randint(10**6, 10**7), "size": [300, 250]} for i in range(550)
    }
    style = "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px}}" for i in range(180))
    return f"{metas}{links}<style>{style}</style><script>window.ads={json.dumps(config)};</script>"


def _menu() -> str:
    """A header with a search form and a two-level menu (about 180 links)."""
    items = []
    for s in SECTIONS:
        subs = "".join(
            f'<li><a href="/{s}/muc-{i}" title="Mục {i}">Mục {i}</a></li>' for i in range(12)
        )
        items.append(
            f'<li class="menu-item"><a href="/{s}">{s.replace("-", " ").title()}</a>'
            f'<ul class="sub">{subs}</ul></li>'
        )
    extra = "".join(f'<li><a href="/chuyen-muc-{i}">Chuyên mục {i}</a></li>' for i in range(110))
    search = '<form action="/tim-kiem"><input name="q" type="text"><button>Tìm</button></form>'
    return (
        f'<header><div class="top"><span class="date">Thứ Hai</span>{search}</div>'
        f'<nav class="menu"><ul>{"".join(items)}{extra}</ul></nav></header>'
    )


def _card(rng: random.Random, path: str) -> str:
    """A teaser card, with the verbose markup of a real one (absolute links, image sizes)."""
    title = f"{rng.choice(_TEASERS)} (số {rng.randint(1, 9999)})"
    href = f"https://{DOMAIN}{path}"
    image = f"https://cdn.{DOMAIN}/images/2024/{rng.randint(1, 12):02d}/{rng.randint(10**6, 10**7)}"
    return (
        f'<article class="box-category-item story" data-id="{rng.randint(10**6, 10**7)}">'
        f'<figure class="box-category-item__thumb"><a class="box-category-link" href="{href}"'
        f' title="{title}"><img class="lazyload" src="{image}-300x200.jpg"'
        f' data-src="{image}-600x400.jpg" srcset="{image}-300x200.jpg 1x, {image}-600x400.jpg 2x"'
        f' alt="{title}" width="300" height="200" loading="lazy"></a></figure>'
        f'<h3 class="box-category-item__title"><a class="box-category-link" href="{href}"'
        f' title="{title}">{title}</a></h3>'
        f'<time class="box-category-item__time">{rng.randint(1, 28)}/{rng.randint(1, 12)}</time>'
        f'<p class="box-category-item__sapo">{_prose(rng)}</p></article>'
    )


def _boxes(rng: random.Random, paths: list[str]) -> str:
    """Related articles, a most-read list and a box of teaser cards per section."""
    related = "".join(_card(rng, p) for p in rng.sample(paths, min(6, len(paths))))
    most_read = "".join(
        f'<li><span class="rank">{n}</span><a href="{p}">{rng.choice(_TEASERS)}</a></li>'
        for n, p in enumerate(rng.sample(paths, min(10, len(paths))), start=1)
    )
    sections = "".join(
        f'<section class="box"><h2 class="box-title"><a href="/{s}">{s}</a></h2>'
        + "".join(_card(rng, p) for p in rng.sample(paths, min(8, len(paths))))
        + "</section>"
        for s in SECTIONS
    )
    return (
        f'<div class="related-news"><h3>Tin liên quan</h3>{related}</div>'
        f'<aside class="sidebar"><div class="most-read"><h2>Đọc nhiều</h2><ol>{most_read}</ol>'
        f"</div>{sections}</aside>"
    )


def _footer() -> str:
    links = "".join(f'<li><a href="/lien-ket-{i}">Liên kết {i}</a></li>' for i in range(100))
    return (
        f'<footer><ul class="links">{links}</ul>'
        "<p>Báo Mẫu, tờ báo sinh ra cho phép đo tốc độ.</p>"
        "<p>Địa chỉ: số 1 đường Mẫu, thành phố Mẫu. Điện thoại: 0238 000 000.</p></footer>"
    )


def _article_html(rng: random.Random, path: str, title: str, day: date, paths: list[str]) -> str:
    paragraphs = "".join(
        "<p>" + " ".join(_sentence(rng, day.year) for _ in range(rng.randint(3, 6))) + "</p>"
        for _ in range(rng.randint(6, 10))
    )
    picture = (
        f'<figure class="image"><img src="/img/{rng.randint(1, 10**6)}.jpg" alt="">'
        "<figcaption>Quang cảnh buổi làm việc. Ảnh: Minh Anh</figcaption></figure>"
    )
    stamp = f"{day.isoformat()}T08:{rng.randint(0, 59):02d}:00+07:00"
    ld = {"@type": "NewsArticle", "headline": title, "datePublished": stamp}
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="https://{DOMAIN}{path}">'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        f"{_head_extras(rng)}</head><body>{_menu()}<main><article>"
        f'<h1 class="title">{title}</h1><time datetime="{stamp}">{day:%d/%m/%Y}</time>'
        f'<div class="sapo">{_sentence(rng, day.year)}</div>'
        f'<div class="content">{picture}{paragraphs}'
        f'<p align="right"><strong>Minh Anh</strong></p></div>'
        f"</article>{_boxes(rng, paths)}</main>{_footer()}</body></html>"
    )


def _listing(title: str, links: list[tuple[str, str]], next_href: str | None) -> str:
    items = "".join(f'<div class="item"><h3><a href="{p}">{t}</a></h3></div>' for p, t in links)
    pager = f'<a rel="next" href="{next_href}">Trang sau</a>' if next_href else ""
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body>{_menu()}<main>{items}</main>{pager}</body></html>"
    )


def generate(root: Path, articles: int, seed: int = 2026) -> Generated:
    """Write a site of ``articles`` article pages under ``root``; returns what was made."""
    rng = random.Random(seed)
    start = date(2019, 1, 1)
    entries = []
    for i in range(articles):
        day = start + timedelta(days=(i * 2557) // max(articles, 1))
        slug = f"tin-tuc-phat-trien-kinh-te-dia-phuong-so-{i}"
        title = f"Tin phát triển kinh tế địa phương số {i} ngày {day:%d/%m/%Y}"
        entries.append((f"/{slug}-{1000000 + i}.html", title, day))
    paths = [p for p, _, _ in entries]
    root.mkdir(parents=True, exist_ok=True)
    for path, title, day in entries:
        (root / path.lstrip("/")).write_text(
            _article_html(rng, path, title, day, paths), encoding="utf-8"
        )
    newest_first = list(reversed(entries))
    (root / "index.html").write_text(
        _listing("Báo Mẫu", [(p, t) for p, t, _ in newest_first[:PER_LISTING]], None),
        encoding="utf-8",
    )
    for index, section in enumerate(SECTIONS):
        mine = [(p, t) for n, (p, t, _) in enumerate(newest_first) if n % len(SECTIONS) == index]
        pages = [mine[i : i + PER_LISTING] for i in range(0, len(mine), PER_LISTING)] or [[]]
        folder = root / section
        folder.mkdir(exist_ok=True)
        for number, chunk in enumerate(pages, start=1):
            nxt = f"/{section}?page={number + 1}" if number < len(pages) else None
            name = "index.html" if number == 1 else f"page-{number}.html"
            (folder / name).write_text(_listing(section, chunk, nxt), encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    # At the usual path, which the crawl tries: twenty listing pages a section (the crawl's
    # depth per run) hold 4,000 articles, the sitemap all of them.
    urls = "".join(
        f"<url><loc>https://{DOMAIN}{p}</loc><lastmod>{day:%Y-%m-%d}</lastmod></url>"
        for p, _, day in newest_first
    )
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n',
        encoding="utf-8",
    )
    registry = root.parent / f"{root.name}-registry.toml"
    registry.write_text(
        f'[[paper]]\nkey = "{KEY}"\nname = "Báo Mẫu Đo Tốc Độ"\ndomains = ["{DOMAIN}"]\n'
        'provinces_before_2025 = ["Nghệ An"]\nfamily = "root-id"\nverified = "pages"\n'
        f"sections = {json.dumps(['/' + s for s in SECTIONS])}\n",
        encoding="utf-8",
    )
    return Generated(root, paths, registry)
