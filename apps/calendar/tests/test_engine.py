import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.calendar.engine import Sessions, WorkingCalendar
from tests.helpers import at

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar(first_year=2024, last_year=2028)


@pytest.mark.parametrize("day", [
    "01/01/2026", "16/02/2026", "17/02/2026", "18/02/2026", "19/02/2026", "20/02/2026",  # Tết
    "26/04/2026", "27/04/2026", "30/04/2026", "01/05/2026", "31/08/2026", "01/09/2026", "02/09/2026",
    "24/11/2026", "21/11/2026", "22/11/2026",
])  # fmt: skip
def test_days_off_in_2026(day):
    assert not CAL.is_working_day(dt.datetime.strptime(day, "%d/%m/%Y").date())


@pytest.mark.parametrize(
    "day", ["13/02/2026", "23/02/2026", "28/04/2026", "04/05/2026", "22/08/2026", "03/09/2026", "25/11/2026"]
)
def test_working_days_in_2026_including_the_swapped_saturday(day):
    assert CAL.is_working_day(dt.datetime.strptime(day, "%d/%m/%Y").date())


def test_clock_starts_at_the_next_session():
    assert CAL.clock_start(at("25/11/2026", "09:00")) == at("25/11/2026", "13:30")
    assert CAL.clock_start(at("25/11/2026", "07:30")) == at("25/11/2026", "07:30")
    assert CAL.clock_start(at("25/11/2026", "15:00")) == at("26/11/2026", "07:30")
    assert CAL.clock_start(at("27/11/2026", "18:00")) == at("30/11/2026", "07:30")  # Friday evening → Monday


def test_add_days_across_tet():
    # Friday 13/02 in the morning: the afternoon counts, then Tết and the weekend, then Monday 23/02.
    assert CAL.add_working_days(at("13/02/2026", "09:00"), 1) == at("23/02/2026", "11:30")
    assert CAL.add_working_days(at("13/02/2026", "09:00"), 0.5) == at("13/02/2026", "17:00")
    assert CAL.add_working_days(at("12/02/2026", "14:00"), 2) == at("23/02/2026", "17:00")


def test_add_days_uses_the_swapped_saturday_and_skips_the_national_day_break():
    # Friday 21/08 afternoon + 1 day: Saturday 22/08 is worked (swapped for Monday 31/08).
    assert CAL.add_working_days(at("21/08/2026", "14:00"), 1) == at("22/08/2026", "17:00")
    # Friday 28/08 afternoon + 1 day: 29–30 weekend, 31/08–02/09 off → Thursday 03/09.
    assert CAL.add_working_days(at("28/08/2026", "14:00"), 1) == at("03/09/2026", "17:00")


def test_add_days_over_hung_kings_and_reunification():
    assert CAL.add_working_days(at("24/04/2026", "16:00"), 3) == at("04/05/2026", "17:00")


def test_half_days_must_be_halves():
    with pytest.raises(ValueError):
        CAL.add_working_days(at("25/11/2026"), 0.3)
    with pytest.raises(ValueError):
        CAL.add_working_days(at("25/11/2026"), 0)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(dt.datetime(2026, 11, 25, 9), 1)


def test_a_pause_pushes_the_deadline_by_the_working_time_stood_still():
    due = at("27/11/2026", "17:00")  # Friday
    # Paused Wednesday 25/11 at 09:00; the supplement comes Thursday 26/11 at 09:00, so the clock restarts at 13:30.
    # It stood still 2.625 sessions (5/8 of Wednesday morning, Wednesday afternoon, Thursday morning): the deadline
    # moves over the weekend to Monday and 5/8 of Tuesday morning, 10:00.
    moved = CAL.extend_by_pause(due, at("25/11/2026", "09:00"), at("26/11/2026", "09:00"))
    assert moved == at("01/12/2026", "10:00")
    assert CAL.extend_by_pause(due, at("25/11/2026", "17:00"), at("26/11/2026", "07:00")) == due  # nothing lost


def test_working_hours_for_same_day_procedures():
    assert CAL.add_working_hours(at("25/11/2026", "09:00"), 4) == at("25/11/2026", "15:00")
    assert CAL.add_working_hours(at("25/11/2026", "09:00"), 6) == at("25/11/2026", "17:00")
    assert CAL.add_working_hours(at("25/11/2026", "16:00"), 2) == at("26/11/2026", "08:30")
    assert CAL.add_working_hours(at("23/11/2026", "16:00"), 2) == at("25/11/2026", "08:30")  # 24/11 is off


