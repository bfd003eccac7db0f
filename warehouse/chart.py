"""One indicator's series as a chart: one line per province, PNG, SVG or self-contained HTML.

Data come from ``indicator_series`` through the sandboxed query path; the chart is drawn
with matplotlib (headless ``Agg``). An ``.html`` file embeds the SVG, so it opens
anywhere without a network or a JavaScript library.
"""

from __future__ import annotations

import html
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from warehouse.query import run_query

_SERIES = """
SELECT {column} AS province, period_first_day, period_value, median(value) AS value,
       sum(articles) AS articles
FROM indicator_series
WHERE (indicator = $indicator OR indicator_key = $indicator)
  AND unit = $unit AND change IS NULL AND period_grain = $grain
  AND period_value_to IS NULL
  AND (len($provinces) = 0 OR list_contains($provinces, province)
       OR list_contains($provinces, province_2025))
GROUP BY ALL
ORDER BY province, period_first_day
"""

_UNITS = """
SELECT unit, period_grain, sum(articles) AS n FROM indicator_series
WHERE (indicator = $indicator OR indicator_key = $indicator) AND change IS NULL
  AND period_value_to IS NULL
GROUP BY unit, period_grain ORDER BY period_grain = 'year' DESC, n DESC LIMIT 1
"""


@dataclass(frozen=True)
class Series:
    indicator: str
    unit: str
    grain: str
    lines: dict[str, list[tuple[date, float]]]  # province -> (period start, value)


def load_series(
    db: Path,
    indicator: str,
    provinces: list[str] | None = None,
    unit: str | None = None,
    grain: str | None = None,
    as_was: bool = False,
) -> Series:
    """The series of ``indicator`` (its name or key), by today's province or as it was."""
    params: dict[str, object] = {"indicator": indicator}
    if unit is None or grain is None:
        _, rows = run_query(db, _UNITS, params)  # type: ignore[arg-type]
        if not rows:
            raise ValueError(f"no levels of indicator {indicator!r} in {db}")
        unit = unit or rows[0][0]
        grain = grain or rows[0][1]
    params |= {"unit": unit, "grain": grain, "provinces": provinces or []}
    column = "province" if as_was else "province_2025"
    _, rows = run_query(db, _SERIES.format(column=column), params)  # type: ignore[arg-type]
    lines: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for province, first_day, _, value, _ in rows:
        lines[province].append((first_day, float(value)))
    if not lines:
        raise ValueError(f"no {grain} values of {indicator!r} in {unit} for those provinces")
    return Series(indicator, unit, grain, dict(lines))


def draw(series: Series, out: Path) -> Path:
    """Write the chart to ``out`` (.png, .svg or .html)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    for province, points in sorted(series.lines.items()):
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", linewidth=1.8, markersize=4, label=province)
    scale, label = _scale(series)
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / scale:,.1f}".replace(",", " "))
    )
    ax.set_title(f"{series.indicator} ({series.grain})")
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)
    ax.legend(title="province", fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".html":
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        title = html.escape(f"{series.indicator} — {series.unit}")
        out.write_text(
            f'<!doctype html>\n<html lang="vi"><meta charset="utf-8"><title>{title}</title>\n'
            f"<body>{buffer.getvalue()[buffer.getvalue().find('<svg') :]}</body></html>\n",
            encoding="utf-8",
        )
    elif suffix in (".png", ".svg"):
        fig.savefig(out)
    else:
        plt.close(fig)
        raise ValueError(f"--out must end in .png, .svg or .html, not {out.name!r}")
    plt.close(fig)
    return out


def _scale(series: Series) -> tuple[float, str]:
    biggest = max(abs(v) for points in series.lines.values() for _, v in points)
    for scale, word in ((1e12, "nghìn tỷ"), (1e9, "tỷ"), (1e6, "triệu")):
        if biggest >= scale:
            return scale, f"{word} {series.unit}"
    return 1.0, series.unit
