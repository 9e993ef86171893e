"""Writes on calendars: overrides and office hours. Each bumps the calendar revision and is audited."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.calendar.models import CalendarOverride, CalendarRevision, OfficeHours
from apps.core.audit import record_event
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.text import normalize_text
from apps.org.models import Role
from apps.org.selectors import can_see_unit, user_has_role

MANAGING_ROLES = (Role.ADMINISTRATOR, Role.UNIT_LEADER)


def _require_calendar_manager(actor, unit) -> None:
    if actor is None or actor.is_superuser:
        return
    if not any(user_has_role(actor, role) for role in MANAGING_ROLES):
        raise PermissionDeniedError(_("Chỉ lãnh đạo đơn vị hoặc quản trị mới được điều chỉnh lịch làm việc."))
    if not can_see_unit(actor, unit):
        raise PermissionDeniedError(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))


def _bump_revision() -> None:
    revision, _created = CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=revision.pk).update(number=F("number") + 1)


@transaction.atomic
def override_set(*, actor, unit, date: dt.date, kind: str, note: str = "") -> CalendarOverride:
    _require_calendar_manager(actor, unit)
    if kind not in CalendarOverride.Kind.values:
        raise DomainError(_("Loại ngày không hợp lệ."), field="kind")
    if kind == CalendarOverride.Kind.SERVICE_DAY and date.weekday() < 5:
        raise DomainError(_("Ngày phục vụ thêm phải là thứ Bảy hoặc Chủ nhật."), field="date")
    override, created = CalendarOverride.objects.update_or_create(
        unit=unit, date=date, defaults={"kind": kind, "note": normalize_text(note), "created_by": actor}
    )
    _bump_revision()
    record_event(
        "calendar.override.set", actor=actor, obj=override, unit=unit,
        changes={"date": date, "kind": kind, "note": override.note, "created": created},
    )  # fmt: skip
    return override


@transaction.atomic
def override_remove(*, actor, override: CalendarOverride) -> None:
    _require_calendar_manager(actor, override.unit)
    record_event(
        "calendar.override.remove",
        actor=actor,
        obj=override,
        unit=override.unit,
        changes={"date": override.date, "kind": override.kind},
    )
    override.delete()
    _bump_revision()


@transaction.atomic
def office_hours_set(
    *,
    actor,
    unit,
    morning_start: dt.time,
    morning_end: dt.time,
    afternoon_start: dt.time,
    afternoon_end: dt.time,
) -> OfficeHours:
    _require_calendar_manager(actor, unit)
    if not (morning_start < morning_end <= afternoon_start < afternoon_end):
        raise DomainError(
            _("Giờ làm việc phải theo thứ tự: sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu < chiều kết thúc."),
            field="morning_start",
        )
    hours, _created = OfficeHours.objects.update_or_create(
        unit=unit,
        defaults={"morning_start": morning_start, "morning_end": morning_end,
                  "afternoon_start": afternoon_start, "afternoon_end": afternoon_end},
    )  # fmt: skip
    _bump_revision()
    record_event("calendar.office_hours.set", actor=actor, obj=hours, unit=unit, changes={"hours": str(hours)})
    return hours