def test_next_working_moment():
    assert CAL.next_working_moment(at("25/11/2026", "09:00")) == at("25/11/2026", "09:00")
    assert CAL.next_working_moment(at("25/11/2026", "12:00")) == at("25/11/2026", "13:30")
    assert CAL.next_working_moment(at("28/11/2026", "09:00")) == at("30/11/2026", "07:30")


def test_elapsed_and_signed_difference():
    start = at("25/11/2026", "09:00")
    assert CAL.elapsed_working_days(start, at("25/11/2026", "10:00")) == 0  # clock not started yet
    assert CAL.elapsed_working_days(start, at("26/11/2026", "11:30")) == 1
    assert CAL.working_days_between(at("26/11/2026", "17:00"), at("25/11/2026", "17:00")) == -1


def test_overrides_and_office_hours():
    sessions = Sessions(dt.time(7), dt.time(11), dt.time(13), dt.time(16, 30))
    saturday, monday = dt.date(2026, 11, 28), dt.date(2026, 11, 30)
    cal = WorkingCalendar(sessions, {saturday: "service_day", monday: "day_off"}, first_year=2026, last_year=2026)
    assert cal.is_open_for_service(saturday) and not cal.is_working_day(saturday)
    assert not cal.is_working_day(monday)
    # Friday 14:00 → the clock starts Monday, a day off, so Tuesday morning and afternoon.
    assert cal.add_working_days(at("27/11/2026", "14:00"), 1) == at("01/12/2026", "16:30")
    assert cal.add_working_days(at("27/11/2026", "10:00"), 1) == at("01/12/2026", "11:00")
    with pytest.raises(ValueError):
        Sessions(dt.time(13), dt.time(11))


def test_the_table_grows_for_far_dates():
    cal = WorkingCalendar(first_year=2026, last_year=2026)
    assert cal.add_working_days(at("30/12/2026", "16:00"), 30).year == 2027
    assert cal.is_working_day(dt.date(2035, 6, 6)) is True  # a Wednesday
    # 02/01/2015 was a day off swapped for Saturday 27/12/2014: the clock starts on Monday 05/01.
    assert cal.add_working_days(at("02/01/2015", "09:00"), 1) == at("05/01/2015", "17:00")


moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(TZ))
budgets = st.integers(min_value=1, max_value=120).map(lambda n: n / 2)


@settings(max_examples=300)
@given(moments, budgets)
def test_elapsed_of_add_is_the_budget(moment, days):
    deadline = CAL.add_working_days(moment, days)
    assert CAL.elapsed_working_days(moment, deadline) == days


@settings(max_examples=300)
@given(moments, budgets, budgets)
def test_adding_is_monotonic_and_additive(moment, a, b):
    first = CAL.add_working_days(moment, a)
    assert CAL.add_working_days(moment, a + b) > first
    assert CAL.add_working_days(first, b) == CAL.add_working_days(moment, a + b)


@settings(max_examples=200)
@given(moments, budgets)
def test_deadline_ends_a_session_on_a_working_day(moment, days):
    deadline = CAL.add_working_days(moment, days)
    assert CAL.is_working_day(deadline.date())
    assert deadline.timetz().replace(tzinfo=None) in (dt.time(11, 30), dt.time(17, 0))


@settings(max_examples=200)
@given(moments, st.integers(min_value=1, max_value=80))
def test_working_hours_difference_matches(moment, quarter_hours):
    hours = quarter_hours / 4
    end = CAL.add_working_hours(moment, hours)
    start = CAL.next_working_moment(moment)
    assert end > moment
    assert abs(CAL._seconds_at(CAL._position(end)) - CAL._seconds_at(CAL._position(start)) - hours * 3600) < 1e-3


def test_float_error_never_makes_a_million_microseconds():
    # Found by the bench: 16:09 + 41.5 working hours summed to a hair under a whole second, once rounded to
    # 1,000,000 microseconds and crashed.
    assert CAL.add_working_hours(at("21/05/2026", "16:09"), 41.5) == at("29/05/2026", "10:39")
    moment = at("25/11/2026", "09:00") + dt.timedelta(microseconds=999_999)
    assert CAL.add_working_hours(moment, 1) - moment == dt.timedelta(hours=1)
