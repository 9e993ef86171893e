"""Reads on the leaders' weekly schedule: a unit's week (Monday to Sunday) for staff, scoped to the units they see,
and for the public (only public entries not cancelled, leaders by name only: never a phone or an e-mail)."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.org import selectors as org
from apps.org.models import Role, Unit, User
from apps.work.models import ScheduleEntry
from apps.work.selectors.scope import visible_units_q

WEEK_DAYS = 7


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=offset) for offset in range(WEEK_DAYS)]


def leaders_of(unit: Unit) -> QuerySet[User]:
    """The unit's own leaders (members of the unit itself with the leader role), who fill its schedule."""
    members = org.active_memberships_of_unit(unit).values("user_id")
    return User.objects.filter(pk__in=members, groups__name=Role.UNIT_LEADER, is_active=True).order_by(
        "full_name", "username"
    )


def is_leader_of(user, unit: Unit) -> bool:
    return leaders_of(unit).filter(pk=user.pk).exists()


def _week(entries: QuerySet[ScheduleEntry], unit: Unit, monday: dt.date) -> QuerySet[ScheduleEntry]:
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=WEEK_DAYS), dt.time()))
    leaders = Prefetch(
        "leaders", queryset=User.objects.order_by("full_name", "username").only("id", "full_name", "username")
    )
    return (
        entries.filter(unit=unit, starts_at__gte=start, starts_at__lt=end)
        .select_related("unit")
        .prefetch_related(leaders)
        .order_by("starts_at", "pk")
    )


def unit_week(user, unit: Unit, monday: dt.date) -> QuerySet[ScheduleEntry]:
    """Every entry of the unit's week, cancelled ones included (struck out on the page), if `user` sees the unit."""
    return _week(ScheduleEntry.objects.filter(visible_units_q(user)), unit, monday)


def public_week(unit: Unit, monday: dt.date) -> QuerySet[ScheduleEntry]:
    return _week(ScheduleEntry.objects.filter(is_public=True, cancelled=False), unit, monday)


def schedule_entry(user, pk: int) -> ScheduleEntry | None:
    return (
        ScheduleEntry.objects.filter(visible_units_q(user), pk=pk)
        .select_related("unit", "briefing")
        .prefetch_related("leaders")
        .first()
    )


def schedule_units(user) -> QuerySet[Unit]:
    """The units whose schedule `user` may open on the staff page."""
    return Unit.objects.filter(visible_units_q(user, prefix="pk__"), is_active=True).order_by("path")


def public_units() -> QuerySet[Unit]:
    """The units that publish a schedule (at least one public entry), for the public page's choice."""
    published = ScheduleEntry.objects.filter(is_public=True, cancelled=False).values("unit_id")
    return Unit.objects.filter(pk__in=published, is_active=True).order_by("path")


def days_of(entries, monday: dt.date) -> list[tuple[dt.date, list[ScheduleEntry]]]:
    """The week as (day, its entries) for the seven days, empty days included (the printed layout)."""
    by_day: dict[dt.date, list] = {day: [] for day in week_days(monday)}
    for entry in entries:
        by_day.setdefault(timezone.localtime(entry.starts_at).date(), []).append(entry)
    return list(by_day.items())
