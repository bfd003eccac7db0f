"""`baotinh extract`: dates and figures of a text or a page, as a report dict or JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

from registry import site_for_url
from transforms.clean import clean_article
from transforms.dates import extract_dates
from transforms.figures import extract_figures, with_bounded_sentence
from transforms.models import to_json_dict

DATE_FIELDS = ("text", "start", "end", "value", "grain", "first_day", "last_day", "relative")


def extract_report(
    text: str, published: date | None = None, *, html: bool = False, url: str | None = None
) -> dict[str, object]:
    """What ``--json`` prints. With ``html``, the page is cleaned first and the report also
    carries the article (``title``, ``published``, ``author``, ``text``); offsets point into
    ``text``. Relative dates resolve against ``published``, else the page's date, else today.
    """
    report: dict[str, object] = {}
    if html:
        site = site_for_url(url) if url else None
        article = clean_article(
            text,
            url or "about:blank",
            site.layouts if site else (),
            site_origin=site.origin if site else None,
            fetched_at=datetime.now(UTC),  # a page read now was not published tomorrow
            founded=site.founded if site else None,
            drop_params=site.drop_params if site else (),
        )
        text = article.text
        if published is None and article.published is not None:
            published = article.published.date()
        report.update(
            url=article.url,
            title=article.title,
            published=article.published.isoformat() if article.published else None,
            published_source=article.published_source,
            author=article.author,
            text=text,
        )
    reference = published or date.today()
    dates = extract_dates(text, reference)
    figures = extract_figures(text, reference, dates)
    report["reference_date"] = reference.isoformat()
    report["dates"] = [
        {k: v for k, v in to_json_dict(d).items() if k in DATE_FIELDS} for d in dates
    ]
    # sentences bounded as the warehouse stores them: a text of one endless "sentence" of
    # numbers would otherwise print it again with each of its figures
    report["figures"] = [to_json_dict(with_bounded_sentence(f, text)) for f in figures]
    return report


def extract_jsonl(lines: Iterable[str]) -> Iterator[str]:
    """One JSON result line per input line ``{"text": ..., "published": "YYYY-MM-DD"}``.

    A line that cannot be read gives ``{"error": ...}`` in its place, so outputs stay aligned
    with inputs.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            published = record.get("published")
            report = extract_report(
                record["text"], date.fromisoformat(published[:10]) if published else None
            )
            out = {"dates": report["dates"], "figures": report["figures"]}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            out = {"line": number, "error": f"{type(exc).__name__}: {exc}"}
        yield json.dumps(out, ensure_ascii=False)


def format_report(report: dict[str, object]) -> str:
    """A readable listing for the terminal."""
    lines = []
    if "title" in report:
        lines += [f"title:      {report['title']}", f"published:  {report['published']}"]
        lines += [f"author:     {report['author']}", ""]
    lines.append(f"dates (resolved against {report['reference_date']}):")
    for d in report["dates"]:
        lines.append(
            f"  {d['start']:>6}  {d['text']!r:<28} {_date_value(d['value'])} ({d['grain']})"
        )
    lines.append("figures:")
    for f in report["figures"]:
        unit = f["unit"] or ""
        period = f["period"]["value"] if f.get("period") else "-"
        lines.append(
            f"  {f['start']:>6}  {f['text']!r:<28} {f['value']:>16} {unit:<14} period {period}"
            + (f"  [{f['indicator']}]" if f.get("indicator") else "")
        )
    return "\n".join(lines)


def _date_value(value: object) -> str:
    return f"{value['from']}..{value['to']}" if isinstance(value, dict) else str(value)
