"""Calendars per unit, cached per process and dropped when the calendar revision moves."""

import calendar as month_calendar
import datetime as dt
import functools
import threading

from django.conf import settings
from django.db.models import Q, QuerySet

from apps.calendar.engine import Sessions, WorkingCalendar
from apps.calendar.models import CalendarOverride, CalendarRevision, OfficeHours
from apps.org.selectors import units_visible_to

_cache: dict[int, WorkingCalendar] = {}
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


def _overrides_for(unit) -> dict[dt.date, str]:
    """Overrides of the unit and its ancestors; on the same date the nearest unit wins."""
    depth = {unit_id: index for index, unit_id in enumerate(unit.ancestor_ids)}
    chosen: dict[dt.date, tuple[int, str]] = {}
    for unit_id, day, kind in CalendarOverride.objects.filter(unit_id__in=depth).values_list("unit_id", "date", "kind"):
        if day not in chosen or depth[unit_id] > chosen[day][0]:
            chosen[day] = (depth[unit_id], kind)
    return {day: kind for day, (_depth, kind) in chosen.items()}


def build_calendar(unit) -> WorkingCalendar:
    return WorkingCalendar(_sessions_for(unit), _overrides_for(unit), tz=settings.TIME_ZONE)


def calendar_for_unit(unit) -> WorkingCalendar:
    """The unit's working calendar (one small query when nothing changed)."""
    revision = current_revision()
    with _lock:
        if revision != _cache_revision[0]:
            _cache.clear()
            _cache_revision[0] = revision
        cached = _cache.get(unit.pk)
    if cached is not None:
        return cached
    built = build_calendar(unit)
    with _lock:
        if _cache_revision[0] == revision:
            _cache[unit.pk] = built
    return built


@functools.cache
def national_calendar() -> WorkingCalendar:
    """National rules only (no unit overrides): built once per process, as building it computes years of holidays."""
    return WorkingCalendar(tz=settings.TIME_ZONE)


def due_soon_limit(now: dt.datetime) -> dt.datetime:
    """Until the end of the next working day (nationally): what must move today or tomorrow."""
    return national_calendar().add_working_days(now, 1)


def overrides_visible_to(user, *, unit=None, year: int | None = None) -> QuerySet[CalendarOverride]:
    overrides = CalendarOverride.objects.filter(unit__in=units_visible_to(user)).select_related("unit")
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
