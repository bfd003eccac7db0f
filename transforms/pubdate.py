"""When was an article published? Read from the page, most trustworthy source first.

Order: the layout's ``published`` selector, JSON-LD ``datePublished``, publication ``<meta>``
tags, a ``<time datetime>`` near the title, a visible date near the title ("Thứ Tư,
24/12/2025 09:30", "08/01/2026 - 18:21"), a date in the URL, and htmldate as a last resort.
Modified/updated dates are never read. A candidate with a date but no time does not win
over a later candidate with a time on the same day (JSON-LD ``"2026-01-08"`` versus a
visible ``08/01/2026 - 18:21``). Everything is returned in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from lxml.html import HtmlElement

from transforms.dom import DocIndex, class_id, in_foreign_context, select, text_of
from transforms.layout import PageLayout
from transforms.models import DateSource
from transforms.pagemeta import PageMeta

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR, MAX_YEAR = 1990, 2100

# <meta> keys (property, name or itemprop, lowercased) holding the publication time.
PUBLISHED_META_KEYS: tuple[str, ...] = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "article_date_original",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "sailthru.date",
    "parsely-pub-date",
    "date",
)
# <meta> keys of a modification time: htmldate's guess is refused when it is one of these.
MODIFIED_META_KEYS: tuple[str, ...] = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dc.date.modified",
    "dcterms.modified",
)
# Attributes of an element that may hold a machine-readable time.
TIME_ATTRIBUTES: tuple[str, ...] = ("datetime", "content", "data-datetime", "data-time", "title")
# class/id words of elements that show the publication time.
DATE_CLASS = re.compile(
    r"date|time|publish|pubdate|posted|ngay-?dang|datetime|timestamp|created|byline|meta"
)
# Visible labels of a modification time, which is never the publication time.
MODIFIED_WORDS: tuple[str, ...] = ("cập nhật", "sửa lần cuối", "chỉnh sửa", "updated", "modified")
MAX_VISIBLE_DATE_CHARS = 120  # an element with more text is not a date label
NEAR_TITLE = 40  # elements around the title searched for an unlabelled visible date

_DMY = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>(?:19|20)\d{2})"
_WORDY_DMY = r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>(?:19|20)\d{2})"
_HM = (
    r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?"
    r"(?:\s*(?P<ampm>AM|PM|SA|CH)\b)?"
)
_TZ = r"(?:\s*\(?\s*(?:GMT|UTC)?\s*(?P<tz>[+-]\d{1,2}(?::?\d{2})?)\s*\)?)?"
_SEP = r"\s*(?:[,|\-–]\s*)?(?:lúc\s+)?"
_VISIBLE_PATTERNS = (
    re.compile(rf"(?<!\d){_DMY}(?!\d){_SEP}{_HM}{_TZ}", re.IGNORECASE),
    re.compile(rf"(?<!\d){_HM}{_TZ}\s*(?:[,|\-–]\s*)?(?:[^\d]{{0,12}}?){_DMY}(?!\d)", re.I),
    re.compile(rf"(?<!\d){_DMY}(?!\d)", re.IGNORECASE),
    re.compile(_WORDY_DMY, re.IGNORECASE),
)
# /2023/01/12/, /20230112/ (8 digits), /d20230112091014465.htm (date and time)
_URL_DATETIME = re.compile(
    r"[/\-_.]d?(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)"
    r"(?P<H>[0-2]\d)(?P<M>[0-5]\d)(?P<S>[0-5]\d)?\d*\.html?$"
)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/\-](?P<m>[01]?\d)[/\-](?P<d>[0-3]?\d)(?:/|$)"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)/"
)
_URL_MONTH = re.compile(
    r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)/|/(?P<y2>(?:19|20)\d{2})/(?P<m2>[01]\d)/"
)
_ISO_BASIC_TZ = re.compile(r"([+-]\d{2})(\d{2})$")


@dataclass(frozen=True)
class PublishedDate:
    """A publication time, where it was read, and whether the source gave a time of day."""

    value: datetime
    source: DateSource
    has_time: bool = True


Parsed = tuple[datetime, bool]  # (aware datetime in VN_TZ, has a time of day)


# --- parsing strings --------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)


def _plausible(value: datetime) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def parse_iso_datetime(text: str) -> Parsed | None:
    """Parse ISO 8601 (``+0700``, ``+07:00``, ``Z``, fractions, date only), RFC 822 or epoch.

    A value without an offset is Vietnamese local time; a date alone is local midnight.
    """
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (10, 13):  # unix epoch, seconds or milliseconds
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        value = datetime.fromtimestamp(seconds, tz=UTC)
        return (_local(value), True) if _plausible(value) else None
    candidate = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    if re.search(r"T\d", candidate):
        candidate = _ISO_BASIC_TZ.sub(r"\1:\2", candidate)
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if value is None:
            return None
        return (_local(value), True) if _plausible(value) else None
    has_time = bool(re.search(r"\d[T ]\d", candidate))
    return (_local(value), has_time) if _plausible(value) else None


def parse_visible_datetime(text: str) -> Parsed | None:
    """Parse a date as Vietnamese pages show it: day first, optional time and GMT offset.

    "Thứ Tư, 24/12/2025 09:30", "08/01/2026 - 18:21", "22/10/2025, 19:25 (GMT+7)",
    "09:30 24/12/2025", "ngày 5 tháng 3 năm 2024". Returns None for impossible dates.
    """
    for pattern in _VISIBLE_PATTERNS:
        for match in pattern.finditer(text or ""):
            parsed = _from_match(match)
            if parsed is not None:
                return parsed
    return None


def _from_match(match: re.Match[str]) -> Parsed | None:
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
    except ValueError:
        return None
    if parts.get("H") is None:
        return datetime(day.year, day.month, day.day, tzinfo=VN_TZ), False
    hour, minute, second = int(parts["H"]), int(parts["M"]), int(parts.get("S") or 0)
    ampm = (parts.get("ampm") or "").upper()
    if ampm in ("PM", "CH") and hour < 12:
        hour += 12
    elif ampm in ("AM", "SA") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    value = datetime(day.year, day.month, day.day, hour, minute, second)
    if parts.get("tz"):
        value = value.replace(tzinfo=_offset(parts["tz"]))
    return _local(value), True


def _offset(text: str) -> timezone:
    sign = -1 if text.startswith("-") else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def date_from_url(url: str) -> Parsed | None:
    """A day (and time, when encoded) in a URL path: ``/2023/01/12/``, ``/d20230112091014.htm``."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    match = _URL_DATETIME.search(path)
    if match:
        try:
            value = datetime(
                *(int(match[k]) for k in ("y", "m", "d", "H", "M")), int(match["S"] or 0)
            )
        except ValueError:
            value = None
        if value is not None:
            return _local(value), True
    match = _URL_DATE.search(path)
    if match:
        y, m, d = (
            (match["y"], match["m"], match["d"])
            if match["y"]
            else (match["y2"], match["m2"], match["d2"])
        )
        try:
            return datetime(int(y), int(m), int(d), tzinfo=VN_TZ), False
        except ValueError:
            return None
    return None


