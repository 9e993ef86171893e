"""Writes on the leaders' weekly schedule (lịch công tác tuần): add, edit and cancel an entry — a meeting, a reception
day, a visit — of a unit's leaders. Written by a leader of the unit or its clerical officer (văn thư), who keeps the
schedule in practice. A briefing's entry is written by the briefing's services, never here."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.text import normalize_multiline, normalize_text
from apps.org import selectors as org
from apps.org.models import Role, Unit
from apps.work.models import ScheduleEntry
from apps.work.selectors.schedule import is_leader_of
from apps.work.selectors.scope import leads

Kind = ScheduleEntry.Kind
EDITABLE_KINDS = (Kind.MEETING, Kind.RECEPTION, Kind.VISIT, Kind.OTHER)
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_DAYS = 31
FIELDS = ("kind", "title", "starts_at", "ends_at", "location", "participants", "preparing_unit", "is_public")


def can_keep_schedule(user, unit: Unit) -> bool:
    """A leader of the unit (or above it), or a clerical officer who is a member of the unit itself."""
    if leads(user, unit):
        return True
    return org.user_has_role(user, Role.CLERICAL_OFFICER) and org.active_memberships(user).filter(unit=unit).exists()


def _require_keeper(actor, unit: Unit) -> None:
    if not can_keep_schedule(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ lãnh đạo hoặc văn thư của %(unit)s được cập nhật lịch công tác của đơn vị.") % {"unit": unit.name}
        )


def _checked_leaders(unit: Unit, leaders: Iterable) -> list:
    leaders = list(dict.fromkeys(leaders))
    if not leaders:
        raise DomainError(_("Chọn lãnh đạo dự."), field="leaders")
    for leader in leaders:
        if not leader.is_active or not is_leader_of(leader, unit):
            raise DomainError(
                _("Người được chọn không phải lãnh đạo của %(unit)s.") % {"unit": unit.name}, field="leaders"
            )
    return leaders


def check_period(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> None:
    """A meeting, visit or briefing: it ends after it starts, lasts at most MAX_DAYS, in years a schedule can hold."""
    if starts_at is None or ends_at is None:
        raise DomainError(_("Nhập thời gian bắt đầu và kết thúc."), field="starts_at")
    if not FIRST_YEAR <= starts_at.year <= LAST_YEAR:
        raise DomainError(
            _("Năm phải từ %(first)d đến %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, field="starts_at"
        )
    if ends_at <= starts_at:
        raise DomainError(_("Thời gian kết thúc phải sau thời gian bắt đầu."), field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=MAX_DAYS):
        raise DomainError(_("Một mục lịch kéo dài tối đa %(days)d ngày.") % {"days": MAX_DAYS}, field="ends_at")


def _checked(fields: dict) -> dict:
    if fields.get("kind") not in EDITABLE_KINDS:
        raise DomainError(_("Chọn loại lịch: họp, tiếp công dân, đi cơ sở hoặc khác."), field="kind")
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    check_period(starts_at, ends_at)
    title = normalize_text(fields.get("title"))
    if not title:
        raise DomainError(_("Nhập nội dung công việc."), field="title")
    location = normalize_text(fields.get("location"))
    if not location:
        raise DomainError(_("Nhập địa điểm."), field="location")
    return {
        "kind": fields["kind"], "title": title[:500], "starts_at": starts_at, "ends_at": ends_at,
        "location": location[:300], "participants": normalize_multiline(fields.get("participants"))[:5000],
        "preparing_unit": normalize_text(fields.get("preparing_unit"))[:300],
        "is_public": bool(fields.get("is_public", True)),
    }  # fmt: skip


def _changes(entry: ScheduleEntry, leaders: list) -> dict:
    return {
        "kind": entry.kind, "title": entry.title, "starts_at": entry.starts_at.isoformat(),
        "ends_at": entry.ends_at.isoformat(), "location": entry.location, "is_public": entry.is_public,
        "leaders": [leader.pk for leader in leaders],
    }  # fmt: skip


def add_entry(
    *,
    actor,
    unit: Unit,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    leaders: Iterable,
    participants: str = "",
    preparing_unit: str = "",
    is_public: bool = True,
) -> ScheduleEntry:
    _require_keeper(actor, unit)
    fields = _checked({"kind": kind, "title": title, "starts_at": starts_at, "ends_at": ends_at,
                       "location": location, "participants": participants, "preparing_unit": preparing_unit,
                       "is_public": is_public})  # fmt: skip
    leaders = _checked_leaders(unit, leaders)
    with transaction.atomic():
        entry = ScheduleEntry.objects.create(unit=unit, created_by=actor, **fields)
        entry.leaders.set(leaders)
        record_event("work.schedule.added", actor=actor, obj=entry, unit=unit, changes=_changes(entry, leaders))
    return entry


def _locked(entry: ScheduleEntry) -> ScheduleEntry:
    entry = ScheduleEntry.objects.select_for_update(of=("self",)).select_related("unit").get(pk=entry.pk)
    if entry.briefing_id is not None:
        raise ConflictError(_("Lịch giao ban được cập nhật từ trang cuộc họp giao ban."))
    if entry.cancelled:
        raise ConflictError(_("Lịch này đã hủy."))
    return entry


def edit_entry(*, actor, entry: ScheduleEntry, leaders: Iterable | None = None, **changes) -> ScheduleEntry:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise DomainError(_("Không sửa được trường %(field)s.") % {"field": ", ".join(sorted(unknown))})
    with transaction.atomic():
        entry = _locked(entry)
        _require_keeper(actor, entry.unit)
        fields = _checked({**{name: getattr(entry, name) for name in FIELDS}, **changes})
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()
        leaders = _checked_leaders(entry.unit, leaders) if leaders is not None else list(entry.leaders.all())
        entry.leaders.set(leaders)
        record_event("work.schedule.edited", actor=actor, obj=entry, unit=entry.unit, changes=_changes(entry, leaders))
    return entry


def cancel_entry(*, actor, entry: ScheduleEntry, reason: str = "") -> ScheduleEntry:
    with transaction.atomic():
        entry = _locked(entry)
        _require_keeper(actor, entry.unit)
        entry.cancelled = True
        entry.save(update_fields=["cancelled", "updated_at"])
        record_event("work.schedule.cancelled", actor=actor, obj=entry, unit=entry.unit,
                     changes={"reason": normalize_text(reason)[:500], "at": timezone.now().isoformat()})  # fmt: skip
    return entry
