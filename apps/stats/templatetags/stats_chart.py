"""The dashboard chart's geometry: bars of dossiers received per month on a left axis, the on-time rate as a line
on a right axis (0–100 %), gridlines shared by both. Drawn by the template as SVG (no script, no style attribute)."""

import math
from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 584, 16, 212  # the plot area, in the SVG's own units
INTERVALS = 4  # gridlines at 0, ¼, ½, ¾ and all of each axis


def nice_step(biggest: int) -> int:
    """The smallest step of 1, 2, 2.5 or 5 × 10ⁿ (a whole number) such that INTERVALS steps reach `biggest`."""
    raw = max(biggest, 1) / INTERVALS
    power = 10 ** max(math.floor(math.log10(raw)), 0)
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= raw and step == int(step):
            return int(step)
    return int(10 * power)


def _y(fraction) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * float(fraction), 2)


@register.simple_tag
def monthly_chart(series: list[dict]) -> dict:
    """Everything the template draws for `series` (rows of label "MM/YYYY", received, on_time_rate in % or None)."""
    count = len(series) or 1
    step = nice_step(max([row["received"] for row in series] + [0]))
    top = step * INTERVALS
    band = (RIGHT - LEFT) / count
    bar = min(band * 0.6, 48)
    years = {row["label"][3:] for row in series}
    short = count > 6 and len(years) == 1  # twelve months of one year: "01"… under the bars, the year in the title
    grid = [{"y": _y(i / INTERVALS), "count": step * i, "rate": 100 * i // INTERVALS} for i in range(INTERVALS + 1)]
    months, segments, segment = [], [], []
    for index, row in enumerate(series):
        centre = round(LEFT + band * (index + 0.5), 2)
        height = round((BOTTOM - TOP) * row["received"] / top, 2)
        month = {
            "label": row["label"], "tick": row["label"][:2] if short else row["label"], "x": centre,
            "bar_x": round(centre - bar / 2, 2), "bar_y": round(BOTTOM - height, 2), "bar_h": height,
            "received": row["received"],
            "rate_text": "" if row["on_time_rate"] is None else number_format(row["on_time_rate"], 2, use_l10n=True),
        }  # fmt: skip
        if row["on_time_rate"] is None:  # nothing returned that month: the line breaks there
            segment = []
        else:
            month["rate_y"] = _y(Decimal(row["on_time_rate"]) / 100)
            if not segment:
                segments.append(segment)
            segment.append(f"{centre},{month['rate_y']}")
        months.append(month)
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": RIGHT, "top": TOP, "bottom": BOTTOM,
        "bar_width": round(bar, 2), "grid": grid, "months": months, "lines": [" ".join(s) for s in segments],
        "year": years.pop() if short else "", "label_y": BOTTOM + 18, "title_y": HEIGHT - 8,
        "middle_x": (LEFT + RIGHT) // 2, "middle_y": (TOP + BOTTOM) // 2, "count_tick_x": LEFT - 6,
        "rate_tick_x": RIGHT + 6, "count_title_x": -(TOP + BOTTOM) // 2, "rate_title_y": -(WIDTH - 14),
    }  # fmt: skip
