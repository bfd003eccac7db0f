"""How well does cleaning recover an article's text? Token F1 against hand-made gold.

The gold of each real page in ``../shared/pages`` is a spec in ``tests/gold/<stem>.json``
that selects exactly the article-text elements (title, lead, body; include and exclude lists
of CSS or XPath), so no article text is copied into the repository: the gold text is built
at run time from the page. The metric is bag-of-tokens F1 (NFC, lowercase, split on
whitespace and punctuation) between title + lead + body of the cleaned article and the gold.

``python -m bench.cleaning [SHARED_DIR]`` prints per page the F1 of ``clean_article`` and
of bare ``trafilatura.extract`` (defaults, no comments), the means, and pages per second.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector

from transforms.clean import clean_article

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
DEFAULT_SHARED = REPO.parent / "shared"
_SKIP = {"script", "style", "noscript", "template"}
_TOKEN = re.compile(r"\w+")


# --- metric -----------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """NFC, lowercased word tokens; punctuation and whitespace separate tokens."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text).casefold())


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-tokens F1 between two texts (1.0 when both are empty)."""
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


# --- gold -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gold:
    """The hand extraction of one page, built from its spec."""

    stem: str
    page: Path
    title: str
    lead: str
    body: list[str]

    @property
    def text(self) -> str:
        return "\n".join([self.title, self.lead, *self.body])


def _select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    if selector.startswith(("/", "(")):
        return list(root.xpath(selector))
    return CSSSelector(selector)(root)


def _text(el: lxml.html.HtmlElement, excluded: set[lxml.html.HtmlElement]) -> str:
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if node in excluded or not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join(unicodedata.normalize("NFC", "".join(parts)).split())


def _pick(root: lxml.html.HtmlElement, include: Iterable[str], exclude: Iterable[str]) -> list[str]:
    excluded = {el for s in exclude for el in _select(root, s)}
    chosen: list[lxml.html.HtmlElement] = []
    for selector in include:
        for el in _select(root, selector):
            if el not in excluded and el not in chosen:
                chosen.append(el)
    order = {el: i for i, el in enumerate(root.iter())}
    chosen.sort(key=order.__getitem__)
    texts = [_text(el, excluded) for el in chosen]
    return [t for t in texts if t]


def load_gold(spec_path: Path, shared: Path) -> Gold:
    """Build the gold text of one page from its spec and the saved page."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    page = shared / "pages" / spec["page"]
    parser = lxml.html.HTMLParser(encoding="utf-8")
    root = lxml.html.fromstring(page.read_bytes(), parser=parser)
    body = spec["body"]
    return Gold(
        stem=spec_path.stem,
        page=page,
        title=" ".join(_pick(root, spec["title"], [])),
        lead=" ".join(_pick(root, spec.get("lead") or [], [])),
        body=_pick(root, body["include"], body.get("exclude", [])),
    )


def gold_specs() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.json"))


# --- run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageScore:
    stem: str
    site: str
    ours: float
    bare: float


def article_text(html: str, url: str) -> str:
    """Title + lead + body of our cleaned article."""
    article = clean_article(html, url)
    return "\n".join(p for p in (article.title, article.lead, article.body) if p)


def bare_text(html: str) -> str:
    """Bare trafilatura: defaults, comments off."""
    return trafilatura.extract(html, include_comments=False) or ""


def score_all(shared: Path = DEFAULT_SHARED) -> list[PageScore]:
    scores = []
    for spec in gold_specs():
        gold = load_gold(spec, shared)
        html = gold.page.read_text(encoding="utf-8")
        url = f"https://{gold.page.parent.name}/{gold.page.name}"
        scores.append(
            PageScore(
                stem=spec.stem,
                site=gold.page.parent.name,
                ours=token_f1(article_text(html, url), gold.text),
                bare=token_f1(bare_text(html), gold.text),
            )
        )
    return scores


def bare_with_metadata(html: str, url: str) -> None:
    """The issue's reference: bare trafilatura extracting text and metadata, as we do."""
    trafilatura.bare_extraction(html, url=url, with_metadata=True)


def pages_per_second(shared: Path = DEFAULT_SHARED, rounds: int = 5) -> tuple[float, float, float]:
    """Pages per second of ours, of bare trafilatura with metadata and of bare trafilatura's
    text alone, over the gold pages (parsing included), in CPU time, best of ``rounds``."""
    pages = [load_gold(spec, shared).page for spec in gold_specs()]
    htmls = [(p.read_text(encoding="utf-8"), f"https://{p.parent.name}/{p.name}") for p in pages]
    runs = (article_text, bare_with_metadata, lambda h, u: bare_text(h))
    best = [0.0, 0.0, 0.0]
    for _ in range(rounds):  # interleaved, so a busy moment of the machine hits all three
        for i, run in enumerate(runs):
            start = time.process_time()
            for html, url in htmls:
                run(html, url)
            best[i] = max(best[i], len(htmls) / (time.process_time() - start))
    return best[0], best[1], best[2]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    shared = Path(args[0]) if args else DEFAULT_SHARED
    if not (shared / "pages").is_dir():
        print(f"no saved pages under {shared}/pages; nothing to measure", file=sys.stderr)
        return 1
    scores = score_all(shared)
    width = max(len(s.site) for s in scores)
    print(f"{'page':<{width}}  {'ours':>6}  {'bare':>6}")
    for s in scores:
        print(f"{s.site:<{width}}  {s.ours:6.4f}  {s.bare:6.4f}")
    mean_ours = sum(s.ours for s in scores) / len(scores)
    mean_bare = sum(s.bare for s in scores) / len(scores)
    print(f"{'mean':<{width}}  {mean_ours:6.4f}  {mean_bare:6.4f}")
    ours, with_metadata, text_only = pages_per_second(shared)
    print(
        f"pages/second (CPU): ours {ours:.1f}; bare trafilatura with metadata {with_metadata:.1f}"
        f" ({ours / with_metadata:.2f}×, target ≥ 1.0×), text only {text_only:.1f}"
        f" ({ours / text_only:.2f}×)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
