"""The working-day engine: pure Python, no database; built once per unit and cached (see selectors).

Working time is counted in sessions (a morning and an afternoon make one working day, so half days are whole
sessions). A moment has a *position* on the working clock: session index plus the fraction of that session gone.

Two ways of counting live here.

**The legal rule** (`legal_days_due`, `same_day_due`; what `apps.calendar.selectors.legal_due` applies by default)
is how the law counts a limit given to the administration:

* A limit in working days (Civil Code 2015, art. 147(2)): the day of the event (receipt) is not counted; the
  limit starts on the next working day, whatever the hour of receipt. It ends (art. 148(1), 148(5)) at the end of
  the last working day of the limit; as the result is handed over at the office, that end is the end of office
  hours (the unit's afternoon end), the one-stop rule of Decree 61/2018 art. 2 and 15 as amended by Decree
  107/2021 and carried on by Decree 118/2025. A half day (procedures give 0,5 or 1,5 days) is one session: the
  morning of the next working day, ending at the morning's end (1.5 days: one whole working day, then the next
  working day's morning).
* A same-day limit ("trong ngày"; a limit in working hours of at most one legal working day, 8 hours, Labour Code
  2019 art. 105): due at the end of office hours of the day of receipt, or of the next working day when received
  after 15:00 (the rule of Decree 23/2015 art. 7 on certification, that procedures of the day copy). A receipt on
  a day that does not count (weekend, holiday, volunteer service day) counts as received at the opening of the
  next working day.
* A limit of more than 8 working hours is counted from the moment itself (art. 147(1): a limit in hours starts
  at the moment), in office time, as below.

**Hour-precise counting** (`add_working_days`, `add_working_hours`; a province may choose it for legal limits, and
internal step budgets always use it): deadlines in days count from the next working session (a dossier received
at 09:00 starts its clock at 13:30, and one day later is the end of the next morning); working hours count from
the moment itself.

Service days (a volunteer Saturday: the desk is open) never count toward either.

Speed matters (sweeps recompute thousands of deadlines): working days are a sorted list of ordinals, so every
operation is a bisect plus arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WEEKEND = (5, 6)  # Saturday, Sunday
# Decree 23/2015 art. 7: a request received after 15:00 is done on the next working day.
SAME_DAY_CUTOFF = dt.time(15, 0)
# Labour Code 2019 art. 105: a normal working day is at most 8 hours; a limit of up to 8 working hours is "the day".
LEGAL_DAY_HOURS = 8
# The years whose national holidays are known: the lunar ones (Tết, Giỗ Tổ) come from the lunisolar tables of
# `holidays`, which cover 1901–2100. Outside them every weekday would pass for a working day.
FIRST_YEAR, LAST_YEAR = 1901, 2100


@dataclass(frozen=True)
class Sessions:
    morning_start: dt.time = dt.time(7, 30)
    morning_end: dt.time = dt.time(11, 30)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 0)

    def __post_init__(self):
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError("office hours must be ordered: morning start < end <= afternoon start < end")


def _seconds(value: dt.time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


@lru_cache(maxsize=256)
def national_year(year: int) -> tuple[frozenset[int], frozenset[int], dict[int, str]]:
    """(holiday ordinals, swapped Saturday/Sunday working-day ordinals, names) for Vietnam in `year`."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    names = {day.toordinal(): name for day, name in vn.items() if day.year == year}
    swapped = frozenset(day.toordinal() for day in getattr(vn, "weekend_workdays", ()) if day.year == year)
    return frozenset(names), swapped, names


def national_holiday_name(day: dt.date) -> str | None:
    return national_year(day.year)[2].get(day.toordinal())


def nationally_working(day: dt.date) -> bool:
    holiday_ords, swapped, _names = national_year(day.year)
    ordinal = day.toordinal()
    if ordinal in holiday_ords:
        return False
    return day.weekday() not in WEEKEND or ordinal in swapped


