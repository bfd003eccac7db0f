"""A generated provincial paper of any size, for the throughput bench.

Pages are built like real provincial pages: a large chrome (menus, inline scripts and
styles, related-article boxes, a footer) around a news article of a few hundred words full
of dates and figures, so an article page weighs about 100 KB. The site has a home page,
sections paginated with ``?page=N`` and a sitemap. Sentences are our own templates filled
from a seeded random generator: the same arguments give the same site.
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
    "Người dân trong vùng cho biết mùa màng năm nay thuận lợi, giá bán ổn định hơn.",
    "Lãnh đạo sở đề nghị các địa phương tiếp tục rà soát, tháo gỡ khó khăn cho doanh nghiệp.",
)


@dataclass(frozen=True)
class Generated:
    root: Path
    article_paths: list[str]
    registry: Path


def _sentence(rng: random.Random, year: int) -> str:
    template = rng.choice(_TEMPLATES)
    return template.format(
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


def _chrome_script(rng: random.Random) -> str:
    """Inline script and style blobs such as real pages carry (about 45 KB)."""
    config = {
        f"slot_{i}": {"id": rng.randint(10**6, 10**7), "size": [300, 250]} for i in range(400)
    }
    style = "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i:06x}}}" for i in range(500)
    )
    return f"<style>{style}</style><script>window.ads={json.dumps(config)};</script>"


def _menu() -> str:
    links = "".join(f'<li><a href="/{s}">{s.replace("-", " ").title()}</a></li>' for s in SECTIONS)
    extra = "".join(f'<li><a href="/chuyen-muc-{i}">Chuyên mục {i}</a></li>' for i in range(120))
    return f'<header><nav class="menu"><ul>{links}{extra}</ul></nav></header>'


def _related(rng: random.Random, paths: list[str]) -> str:
    items = "".join(
        f'<li><a href="{p}">Tin liên quan số {rng.randint(1, 9999)} về kinh tế xã hội</a></li>'
        for p in rng.sample(paths, min(12, len(paths)))
    )
    return f'<div class="related-news"><h3>Tin liên quan</h3><ul>{items}</ul></div>'


def _article_html(rng: random.Random, path: str, title: str, day: date, paths: list[str]) -> str:
    paragraphs = "".join(
        "<p>" + " ".join(_sentence(rng, day.year) for _ in range(rng.randint(3, 6))) + "</p>"
        for _ in range(rng.randint(8, 14))
    )
    stamp = f"{day.isoformat()}T08:{rng.randint(0, 59):02d}:00+07:00"
    ld = {"@type": "NewsArticle", "headline": title, "datePublished": stamp}
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="https://{DOMAIN}{path}">'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        f"{_chrome_script(rng)}</head><body>{_menu()}<main><article>"
        f'<h1 class="title">{title}</h1><time datetime="{stamp}">{day:%d/%m/%Y}</time>'
        f'<div class="sapo">{_sentence(rng, day.year)}</div>'
        f'<div class="content">{paragraphs}<p align="right"><strong>Minh Anh</strong></p></div>'
        f"</article>{_related(rng, paths)}</main>"
        f"<footer><p>Báo Mẫu, tờ báo sinh ra cho phép đo tốc độ.</p></footer></body></html>"
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
