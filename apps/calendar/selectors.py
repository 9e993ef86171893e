"""Calendars per unit, cached per process and dropped when the calendar revision moves.

`legal_due` is the one entry point for the legal due time of a dossier (the rule and its articles are in
`apps.calendar.engine`); `calendar_for_unit(...).add_working_days/add_working_hours` stay for internal step budgets.
"""

import calendar as month_calendar
import datetime as dt
import functools
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.calendar.engine import LEGAL_DAY_HOURS, Sessions, WorkingCalendar
from apps.calendar.models import CalendarOverride, CalendarRevision, CountingRule, OfficeHours
from apps.org.selectors import units_visible_to

# The values of apps.procedures.models.Procedure.TimeUnit (calendar sits below procedures and does not import it).
WORKING_DAYS, WORKING_HOURS = "working_days", "working_hours"

_cache: dict[tuple, object] = {}
_cache_revision: list[int] = [-1]
_lock = threading.Lock()


def current_revision() -> int:
    return CalendarRevision.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def _sessions_for(unit) -> Sessions:
    """The office hours of the unit or of its nearest ancestor that has them."""
    rows = {row.unit_id: row for row in OfficeHours.objects.filter(unit_id__in=unit.ancestor_ids)}
    for unit_id in reversed(unit.ancestor_ids):
        row = rows.get(unit_id)
        if row:
            return Sessions(row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end)
    return Sessions()


def _overrides_for(unit, *, legal: bool = False) -> dict[dt.date, str]:
    """Overrides of the unit and its ancestors; on the same date the nearest unit wins.

    legal=True leaves out what may not move a legal limit: a day off of a unit below the province (depth > 0)
    without a legal basis approved by a province administrator (`CalendarOverride.counts_for_legal_limits`).
    The next override up the tree, or the national rule, then decides that date."""
    depth = {unit_id: index for index, unit_id in enumerate(unit.ancestor_ids)}
    rows = CalendarOverride.objects.filter(unit_id__in=depth)
    if legal:
        unapproved = Q(kind=CalendarOverride.Kind.DAY_OFF) & ~Q(unit_id=unit.ancestor_ids[0])
        unapproved &= Q(legal_basis="") | Q(approved_at__isnull=True)
        rows = rows.exclude(unapproved)
    chosen: dict[dt.date, tuple[int, str]] = {}
    for unit_id, day, kind in rows.values_list("unit_id", "date", "kind"):
        if day not in chosen or depth[unit_id] > chosen[day][0]:
            chosen[day] = (depth[unit_id], kind)
    return {day: kind for day, (_depth, kind) in chosen.items()}


def build_calendar(unit, *, legal: bool = False) -> WorkingCalendar:
    return WorkingCalendar(_sessions_for(unit), _overrides_for(unit, legal=legal), tz=settings.TIME_ZONE)


def forget_calendars() -> None:
    """Drop every cached calendar and counting rule of this process (tests: another test's database may have given
    the same ids and the same revision number to other units)."""
    with _lock:
        _cache.clear()
        _cache_revision[0] = -1


def _cached(key: tuple, build: Callable[[], object]):
    revision = current_revision()
    with _lock:
        if revision != _cache_revision[0]:
            _cache.clear()
            _cache_revision[0] = revision
        cached = _cache.get(key)
    if cached is not None:
        return cached
    built = build()
    with _lock:
        if _cache_revision[0] == revision:
            _cache[key] = built
    return built


def calendar_for_unit(unit) -> WorkingCalendar:
    """The unit's working calendar (one small query when nothing changed): when its desk is open, and what
    internal step budgets count. Every own day off of the unit closes it."""
    return _cached(("desk", unit.pk), lambda: build_calendar(unit))


def _read_counting_method(unit) -> str:
    root_id = unit.ancestor_ids[0] if unit.ancestor_ids else unit.pk
    method = CountingRule.objects.filter(unit_id=root_id).values_list("method", flat=True).first()
    return method or CountingRule.Method.LEGAL


def _legal_setup(unit) -> tuple[WorkingCalendar, str]:
    """(legal calendar, counting method) of the unit, cached together: one small query when nothing changed."""
    return _cached(("legal", unit.pk), lambda: (build_calendar(unit, legal=True), _read_counting_method(unit)))


def legal_calendar_for_unit(unit) -> WorkingCalendar:
    """The calendar legal limits are counted on: the unit's, without its unapproved own days off."""
    return _legal_setup(unit)[0]


