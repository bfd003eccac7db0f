"""The registry as a Markdown page (``docs/papers.md``): what each entry rests on.

Regenerate the page with ``python -m registry.table > docs/papers.md``; a test fails when
the page and the registry differ.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping

from registry import provinces
from registry.site import VERIFIED_LEVELS, Site

INTRO = """\
# The papers in the registry

Generated from `registry/papers.toml` by `python -m registry.table > docs/papers.md`; do not
edit by hand. The facts behind each entry (URL shapes by era, domains, what is inferred) are
in its `notes`; the research they come from is `shared/provincial_papers.md` and
`shared/sites.md`.

## What `verified` means

- **pages**: the entry was checked against real pages of the site saved in `shared/pages`
  (the markup of its family and its URL shape).
- **urls**: real article URLs of the site were seen (in public pages or public code);
  where the research gives one in full, `tests/test_registry.py` checks that the entry
  accepts it. The markup was not checked against a page.
- **unverified**: the domain comes from site lists or other people's crawler configs; no real
  article URL was seen. The family, if any, comes from a config; without one every URL
  shape is tried.

Nothing here was checked against the live sites. A paper whose site changed after the
research may still be registered under its old shape.

## Confirming an entry

With internet access, run `baotinh check-site KEY`. It fetches the site's robots.txt, its
discovery sources (the sitemaps and feeds robots.txt or the entry names, the home page's
advertised feeds and menus), one listing page and three articles through the real spider,
cleans the articles, and prints what was found and what failed. When it finds articles with
a title, a date and a body, set `verified = "urls"` on the entry (with the URL shapes seen in
`notes`); when it finds none, fix the entry (domain, `family`, `article_paths`, `sections`)
and run it again. Then regenerate this page.

"""

_COLUMNS = (
    "key",
    "name",
    "domains",
    "province after 2025",
    "provinces before 2025",
    "family",
    "verified",
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _order(site: Site) -> tuple[int, str]:
    return int(provinces.lookup(site.province, "from_2025").code), site.key


def _row(site: Site) -> str:
    domains = ", ".join(site.domains)
    if site.hosts:
        domains += "; hosts " + ", ".join(site.hosts)
    family = site.family or "(any)"
    if site.article_paths:
        family += " + own paths"
    if site.active_until:
        domains += f" (until {site.active_until.isoformat()})"
    cells = (
        f"`{site.key}`",
        site.name,
        domains,
        site.province,
        ", ".join(site.provinces_before_2025),
        family,
        site.verified,
    )
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def papers_markdown(sites: Mapping[str, Site] | Iterable[Site]) -> str:
    """The page: the text on verification, then one table row per paper, ordered by the
    post-2025 province (official code order) and key."""
    papers = sorted(sites.values() if isinstance(sites, Mapping) else sites, key=_order)
    counts = Counter(site.verified for site in papers)
    before = {name for site in papers for name in site.provinces_before_2025}
    after = {site.province for site in papers}
    summary = (
        f"{len(papers)} papers; they cover {len(before)} of the "
        f"{len(provinces.provinces_before_2025())} provinces before 2025 and {len(after)} of "
        f"the {len(provinces.provinces_from_2025())} since 1 July 2025. Verified: "
        + ", ".join(f"{level} {counts[level]}" for level in VERIFIED_LEVELS)
        + ".\n"
    )
    legend = (
        'Family "(any)": every URL shape is tried. "+ own paths": the entry adds regexes '
        "(`article_paths`) for shapes no family has.\n"
    )
    header = "| " + " | ".join(_COLUMNS) + " |\n|" + "---|" * len(_COLUMNS) + "\n"
    rows = "".join(_row(site) + "\n" for site in papers)
    return f"{INTRO}## The papers\n\n{summary}\n{legend}\n{header}{rows}"


def main() -> int:
    from registry import BUILTIN_REGISTRY
    from registry.site import load_registry

    sys.stdout.buffer.write(papers_markdown(load_registry(BUILTIN_REGISTRY)).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
