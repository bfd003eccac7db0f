"""When was an article published? Read from the page, most trustworthy source first.

Order: the layout's ``published`` selector, JSON-LD ``datePublished``, publication ``<meta>``
tags, a ``<time datetime>`` near the title, a visible date near the title ("Thứ Tư,
24/12/2025 09:30", "08/01/2026 - 18:21"), a date in the URL, and htmldate as a last resort.
Modified/updated dates are never read. A candidate with a date but no time does not win
over a later candidate with a time on the same day (JSON-LD ``"2026-01-08"`` versus a
visible ``08/01/2026 - 18:21``). Everything is returned in Asia/Ho_Chi_Minh.

Traps of real CMSs: a ``<meta>`` written in the server's US locale (``9/11/2021 3:29:47 PM``
is 11 September) ranks below the page's own dateline and is read month-first when it
carries AM/PM; a UTC ``Z`` stamp whose wall-clock time is the one another source shows in
local time is local time mislabelled; dates in the page's furniture (the top bar's clock
showing today) are never the publication date.

A candidate outside the paper's life is rejected in favour of the next source, and the
rejection is recorded (:class:`PublicationTime`): one more than :data:`CLOCK_SKEW` after the
page was fetched (a date in 2099, a CMS's default far-future stamp) or before the paper was
founded (:data:`EARLIEST` when unknown: an epoch-zero 1970 stamp).
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

from registry.layout import PageLayout
from transforms.dom import (
    PAGE_CHROME,
    DocIndex,
    class_id,
    in_foreign_context,
    in_page_chrome,
    select,
    text_of,
)
from transforms.models import DateSource
from transforms.pagemeta import PageMeta

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR, MAX_YEAR = 1900, 2100  # what a parsed year may be at all
EARLIEST = date(1990, 1, 1)  # no Vietnamese paper published online before this
CLOCK_SKEW = timedelta(days=1)  # how far after the fetch a stated time may be

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
# "9/11/2021 3:29:47 PM", "11/09/2021 15:29": a whole <meta> value in a locale format
_SLASH_DATETIME = re.compile(
    r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d{2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?"
    r"(?:\s*(?P<ampm>AM|PM))?)?$",
    re.IGNORECASE,
)
# a written offset of zero: "Z", "+00:00", "+0000"
_UTC_SUFFIX = re.compile(r"(?:Z|[+-]00:?00)$", re.IGNORECASE)
# a date alone shown this far before the title is not its dateline (a top-bar clock)
NEAR_TITLE_DAY_ONLY = 15


@dataclass(frozen=True)
class PublishedDate:
    """A publication time, where it was read, and whether the source gave a time of day."""

    value: datetime
    source: DateSource
    has_time: bool = True


Parsed = tuple[datetime, bool]  # (aware datetime in VN_TZ, has a time of day)


@dataclass(frozen=True)
class PublicationTime:
    """The accepted publication time, and the candidates rejected as outside the paper's
    life (``"meta 2099-01-01 10:00: after the fetch"``), in the order they were met."""

    found: PublishedDate | None
    rejected: tuple[str, ...] = ()


@dataclass(frozen=True)
class Window:
    """When a publication time can be: from ``earliest`` to ``latest`` (None: open)."""

    earliest: date = EARLIEST
    latest: datetime | None = None

    @classmethod
    def of(cls, fetched_at: datetime | None = None, founded: date | None = None) -> Window:
        """The window of a page fetched at ``fetched_at`` from a paper founded on ``founded``."""
        latest = fetched_at + CLOCK_SKEW if fetched_at is not None else None
        return cls(max(founded or EARLIEST, EARLIEST), latest)

    def refusal(self, found: PublishedDate) -> str | None:
        """Why ``found`` cannot be the publication time, or None."""
        value = found.value
        if self.latest is not None and value > self.latest.astimezone(VN_TZ):
            return f"{found.source} {value:%Y-%m-%d %H:%M}: after the fetch"
        if value.date() < self.earliest:
            return f"{found.source} {value:%Y-%m-%d}: before {self.earliest}"
        return None


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


def parse_slash_datetime(text: str) -> Parsed | None:
    """Parse a locale-formatted ``<meta>`` value such as ``9/11/2021 3:29:47 PM``.

    With an AM/PM marker it is the US format (.NET's ``M/d/yyyy h:mm:ss tt``): month first.
    Without one it is read day first, as Vietnamese pages write dates, unless only the
    month-first reading is a real date (``9/28/2021``).
    """
    match = _SLASH_DATETIME.match((text or "").strip())
    if match is None:
        return None
    first, second = int(match["a"]), int(match["b"])
    us = bool(match["ampm"]) or (second > 12 >= first)
    day, month = (second, first) if us else (first, second)
    try:
        value = datetime(int(match["y"]), month, day)
    except ValueError:
        return None
    if match["H"] is None:
        return value.replace(tzinfo=VN_TZ), False
    hour, minute, second_ = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    ampm = (match["ampm"] or "").upper()
    if ampm == "PM" and hour < 12:
        hour += 12
    elif ampm == "AM" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second_ > 59:
        return None
    return value.replace(hour=hour, minute=minute, second=second_, tzinfo=VN_TZ), True


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


@dataclass(frozen=True)
class _Candidate:
    """A candidate date; ``local`` is the wall-clock reading of a UTC stamp, in VN_TZ."""

    found: PublishedDate
    local: datetime | None = None


def find_published(
    root: HtmlElement,
    url: str = "",
    *,
    layout: PageLayout | None = None,
    meta: PageMeta | None = None,
    anchor: HtmlElement | None = None,
    index: DocIndex | None = None,
    window: Window | None = None,
) -> PublishedDate | None:
    """The article's publication time, or None (see :func:`publication_time`)."""
    return publication_time(
        root, url, layout=layout, meta=meta, anchor=anchor, index=index, window=window
    ).found


def publication_time(
    root: HtmlElement,
    url: str = "",
    *,
    layout: PageLayout | None = None,
    meta: PageMeta | None = None,
    anchor: HtmlElement | None = None,
    index: DocIndex | None = None,
    window: Window | None = None,
) -> PublicationTime:
    """The article's publication time and the candidates rejected as outside ``window``
    (default: not before :data:`EARLIEST`, no upper bound).

    ``anchor`` is the article's title element: element candidates are taken nearest to it
    and never from teasers, sidebars, related boxes or the page's furniture.
    """
    window = window or Window()
    index = index or DocIndex(root)
    # Worked out in order, only as far as the answer needs: most pages are settled by their
    # first candidate (JSON-LD or meta); only a UTC stamp is checked against all the others.
    candidates = _InOrder(_candidates(root, url, layout, meta, anchor, index))
    rejected: list[str] = []
    first: PublishedDate | None = None
    for candidate in candidates:
        found = _reconciled(candidate, candidates.all() if candidate.local is not None else [])
        refusal = window.refusal(found)
        if refusal:
            rejected.append(refusal)
            continue
        if first is None:
            if found.has_time:
                return PublicationTime(found, tuple(rejected))
            first = found
        elif found.has_time and found.value.date() == first.value.date():
            return PublicationTime(found, tuple(rejected))
    if first is not None:
        return PublicationTime(first, tuple(rejected))
    refused = _furniture_days(root, anchor, index) | (
        _modified_days(meta) if meta is not None else set()
    )
    guess = _from_htmldate(root, url, refused)
    refusal = window.refusal(guess) if guess else None
    if refusal:
        return PublicationTime(None, (*rejected, refusal))
    return PublicationTime(guess, tuple(rejected))


class _InOrder:
    """The candidates of a page, each worked out when first asked for."""

    def __init__(self, pending: Iterator[_Candidate]) -> None:
        self._pending = pending
        self._seen: list[_Candidate] = []

    def __iter__(self) -> Iterator[_Candidate]:
        i = 0
        while True:
            if i == len(self._seen):
                candidate = next(self._pending, None)
                if candidate is None:
                    return
                self._seen.append(candidate)
            yield self._seen[i]
            i += 1

    def all(self) -> list[_Candidate]:
        """Every candidate of the page, in order."""
        self._seen.extend(self._pending)
        return self._seen


def _reconciled(candidate: _Candidate, others: list[_Candidate]) -> PublishedDate:
    """A UTC stamp is local time mislabelled when another source shows its wall-clock time."""
    found, local = candidate.found, candidate.local
    if local is None:
        return found
    for other in others:
        if other is candidate or other.local is not None or not other.found.has_time:
            continue
        if _same_minute(other.found.value, local):
            return PublishedDate(local, found.source, True)
    return found


def _same_minute(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 60 and a.minute == b.minute


def _iso(text: str, source: DateSource) -> _Candidate | None:
    parsed = parse_iso_datetime(text)
    if not parsed:
        return None
    local = None
    if parsed[1] and _UTC_SUFFIX.search(text.strip()):
        local = parsed[0].astimezone(UTC).replace(tzinfo=VN_TZ)
    return _Candidate(PublishedDate(parsed[0], source, parsed[1]), local)


def _candidates(
    root: HtmlElement,
    url: str,
    layout: PageLayout | None,
    meta: PageMeta | None,
    anchor: HtmlElement | None,
    index: DocIndex,
) -> Iterator[_Candidate]:
    if layout is not None:
        for selector in layout.published:
            for el in select(root, selector):
                found = _from_element(el)
                if found is not None:
                    yield _Candidate(found)
                    break
    deferred: list[_Candidate] = []  # locale-formatted <meta>: below the page's own dateline
    if meta is not None:
        if meta.article is not None:
            candidate = _iso(str(meta.article.get("datePublished") or ""), "json-ld")
            if candidate:
                yield candidate
        for key in PUBLISHED_META_KEYS:
            for tag in meta.all(key):
                if not tag.in_head and in_foreign_context(tag.element, anchor):
                    continue
                candidate = _iso(tag.content, "meta")
                if candidate:
                    yield candidate
                    break
                parsed = parse_slash_datetime(tag.content)
                if parsed:
                    deferred.append(_Candidate(PublishedDate(parsed[0], "meta", parsed[1])))
                    break
    for found in _time_element(root, anchor, index):
        yield _Candidate(found)
    for found in _visible_text(root, anchor, index):
        yield _Candidate(found)
    yield from deferred
    parsed = date_from_url(url) if url else None
    if parsed:
        yield _Candidate(PublishedDate(parsed[0], "url", parsed[1]))


def _furniture_days(root: HtmlElement, anchor: HtmlElement | None, index: DocIndex) -> set[date]:
    """Days shown by the page's furniture (the top bar's clock): never a publication date."""
    days: set[date] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        chrome = PAGE_CHROME.search(class_id(el))
        if not chrome and not DATE_CLASS.search(class_id(el)):
            continue
        found = _short_date(el)
        if found and (chrome or _is_furniture_date(el, found, anchor, index)):
            days.add(found[0].date())
    return days


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
    where = index.position(anchor) if anchor is not None else None
    labelled: list[tuple[HtmlElement, tuple[datetime, bool]]] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not DATE_CLASS.search(class_id(el)):
            continue
        found = _short_date(el)
        if (
            found
            and not in_foreign_context(el, anchor)
            and not _is_furniture_date(el, found, anchor, index)
        ):
            labelled.append((el, found))
    if labelled:
        best = index.nearest([el for el, _ in labelled], anchor)
        parsed = next(p for el, p in labelled if el is best)
        yield PublishedDate(parsed[0], "visible-text", parsed[1])
        return
    if anchor is None or where is None:
        return
    nearby = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and el is not anchor
        and abs(index.position(el) - where) <= NEAR_TITLE
        and not in_foreign_context(el, anchor)
        and not in_page_chrome(el)
    ]
    for el in sorted(nearby, key=lambda e: abs(index.position(e) - where)):
        found = _short_date(el)
        # unlabelled text must show a time, or sit right under the title, to be the dateline
        if found and (found[1] or 0 < index.position(el) - where <= NEAR_TITLE_DAY_ONLY):
            yield PublishedDate(found[0], "visible-text", found[1])
            return


def _is_furniture_date(
    el: HtmlElement, found: Parsed, anchor: HtmlElement | None, index: DocIndex
) -> bool:
    """A date in the page's furniture, or a bare day shown before the title and outside the
    block that holds it (a top-bar clock showing today)."""
    if in_page_chrome(el):
        return True
    if found[1] or anchor is None:
        return False
    where = index.position(anchor)
    if index.position(el) > where:
        return False
    if index.position(el) < where - NEAR_TITLE_DAY_ONLY:
        return True
    shared = _common_ancestor(el, anchor)
    return shared is None or shared.tag in ("body", "html")


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> HtmlElement | None:
    above = set()
    node: HtmlElement | None = a
    while node is not None:
        above.add(node)
        node = node.getparent()
    node = b
    while node is not None and node not in above:
        node = node.getparent()
    return node


def _short_date(el: HtmlElement) -> Parsed | None:
    text = text_of(el)
    if not text or len(text) > MAX_VISIBLE_DATE_CHARS:
        return None
    if any(word in text.casefold() for word in MODIFIED_WORDS):
        return None
    return parse_visible_datetime(text)


def _from_htmldate(root: HtmlElement, url: str, refused: set[date]) -> PublishedDate | None:
    """htmldate's guess (a day, no time), constrained to the URL's month when it has one.

    A guess on a ``refused`` day (a modification time, the top bar's clock) is dropped.
    """
    from htmldate import find_date  # imported lazily: rarely needed and slow to import

    try:
        found = find_date(deepcopy(root), original_date=True, url=url or None)
    except Exception:  # htmldate raises assorted errors on odd markup; a guess is optional
        found = None
    month = month_from_url(url) if url else None
    if found:
        value = datetime.fromisoformat(found).replace(tzinfo=VN_TZ)
        if value.date() in refused:
            return None
        if month is None or (value.year, value.month) == month:
            return PublishedDate(value, "htmldate", False)
    if month is not None:
        return PublishedDate(datetime(*month, 1, tzinfo=VN_TZ), "url", False)
    return None
