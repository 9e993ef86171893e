"""Writes on calendars: overrides, office hours, the province's counting rule. Each bumps the calendar revision and
is audited.

Who may do what:
* days and office hours of a unit: its leaders and administrators, inside their scope (`_require_calendar_manager`);
* a unit's own day off below the province must state its legal basis ("căn cứ pháp lý"); it closes the desk at
  once, but lengthens legal limits only once a province administrator has approved it (`override_approve`, or
  set by a province administrator in the first place). Changing such a day again drops the approval;
* the counting rule of legal limits (the law's or hour-precise): a province administrator only.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.calendar.models import CalendarOverride, CalendarRevision, CountingRule, OfficeHours
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


def is_province_administrator(actor, unit) -> bool:
    """The system (None), a superuser, or an administrator whose scope covers the province (root) of `unit`."""
    if actor is None or actor.is_superuser:
        return True
    if not user_has_role(actor, Role.ADMINISTRATOR):
        return False
    return can_see_unit(actor, _root_of(unit))


def _require_province_administrator(actor, unit, message: str) -> None:
    if not is_province_administrator(actor, unit):
        raise PermissionDeniedError(message)


def _root_of(unit):
    return unit if unit.parent_id is None else type(unit).objects.get(pk=unit.ancestor_ids[0])


def _bump_revision() -> None:
    revision, _created = CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=revision.pk).update(number=F("number") + 1)


def check_override(*, actor, unit, date: dt.date, kind: str, legal_basis: str = "") -> None:
    """Refuse (DomainError) what `override_set` would refuse, so that forms can show it beside the field."""
    _require_calendar_manager(actor, unit)
    if kind not in CalendarOverride.Kind.values:
        raise DomainError(_("Loại ngày không hợp lệ."), field="kind")
    if kind == CalendarOverride.Kind.SERVICE_DAY and date.weekday() < 5:
        raise DomainError(_("Ngày phục vụ thêm phải là thứ Bảy hoặc Chủ nhật."), field="date")
    if kind == CalendarOverride.Kind.DAY_OFF and unit.parent_id is not None and not (legal_basis or "").strip():
        raise DomainError(
            _(
                "Ngày nghỉ riêng của đơn vị phải ghi căn cứ pháp lý (số, ký hiệu, ngày của văn bản cho phép nghỉ). "
                "Ngày nghỉ chỉ kéo dài thời hạn giải quyết khi quản trị cấp tỉnh phê duyệt."
            ),
            field="legal_basis",
        )


@transaction.atomic
def override_set(
    *, actor, unit, date: dt.date, kind: str, note: str = "", legal_basis: str = "", now: dt.datetime | None = None
) -> CalendarOverride:
    """Set a unit's own day. A day off below the province needs its legal basis; set by a province administrator
    it is approved at once (it moves legal limits), set by the unit's own leader it waits for approval."""
    legal_basis = normalize_text(legal_basis or "").strip()
    check_override(actor=actor, unit=unit, date=date, kind=kind, legal_basis=legal_basis)
    unit_day_off = kind == CalendarOverride.Kind.DAY_OFF and unit.parent_id is not None
    approved = unit_day_off and is_province_administrator(actor, unit)
    override, created = CalendarOverride.objects.update_or_create(
        unit=unit, date=date,
        defaults={
            "kind": kind, "note": normalize_text(note), "legal_basis": legal_basis, "created_by": actor,
            "approved_by": actor if approved else None,
            "approved_at": (now or timezone.now()) if approved else None,
        },
    )  # fmt: skip
    _bump_revision()
    record_event(
        "calendar.override.set", actor=actor, obj=override, unit=unit,
        changes={"date": date, "kind": kind, "note": override.note, "legal_basis": legal_basis,
                 "approved": approved, "created": created},
    )  # fmt: skip
    return override


@transaction.atomic
def override_approve(*, actor, override: CalendarOverride, now: dt.datetime | None = None) -> CalendarOverride:
    """A province administrator approves a unit's own day off and its legal basis: from now on the day lengthens
    the legal limits of the unit's dossiers (`apps.calendar.selectors.legal_due`)."""
    _require_province_administrator(
        actor, override.unit, _("Chỉ quản trị cấp tỉnh mới được phê duyệt ngày nghỉ riêng của đơn vị.")
    )
    if not override.is_unit_day_off:
        raise DomainError(_("Chỉ ngày nghỉ riêng của đơn vị cấp dưới tỉnh mới cần phê duyệt."), field="kind")
    if not override.legal_basis.strip():
        raise DomainError(_("Chưa có căn cứ pháp lý để phê duyệt."), field="legal_basis")
    override.approved_by, override.approved_at = actor, now or timezone.now()
    override.save(update_fields=["approved_by", "approved_at"])
    _bump_revision()
    record_event(
        "calendar.override.approve", actor=actor, obj=override, unit=override.unit,
        changes={"date": override.date, "legal_basis": override.legal_basis},
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


def check_counting_rule(*, actor, unit, method: str) -> None:
    if unit.parent_id is not None:
        raise DomainError(_("Cách tính thời hạn chỉ chọn cho cả tỉnh (đơn vị cấp cao nhất)."), field="unit")
    _require_province_administrator(actor, unit, _("Chỉ quản trị cấp tỉnh mới được chọn cách tính thời hạn."))
    if method not in CountingRule.Method.values:
        raise DomainError(_("Cách tính thời hạn không hợp lệ."), field="method")


@transaction.atomic
def counting_rule_set(*, actor, unit, method: str) -> CountingRule:
    """A province chooses how legal limits are counted: the law's rule (default) or hour-precise working time."""
    check_counting_rule(actor=actor, unit=unit, method=method)
    previous = CountingRule.objects.filter(unit=unit).values_list("method", flat=True).first() or (
        CountingRule.Method.LEGAL
    )
    rule, _created = CountingRule.objects.update_or_create(unit=unit, defaults={"method": method, "updated_by": actor})
    _bump_revision()
    record_event(
        "calendar.counting_rule.set", actor=actor, obj=rule, unit=unit,
        changes={"method": [previous, method]},
    )  # fmt: skip
    return rule
