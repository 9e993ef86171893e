"""The dashboard chart's geometry: both axes share the gridlines, bars reach their count, the on-time line its rate."""

from decimal import Decimal

import pytest

from apps.stats.templatetags.stats_chart import monthly_chart, nice_step


@pytest.mark.parametrize(("biggest", "top"), [(0, 4), (3, 4), (9, 20), (40, 40), (41, 80), (1000, 1000), (1001, 2000)])
def test_the_left_axis_ends_at_a_round_number_at_or_above_the_biggest_month(biggest, top):
    assert nice_step(biggest) * 4 == top


def row(label, received, rate=None):
    return {"label": label, "received": received, "returned": received, "on_time_rate": rate}


def test_bars_reach_their_count_and_the_line_its_rate_breaking_where_nothing_was_returned():
    first = [row("01/2025", 10, Decimal("50.00")), row("02/2025", 0), row("03/2025", 40, Decimal(100)),
             row("04/2025", 20, Decimal(0))]  # fmt: skip
    chart = monthly_chart(first + [row(f"{m:02d}/2025", 0) for m in range(5, 13)])
    by_count = {g["count"]: g["y"] for g in chart["grid"]}
    by_rate = {g["rate"]: g["y"] for g in chart["grid"]}
    assert list(by_count) == [0, 10, 20, 30, 40] and list(by_rate) == [0, 25, 50, 75, 100]
    january, february, march, april = chart["months"][:4]
    assert january["bar_y"] == by_count[10] and march["bar_y"] == by_count[40] and february["bar_h"] == 0
    assert january["rate_y"] == by_rate[50] and march["rate_y"] == by_rate[100] and april["rate_y"] == by_rate[0]
    assert "rate_y" not in february
    assert chart["lines"] == [f"{january['x']},{by_rate[50]}", f"{march['x']},{by_rate[100]} {april['x']},{by_rate[0]}"]
    assert [m["tick"] for m in chart["months"]] == [f"{m:02d}" for m in range(1, 13)] and chart["year"] == "2025"


def test_a_single_month_keeps_its_full_label_and_an_empty_month_draws_no_bar():
    chart = monthly_chart([row("11/2026", 0)])
    assert chart["months"][0]["tick"] == "11/2026" and chart["year"] == "" and chart["months"][0]["bar_h"] == 0
    assert chart["lines"] == []