def month_from_url(url: str) -> tuple[int, int] | None:
    """A year and month in the URL path (``/202210/``, ``/2022/10/``), or None."""
    match = _URL_MONTH.search(url.split("?", 1)[0])
    if not match:
        return None
    year, month = (match["y"], match["m"]) if match["y"] else (match["y2"], match["m2"])
    return (int(year), int(month)) if 1 <= int(month) <= 12 else None


# --- reading the page -------------------------------------------------------------------------


def find_published(
    root: HtmlElement,
    url: str = "",
    *,
    layout: PageLayout | None = None,
    meta: PageMeta | None = None,
    anchor: HtmlElement | None = None,
    index: DocIndex | None = None,
) -> PublishedDate | None:
    """The article's publication time, or None.

    ``anchor`` is the article's title element: element candidates are taken nearest to it
    and never from teasers, sidebars or related boxes.
    """
    index = index or DocIndex(root)
    first: PublishedDate | None = None
    for candidate in _candidates(root, url, layout, meta, anchor, index):
        if first is None:
            if candidate.has_time:
                return candidate
            first = candidate
        elif candidate.has_time and candidate.value.date() == first.value.date():
            return candidate
    if first is not None:
        return first
    guess = _from_htmldate(root, url)
    if (
        guess is not None
        and guess.source == "htmldate"
        and meta is not None
        and guess.value.date() in _modified_days(meta)
    ):
        return None  # htmldate fell back to the modification time we refuse to use
    return guess


