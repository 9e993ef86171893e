"""Decree 30/2020 date line: a leading zero for days below 10 and for months 1 and 2 only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from apps.core.dates import date_line, date_words


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 3, 15), "ngày 15 tháng 3 năm 2026"),
        (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
        (dt.date(2026, 9, 9), "ngày 09 tháng 9 năm 2026"),
        (dt.date(2026, 10, 1), "ngày 01 tháng 10 năm 2026"),
        (dt.date(2026, 12, 20), "ngày 20 tháng 12 năm 2026"),
        (dt.date(2026, 1, 31), "ngày 31 tháng 01 năm 2026"),
        (dt.date(2026, 2, 10), "ngày 10 tháng 02 năm 2026"),
        (dt.date(2026, 11, 10), "ngày 10 tháng 11 năm 2026"),
    ],
)
def test_leading_zero_only_for_days_below_10_and_months_1_and_2(day, expected):
    assert date_words(day) == expected


def test_every_day_of_a_year_follows_the_rule():
    day = dt.date(2027, 1, 1)
    while day.year == 2027:
        words = date_words(day).split()
        assert words[1] == (f"0{day.day}" if day.day < 10 else str(day.day))
        assert words[3] == {1: "01", 2: "02"}.get(day.month, str(day.month))
        day += dt.timedelta(days=1)


def test_date_line_with_and_without_a_place():
    assert date_line(dt.date(2026, 1, 5), "Xã An Phú") == "Xã An Phú, ngày 05 tháng 01 năm 2026"
    assert date_line(dt.date(2026, 3, 15)) == "Ngày 15 tháng 3 năm 2026"


def test_an_aware_moment_is_dated_in_viet_nam():
    # 31/12/2026 20:00 UTC is already 1 January 2027 in Hà Nội.
    moment = dt.datetime(2026, 12, 31, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert date_words(moment) == "ngày 01 tháng 01 năm 2027"


def test_template_filter():
    html = Template("{% load official %}{{ d|date_line:place }}").render(
        Context({"d": dt.date(2026, 2, 5), "place": "Xã An Phú"})
    )
    assert html == "Xã An Phú, ngày 05 tháng 02 năm 2026"