def counting_method(unit) -> str:
    """The counting rule the unit's province chose (`CountingRule.Method`); the law's rule when none was chosen."""
    return _legal_setup(unit)[1]


def legal_due(unit, received_at: dt.datetime, amount: Decimal | float | int, time_unit: str) -> dt.datetime:
    """The legal due time of a dossier received by `unit` at `received_at` with a limit of `amount` `time_unit`
    ("working_days" or "working_hours", the values of Procedure.TimeUnit), as the unit's province counts.

    The law's rule (default; articles in `apps.calendar.engine`):
    * working days: Civil Code 2015 art. 147(2), 148 — the day of receipt does not count; due at the end of
      office hours of the last working day (0.5 day = the next working day's morning, due at its end);
    * same-day (working hours ≤ 8, one legal working day, Labour Code 2019 art. 105; or a limit of 0): due at the
      end of office hours that day, or the next working day when received after 15:00 (Decree 23/2015 art. 7);
      received on a day that does not count → the end of the next working day;
    * more than 8 working hours: working time from the moment of receipt (art. 147(1)).
    Hour-precise (a province's choice, `CountingRule`): days from the next session, hours from the moment.

    Either way the count runs on `legal_calendar_for_unit`: a unit's own day off lengthens a limit only with a
    legal basis approved by a province administrator; volunteer service days never count.
    """
    return legal_counter(unit)(received_at, amount, time_unit)


def legal_counter(unit):
    """`legal_due` for one unit with its calendar and its province's rule looked up once: for counting many
    dossiers of the same desk (the history generator)."""
    calendar, method = _legal_setup(unit)
    return partial(_legal_due_on, calendar, method)


def _legal_due_on(calendar, method: str, received_at: dt.datetime, amount, time_unit: str) -> dt.datetime:
    if time_unit not in (WORKING_DAYS, WORKING_HOURS):
        raise ValueError(f"unknown time unit {time_unit!r}")
    amount = float(amount)
    if amount < 0:
        raise ValueError("a time limit cannot be negative")
    if amount == 0:  # "trong ngày" written as a limit of 0
        return calendar.same_day_due(received_at)
    if method == CountingRule.Method.HOUR_PRECISE:
        if time_unit == WORKING_HOURS:
            return calendar.add_working_hours(received_at, amount)
        return calendar.add_working_days(received_at, amount)
    if time_unit == WORKING_HOURS:
        if amount <= LEGAL_DAY_HOURS:
            return calendar.same_day_due(received_at)
        return calendar.add_working_hours(received_at, amount)
    return calendar.legal_days_due(received_at, amount)


def timeliness(finished: dt.datetime, due: dt.datetime) -> str:
    """How a piece of work with a due moment was finished (a dossier, a task, a report): "late" after the due
    moment; "early" when finished on an earlier local day than the due day; else "on_time"."""
    if finished > due:
        return "late"
    tz = timezone.get_current_timezone()
    if finished.astimezone(tz).date() < due.astimezone(tz).date():
        return "early"
    return "on_time"


@functools.cache
def national_calendar() -> WorkingCalendar:
    """National rules only (no unit overrides): built once per process, as building it computes years of holidays."""
    return WorkingCalendar(tz=settings.TIME_ZONE)


def due_soon_limit(now: dt.datetime) -> dt.datetime:
    """Until the end of the next working day (nationally): what must move today or tomorrow."""
    return national_calendar().add_working_days(now, 1)


def overrides_visible_to(user, *, unit=None, year: int | None = None) -> QuerySet[CalendarOverride]:
    overrides = CalendarOverride.objects.filter(unit__in=units_visible_to(user)).select_related("unit", "approved_by")
    if unit is not None:
        overrides = overrides.filter(unit_id__in=unit.ancestor_ids)
    if year:
        overrides = overrides.filter(date__year=year)
    return overrides.order_by("date", "unit__path")


def office_hours_of(unit) -> Sessions:
    return _sessions_for(unit)


def month_days(unit, year: int, month: int) -> list[list[dict | None]]:
    """Weeks of the month (Monday first) for the calendar page: each day with its status and reason."""
    cal = calendar_for_unit(unit)
    own = {
        o.date: o
        for o in CalendarOverride.objects.filter(
            Q(unit_id__in=unit.ancestor_ids), date__year=year, date__month=month
        ).select_related("unit")
    }
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(None)
                continue
            working, reason = cal.day_kind(day)
            row.append({
                "date": day, "working": working, "open": cal.is_open_for_service(day),
                "reason": reason, "override": own.get(day),
            })  # fmt: skip
        weeks.append(row)
    return weeks