def _candidates(
    root: HtmlElement,
    url: str,
    layout: PageLayout | None,
    meta: PageMeta | None,
    anchor: HtmlElement | None,
    index: DocIndex,
) -> Iterator[PublishedDate]:
    if layout is not None:
        for selector in layout.published:
            for el in select(root, selector):
                found = _from_element(el)
                if found is not None:
                    yield found
                    break
    if meta is not None:
        if meta.article is not None:
            parsed = parse_iso_datetime(str(meta.article.get("datePublished") or ""))
            if parsed:
                yield PublishedDate(parsed[0], "json-ld", parsed[1])
        for key in PUBLISHED_META_KEYS:
            for tag in meta.all(key):
                if not tag.in_head and in_foreign_context(tag.element, anchor):
                    continue
                parsed = parse_iso_datetime(tag.content)
                if parsed:
                    yield PublishedDate(parsed[0], "meta", parsed[1])
                    break
    yield from _time_element(root, anchor, index)
    yield from _visible_text(root, anchor, index)
    parsed = date_from_url(url) if url else None
    if parsed:
        yield PublishedDate(parsed[0], "url", parsed[1])


def _modified_days(meta: PageMeta) -> set[date]:
    values = [tag.content for key in MODIFIED_META_KEYS for tag in meta.all(key)]
    if meta.article is not None:
        values.append(str(meta.article.get("dateModified") or ""))
    parsed = (parse_iso_datetime(v) for v in values)
    return {p[0].date() for p in parsed if p}


def _from_element(el: HtmlElement) -> PublishedDate | None:
    """A date held by a layout-selected element: attribute first, then its text."""
    for attr in TIME_ATTRIBUTES:
        value = el.get(attr)
        parsed = parse_iso_datetime(value) if value else None
        if parsed:
            source: DateSource = "meta" if el.tag == "meta" else "time-element"
            return PublishedDate(parsed[0], source, parsed[1])
    parsed = parse_visible_datetime(text_of(el))
    return PublishedDate(parsed[0], "visible-text", parsed[1]) if parsed else None


def _time_element(
    root: HtmlElement, anchor: HtmlElement | None, index: DocIndex
) -> Iterator[PublishedDate]:
    candidates = [
        el
        for el in select(root, "time[datetime], [itemprop=datePublished][datetime]")
        if not in_foreign_context(el, anchor)
    ]
    el = index.nearest(candidates, anchor)
    if el is not None:
        parsed = parse_iso_datetime(el.get("datetime", ""))
        if parsed:
            yield PublishedDate(parsed[0], "time-element", parsed[1])


def _visible_text(
    root: HtmlElement, anchor: HtmlElement | None, index: DocIndex
) -> Iterator[PublishedDate]:
    labelled: list[tuple[HtmlElement, tuple[datetime, bool]]] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not DATE_CLASS.search(class_id(el)):
            continue
        found = _short_date(el)
        if found and not in_foreign_context(el, anchor):
            labelled.append((el, found))
    if labelled:
        best = index.nearest([el for el, _ in labelled], anchor)
        parsed = next(p for el, p in labelled if el is best)
        yield PublishedDate(parsed[0], "visible-text", parsed[1])
        return
    if anchor is None:
        return
    where = index.position(anchor)
    nearby = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and el is not anchor
        and abs(index.position(el) - where) <= NEAR_TITLE
        and not in_foreign_context(el, anchor)
    ]
    for el in sorted(nearby, key=lambda e: abs(index.position(e) - where)):
        found = _short_date(el)
        if found and found[1]:  # unlabelled text must show a time to count as the dateline
            yield PublishedDate(found[0], "visible-text", True)
            return


def _short_date(el: HtmlElement) -> Parsed | None:
    text = text_of(el)
    if not text or len(text) > MAX_VISIBLE_DATE_CHARS:
        return None
    if any(word in text.casefold() for word in MODIFIED_WORDS):
        return None
    return parse_visible_datetime(text)


def _from_htmldate(root: HtmlElement, url: str) -> PublishedDate | None:
    """htmldate's guess (a day, no time), constrained to the URL's month when it has one."""
    from htmldate import find_date  # imported lazily: rarely needed and slow to import

    try:
        found = find_date(deepcopy(root), original_date=True, url=url or None)
    except Exception:  # htmldate raises assorted errors on odd markup; a guess is optional
        found = None
    month = month_from_url(url) if url else None
    if found:
        value = datetime.fromisoformat(found).replace(tzinfo=VN_TZ)
        if month is None or (value.year, value.month) == month:
            return PublishedDate(value, "htmldate", False)
    if month is not None:
        return PublishedDate(datetime(*month, 1, tzinfo=VN_TZ), "url", False)
    return None
