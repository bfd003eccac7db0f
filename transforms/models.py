"""Records passed between the transform stages.

These are plain frozen dataclasses: the transforms create them, the warehouse loads them and
the CLI serialises them with :func:`to_json_dict`. Offsets (``start``/``end``) are character
offsets into the cleaned article text (``Article.text``), end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Grain = Literal["day", "week", "month", "quarter", "half", "year"]

# Where a publication date was read from, most to least trustworthy.
PeriodRule = Literal["clause", "sentence", "paragraph", "published"]
DateSource = Literal["json-ld", "meta", "time-element", "visible-text", "url", "htmldate", "feed"]


@dataclass(frozen=True)
class Article:
    """A cleaned news article.

    ``text`` is the lead (sapo) followed by the body paragraphs, one paragraph per line
    (joined with ``"\\n"``); dates and figures are extracted from it and their offsets
    point into it. The title is kept apart.
    """

    url: str
    title: str | None
    published: datetime | None
    published_source: DateSource | None
    author: str | None
    lead: str | None
    body: str
    language: str | None = "vi"

    @property
    def text(self) -> str:
        parts = [self.lead, self.body]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in text, resolved to a calendar period.

    ``value`` is ISO-like and depends on ``grain``: ``2021-12-18`` (day), ``2021-W50`` (week),
    ``2021-12`` (month), ``2021-Q3`` (quarter), ``2021-H1`` (half), ``2021`` (year). A range
    ("từ ngày 15 - 20/12", "giai đoạn 2021-2025", "9 tháng năm 2021") has ``value_to`` set to
    the last period of the range, in the same grain. ``first_day``/``last_day`` give the
    whole covered span, inclusive, whatever the grain.
    """

    text: str
    start: int
    end: int
    value: str
    grain: Grain
    first_day: date
    last_day: date
    value_to: str | None = None
    relative: bool = False  # resolved against the reference date ("hôm qua", "18/12")

    def json_value(self) -> str | dict[str, str]:
        if self.value_to is None:
            return self.value
        return {"from": self.value, "to": self.value_to}


@dataclass(frozen=True)
class Period:
    """The period a figure reports on, and which rule chose it."""

    value: str
    grain: Grain
    first_day: date
    last_day: date
    rule: PeriodRule
    mention_text: str | None = None  # the date mention that governs, if any
    value_to: str | None = None  # last period of a range mention ("9 tháng năm 2021")


@dataclass(frozen=True)
class Figure:
    """A number found in text with what it counts or measures.

    ``value`` is the number with Vietnamese separators and scale words folded in
    (``3.959`` -> 3959, ``1,5 tỷ đồng`` -> 1_500_000_000). ``unit`` is the normalised unit
    (``người``, ``lượt người``, ``VND``, ``USD/ounce``, ``%``, ``ha``); ``unit_text`` is the
    unit as written. A range ("2-3 kg") has ``value`` = low end and ``value_max`` = high end.
    Parts of a compound statement ("84 tổ/498 người") share a ``group`` number. A share of
    a whole ("12/15 xã", "19/19 tiêu chí") has ``value`` = ``numerator``, the whole in
    ``denominator`` and ``share`` = numerator / denominator. ``indicator_key`` is the
    indicator normalised for grouping (None when the phrase is not one); ``place_*`` is the
    province (and district or commune) its text names, and the rule that found it.
    """

    text: str
    start: int
    end: int
    value: float | int
    unit: str | None
    unit_text: str | None
    kind: Literal["count", "money", "measure", "percent", "duration", "age", "ratio", "number"] = (
        "number"
    )
    value_max: float | int | None = None
    qualifier: str | None = None  # approx | more_than | at_least | less_than | at_most | reached
    change: Literal["increase", "decrease"] | None = None
    per: str | None = None  # the denominator of a ratio ("100.000 dân")
    group: int | None = None
    indicator: str | None = None
    sentence: str | None = None
    period: Period | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    numerator: int | None = None
    denominator: int | None = None
    share: float | None = None
    indicator_key: str | None = None
    place_province: str | None = None  # a registry (pre-2025) province name
    place_rule: Literal["sentence", "paragraph", "lead"] | None = None
    place_district: str | None = None  # "huyện Đồng Văn", as written


_new_object = object.__new__


def new_figure(fields: dict[str, Any]) -> Figure:
    """``Figure(**fields)`` without the frozen ``__init__``: ``fields`` must hold every
    field, in declaration order. The extractor makes tens of figures per article, and the
    generated ``__init__`` sets each of the 25 fields through ``object.__setattr__``; this
    fills the instance dictionary in one step (same object, same equality, repr, pickle)."""
    figure = _new_object(Figure)
    figure.__dict__.update(fields)
    return figure


def new_date_mention(fields: dict[str, Any]) -> DateMention:
    """``DateMention(**fields)`` filled in one step, as :func:`new_figure` (every field, in
    declaration order)."""
    mention = _new_object(DateMention)
    mention.__dict__.update(fields)
    return mention


def to_json_dict(obj: Any) -> Any:
    """Convert records (and lists/dicts of them) to JSON-ready values."""
    if isinstance(obj, DateMention):
        out = asdict(obj)
        out["value"] = obj.json_value()
        del out["value_to"]
        return to_json_dict(out)
    if isinstance(obj, Article):
        out = asdict(obj)
        out["text"] = obj.text
        return to_json_dict(out)
    if hasattr(obj, "__dataclass_fields__"):
        return to_json_dict(asdict(obj))
    if isinstance(obj, dict):
        return {k: to_json_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json_dict(v) for v in obj]
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    return obj