class WorkingCalendar:
    """Working days and sessions of one unit: national rules plus the unit's (inherited) overrides.

    overrides: {date: "day_off" | "working_day" | "service_day"}. A service day (a volunteer Saturday) opens the
    desk but does not count toward legal deadlines.
    """

    def __init__(
        self,
        sessions: Sessions | None = None,
        overrides: dict[dt.date, str] | None = None,
        tz: str = "Asia/Ho_Chi_Minh",
        first_year: int | None = None,
        last_year: int | None = None,
    ):
        self.sessions = sessions or Sessions()
        self.tz = ZoneInfo(tz)
        self._overrides = {day.toordinal(): kind for day, kind in (overrides or {}).items()}
        self._ms, self._me = _seconds(self.sessions.morning_start), _seconds(self.sessions.morning_end)
        self._as, self._ae = _seconds(self.sessions.afternoon_start), _seconds(self.sessions.afternoon_end)
        self._morning_len, self._afternoon_len = self._me - self._ms, self._ae - self._as
        self._day_len = self._morning_len + self._afternoon_len
        this_year = dt.date.today().year
        self._build(first_year or this_year - 6, last_year or this_year + 6)

    # --- the table of working days ---------------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> None:
        self._first_year, self._last_year = first_year, last_year
        start, end = dt.date(first_year, 1, 1).toordinal(), dt.date(last_year, 12, 31).toordinal()
        self._days = [o for o in range(start, end + 1) if self._is_working_ordinal(o)]
        self._service = frozenset(o for o, kind in self._overrides.items() if kind == "service_day")

    def _is_working_ordinal(self, ordinal: int) -> bool:
        kind = self._overrides.get(ordinal)
        if kind == "day_off" or kind == "service_day":
            return False
        if kind == "working_day":
            return True
        return nationally_working(dt.date.fromordinal(ordinal))

    def _ensure(self, ordinal: int, spare_days: int = 0) -> None:
        """Grow the table to cover `ordinal` and then `spare_days` more working days."""
        year = dt.date.fromordinal(ordinal).year
        first, last = self._first_year, self._last_year
        if year <= first:
            first = year - 1
        if year >= last or ordinal + spare_days * 2 + 60 > dt.date(last, 12, 31).toordinal():
            last = max(year, dt.date.fromordinal(ordinal + spare_days * 2 + 60).year) + 1
        if (first, last) != (self._first_year, self._last_year):
            self._build(first, last)

    # --- days -------------------------------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Counts toward deadlines."""
        return self._is_working_ordinal(day.toordinal())

    def is_open_for_service(self, day: dt.date) -> bool:
        """The desk receives and returns: a working day or an extra service day."""
        return self.is_working_day(day) or day.toordinal() in self._service

    def day_kind(self, day: dt.date) -> tuple[bool, str]:
        """(working, reason) for a calendar page: the override, the holiday's name, or the weekend."""
        kind = self._overrides.get(day.toordinal())
        if kind:
            return kind == "working_day", kind
        name = national_holiday_name(day)
        if name:
            return False, name
        if day.weekday() in WEEKEND:
            return nationally_working(day), "weekend"
        return True, ""

    # --- positions on the working clock -----------------------------------------------------------------

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("moments must be timezone-aware")
        return moment.astimezone(self.tz)

    def _position(self, moment: dt.datetime) -> float:
        """Sessions since the start of the table: 2i at day i's morning start, 2i + 1 at its afternoon start."""
        local = self._local(moment)
        ordinal = local.toordinal()
        if not self._first_year < local.year < self._last_year:
            self._ensure(ordinal)
        i = bisect_left(self._days, ordinal)
        if i == len(self._days) or self._days[i] != ordinal:
            return 2 * i
        t = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        if t <= self._ms:
            return 2 * i
        if t < self._me:
            return 2 * i + (t - self._ms) / self._morning_len
        if t <= self._as:
            return 2 * i + 1
        if t < self._ae:
            return 2 * i + 1 + (t - self._as) / self._afternoon_len
        return 2 * i + 2

    def _session_end(self, session: int) -> dt.datetime:
        day_index, afternoon = divmod(session, 2)
        if day_index >= len(self._days):
            self._ensure(self._days[-1], spare_days=day_index - len(self._days) + 1)
        seconds = self._ae if afternoon else self._me
        return self._at(self._days[day_index], seconds)

    def _session_start(self, session: int) -> dt.datetime:
        day_index, afternoon = divmod(session, 2)
        if day_index >= len(self._days):
            self._ensure(self._days[-1], spare_days=day_index - len(self._days) + 1)
        return self._at(self._days[day_index], self._as if afternoon else self._ms)

    def _at(self, ordinal: int, seconds: float) -> dt.datetime:
        whole, micro = divmod(round(seconds * 1_000_000), 1_000_000)
        day = dt.date.fromordinal(ordinal)
        return dt.datetime(
            day.year, day.month, day.day, whole // 3600, whole // 60 % 60, whole % 60, micro, tzinfo=self.tz
        )

    # --- operations -------------------------------------------------------------------------------------

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself inside a working session, else the start of the next session."""
        position = self._position(moment)
        if position != int(position):
            return moment
        return self._session_start(int(position))

    def clock_start(self, moment: dt.datetime) -> dt.datetime:
        """Where a clock started at `moment` begins counting: the next session starting at or after it."""
        return self._session_start(math.ceil(self._position(moment)))

    def add_working_days(self, moment: dt.datetime, days: float) -> dt.datetime:
        """The deadline `days` working days (whole or half) after `moment`, counted from the next session:
        the end of the last session of the budget."""
        sessions = days * 2
        if sessions <= 0 or sessions != int(sessions):
            raise ValueError("working days must be a positive multiple of 0.5")
        return self._session_end(math.ceil(self._position(moment)) + int(sessions) - 1)

    def elapsed_working_days(self, start: dt.datetime, moment: dt.datetime) -> float:
        """Working days used between a clock started at `start` and `moment` (0 before the clock starts)."""
        return max(0.0, self._position(moment) - math.ceil(self._position(start))) / 2

    def working_days_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Signed working time from `a` to `b` in days (negative when b is earlier): how late, how much left."""
        return (self._position(b) - self._position(a)) / 2

    def extend_by_pause(self, moment: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime) -> dt.datetime:
        """`moment` (a deadline) pushed later by the working time the clock stood still, from `paused_at` to
        the next session after `resumed_at` (a supplement handed in at 09:00 restarts the clock at 13:30)."""
        stood_still = math.ceil(self._position(resumed_at)) - self._position(paused_at)
        if stood_still <= 0:
            return moment
        return self._moment_at_position(self._position(moment) + stood_still)

    def _moment_at_position(self, position: float) -> dt.datetime:
        session = math.floor(position)
        fraction = position - session
        if fraction < 1e-9:  # on a boundary: the end of the previous session, as deadlines are written
            return self._session_end(session - 1)
        day_index, afternoon = divmod(session, 2)
        if day_index >= len(self._days):
            self._ensure(self._days[-1], spare_days=day_index - len(self._days) + 1)
        start, length = (self._as, self._afternoon_len) if afternoon else (self._ms, self._morning_len)
        return self._at(self._days[day_index], start + fraction * length)

    def add_working_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """For same-day procedures: `hours` of office time after `moment` (from the next working moment)."""
        if hours <= 0:
            raise ValueError("working hours must be positive")
        position = self._position(moment)
        target = self._seconds_at(position) + hours * 3600
        return self._moment_at_seconds(target)

    def _seconds_at(self, position: float) -> float:
        session = int(position)
        day_index, afternoon = divmod(session, 2)
        into = (position - session) * (self._afternoon_len if afternoon else self._morning_len)
        return day_index * self._day_len + (self._morning_len if afternoon else 0) + into

    def _moment_at_seconds(self, seconds: float) -> dt.datetime:
        day_index, into = divmod(seconds, self._day_len)
        day_index = int(day_index)
        if into == 0:  # exactly on a day boundary: the end of the previous working day
            return self._session_end(2 * day_index - 1)
        if day_index >= len(self._days):
            self._ensure(self._days[-1], spare_days=day_index - len(self._days) + 1)
        if into <= self._morning_len:
            return self._at(self._days[day_index], self._ms + into)
        return self._at(self._days[day_index], self._as + into - self._morning_len)

    # --- the legal rule (Civil Code 2015 art. 147–148; Decree 23/2015 art. 7) ------------------------------

    def _first_working_index_after(self, day_ordinal: int) -> int:
        """Index in the table of the first working day strictly after the given day."""
        year = dt.date.fromordinal(day_ordinal).year
        if not self._first_year < year < self._last_year:
            self._ensure(day_ordinal)
        return bisect_right(self._days, day_ordinal)

    def legal_days_due(self, received_at: dt.datetime, days: float) -> dt.datetime:
        """A limit of `days` working days by the Civil Code (art. 147(2), 148): the day of receipt does not count,
        the limit runs over the next `days` working days and ends at the end of office hours of the last one.
        Half days are sessions: 0.5 day = the next working day's morning, due at the morning's end.

        Received Monday 09:00 (or 07:00, or 16:30) with 3 days, Monday–Thursday working: due Thursday 17:00.
        """
        sessions = days * 2
        if sessions <= 0 or sessions != int(sessions):
            raise ValueError("working days must be a positive multiple of 0.5")
        first = self._first_working_index_after(self._local(received_at).toordinal())
        return self._session_end(2 * first + int(sessions) - 1)

    def same_day_due(self, received_at: dt.datetime, cutoff: dt.time = SAME_DAY_CUTOFF) -> dt.datetime:
        """A same-day limit (Decree 23/2015 art. 7): the end of office hours of the day of receipt, or of the next
        working day when received after `cutoff` (15:00; or after the office closes, if it closes earlier).
        A receipt on a day that does not count (weekend, holiday, service day) counts from the next working day,
        due at its end of office hours."""
        local = self._local(received_at)
        ordinal = local.toordinal()
        limit = min(_seconds(cutoff), self._ae)
        moment = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        if self._is_working_ordinal(ordinal) and moment <= limit:
            return self._at(ordinal, self._ae)
        first = self._first_working_index_after(ordinal)
        return self._session_end(2 * first + 1)
