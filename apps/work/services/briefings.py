"""Writes on briefings (giao ban): schedule, edit, cancel; attendance and minutes when it is held; its conclusions;
the conclusion notice (thông báo kết luận, numbered in the unit's yearly "TB" series) and every conclusion turned
into a task in one step.

A briefing moves planned → held (minutes recorded) → concluded (notice issued), or planned → cancelled. Its entry in
the leaders' weekly schedule (kind briefing) is written with it: same title, time, place, the chair as leader.
Those invited (by name, and the head of each invited unit) are sent the invitation, and told of a cancellation,
through the notification outbox. Every service is one transaction, locks the briefing and writes an audit event."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.text import normalize_multiline, normalize_text
from apps.documents.models import DocType
from apps.documents.selectors.registers import agency_path_ids
from apps.documents.services import registers
from apps.org import selectors as org
from apps.org.models import Unit
from apps.work.models import Briefing, BriefingParticipant, Conclusion, ScheduleEntry, Task
from apps.work.selectors.scope import leads
from apps.work.services.common import end_of_working_day, local_day, notify_person, shown_date
from apps.work.services.schedule import check_period
from apps.work.services.tasks import assign_task

Status = Briefing.Status

# The allowed moves of a briefing; every service checks its move here.
TRANSITIONS = {
    Status.PLANNED: {Status.HELD, Status.CANCELLED},
    Status.HELD: {Status.CONCLUDED},
    Status.CONCLUDED: set(),
    Status.CANCELLED: set(),
}
MAX_YEARS_AHEAD = 5


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _lock(briefing: Briefing) -> Briefing:
    return Briefing.objects.select_for_update(of=("self",)).select_related("unit", "chaired_by").get(pk=briefing.pk)


def _move(briefing: Briefing, to: str) -> None:
    if to not in TRANSITIONS[briefing.status]:
        raise ConflictError(
            _("Cuộc họp đang ở trạng thái “%(status)s”, không thể chuyển sang “%(to)s”.")
            % {"status": briefing.get_status_display(), "to": Status(to).label}
        )
    briefing.status = to


def _require_status(briefing: Briefing, *statuses: str, message: str) -> None:
    if briefing.status not in statuses:
        raise ConflictError(message)


def _require_organiser(actor, unit: Unit) -> None:
    if not leads(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ lãnh đạo của %(unit)s (hoặc cấp trên) được tổ chức cuộc họp giao ban của đơn vị.")
            % {"unit": unit.name}
        )


def _require_manager(actor, briefing: Briefing) -> None:
    """The chair or a leader over the briefing's unit records what happens at it."""
    if actor.pk != briefing.chaired_by_id and not leads(actor, briefing.unit):
        raise PermissionDeniedError(_("Chỉ người chủ trì hoặc lãnh đạo đơn vị được cập nhật cuộc họp này."))


def _checked_chair(chair, unit: Unit):
    if chair is None or not chair.is_active or not leads(chair, unit):
        raise DomainError(_("Người chủ trì phải là lãnh đạo của %(unit)s.") % {"unit": unit.name}, field="chaired_by")
    return chair


def _member(user, unit: Unit) -> bool:
    return org.active_memberships(user).filter(unit__path__startswith=unit.path).exists()


def _required_text(value: str, field: str, message: str, limit: int) -> str:
    value = normalize_text(value)
    if not value:
        raise DomainError(message, field=field)
    return value[:limit]


def _checked_fields(unit: Unit, fields: dict) -> dict:
    kind = fields.get("kind")
    if kind not in Briefing.Kind.values:
        raise DomainError(_("Chọn loại cuộc họp."), field="kind")
    check_period(fields.get("starts_at"), fields.get("ends_at"))
    return {
        "kind": kind,
        "title": _required_text(fields.get("title", ""), "title", _("Nhập tên cuộc họp."), 500),
        "starts_at": fields["starts_at"],
        "ends_at": fields["ends_at"],
        "location": _required_text(fields.get("location", ""), "location", _("Nhập địa điểm họp."), 300),
        "chaired_by": _checked_chair(fields.get("chaired_by"), unit),
        "agenda": normalize_multiline(fields.get("agenda", "")),
    }


def _checked_participants(actor, users: Iterable, units: Iterable) -> tuple[list, list]:
    """Those invited are people and units the organiser sees; a refusal never names a person outside that scope."""
    users, units = list(dict.fromkeys(users)), list(dict.fromkeys(units))
    visible_people = set(org.staff_visible_to(actor).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    visible_units = set(org.units_visible_to(actor).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    for user in users:
        if user.pk not in visible_people:
            raise DomainError(_("Người được mời không thuộc các đơn vị bạn quản lý."), field="participant_users")
        if not user.is_active:
            raise DomainError(_("%(name)s không còn làm việc.") % {"name": _name(user)}, field="participant_users")
    for unit in units:
        if unit.pk not in visible_units:
            raise DomainError(_("Đơn vị được mời không thuộc phạm vi của bạn."), field="participant_units")
        if not unit.is_active:
            raise DomainError(_("%(unit)s đã ngừng hoạt động.") % {"unit": unit.name}, field="participant_units")
    return users, units


def _set_participants(briefing: Briefing, users: list, units: list) -> None:
    """Participants kept when they stay invited (with their attendance); the others are replaced."""
    current = list(briefing.participants.all())
    wanted_users, wanted_units = {u.pk for u in users}, {u.pk for u in units}
    for participant in current:
        if participant.user_id not in wanted_users and participant.unit_id not in wanted_units:
            participant.delete()
    have_users = {p.user_id for p in current if p.user_id}
    have_units = {p.unit_id for p in current if p.unit_id and not p.user_id}
    BriefingParticipant.objects.bulk_create(
        [BriefingParticipant(briefing=briefing, user=u) for u in users if u.pk not in have_users]
        + [BriefingParticipant(briefing=briefing, unit=u) for u in units if u.pk not in have_units]
    )


def _participants_text(users: Sequence, units: Sequence) -> str:
    return "; ".join([*(u.name for u in units), *(_name(u) for u in users)])[:5000]


def _write_entry(briefing: Briefing, actor, users: Sequence, units: Sequence, is_public: bool | None) -> None:
    entry = ScheduleEntry.objects.filter(briefing=briefing).first() or ScheduleEntry(
        briefing=briefing, kind=ScheduleEntry.Kind.BRIEFING, created_by=actor
    )
    entry.unit = briefing.unit
    entry.title, entry.location = briefing.title, briefing.location
    entry.starts_at, entry.ends_at = briefing.starts_at, briefing.ends_at
    entry.participants = _participants_text(users, units)
    entry.cancelled = briefing.status == Status.CANCELLED
    if is_public is not None:
        entry.is_public = is_public
    entry.save()
    entry.leaders.set([briefing.chaired_by])


def _invited_people(briefing: Briefing, users: Sequence, units: Sequence, actor) -> list:
    """Those invited by name and the head of each invited unit, once each, not the one who acts."""
    people = [*users, *(org.head_of(unit) for unit in units), briefing.chaired_by]
    unique = {person.pk: person for person in people if person is not None and person.pk != actor.pk}
    return list(unique.values())


def _tell_invited(briefing: Briefing, people: Sequence, subject: str) -> None:
    start = timezone.localtime(briefing.starts_at)
    body = _("%(title)s — %(time)s ngày %(day)s tại %(place)s, do %(chair)s chủ trì.") % {
        "title": briefing.title, "time": start.strftime("%H:%M"), "day": shown_date(start.date()),
        "place": briefing.location, "chair": _name(briefing.chaired_by),
    }  # fmt: skip
    for person in people:
        notify_person(person, subject, body, obj=briefing)


def schedule_briefing(
    *,
    actor,
    unit: Unit,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str,
    chaired_by,
    agenda: str = "",
    participant_users: Iterable = (),
    participant_units: Iterable = (),
    is_public: bool = True,
    now: dt.datetime | None = None,
) -> Briefing:
    """A leader of `unit` schedules a briefing; it enters the unit's weekly schedule at once."""
    now = now or timezone.now()
    _require_organiser(actor, unit)
    fields = _checked_fields(unit, {"kind": kind, "title": title, "starts_at": starts_at, "ends_at": ends_at,
                                    "location": location, "chaired_by": chaired_by, "agenda": agenda})  # fmt: skip
    users, units = _checked_participants(actor, participant_users, participant_units)
    with transaction.atomic():
        briefing = Briefing.objects.create(unit=unit, created_by=actor, created_at=now, **fields)
        _set_participants(briefing, users, units)
        _write_entry(briefing, actor, users, units, is_public)
        record_event(
            "work.briefing.scheduled", actor=actor, obj=briefing, unit=unit,
            changes={"title": briefing.title, "starts_at": starts_at.isoformat(), "chaired_by": chaired_by.pk,
                     "participants": {"users": [u.pk for u in users], "units": [u.pk for u in units]}},
        )  # fmt: skip
        _tell_invited(briefing, _invited_people(briefing, users, units, actor), _("Giấy mời họp"))
    return briefing


def edit_briefing(
    *,
    actor,
    briefing: Briefing,
    participant_users: Iterable | None = None,
    participant_units: Iterable | None = None,
    is_public: bool | None = None,
    **changes,
) -> Briefing:
    """Change a planned briefing (time, place, chair, agenda, participants); its schedule entry follows."""
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_organiser(actor, briefing.unit)
        _require_status(briefing, Status.PLANNED, message=_("Chỉ sửa được cuộc họp chưa diễn ra."))
        editable = ("kind", "title", "starts_at", "ends_at", "location", "chaired_by", "agenda")
        unknown = set(changes) - set(editable)
        if unknown:
            raise DomainError(_("Không sửa được trường %(field)s.") % {"field": ", ".join(sorted(unknown))})
        before = {name: getattr(briefing, name) for name in editable}
        fields = _checked_fields(briefing.unit, {**before, **changes})
        for name, value in fields.items():
            setattr(briefing, name, value)
        briefing.save()
        current = list(briefing.participants.select_related("user", "unit"))
        users = list(participant_users) if participant_users is not None else [p.user for p in current if p.user]
        units = (
            list(participant_units)
            if participant_units is not None
            else [p.unit for p in current if p.unit and not p.user]
        )
        users, units = _checked_participants(actor, users, units)
        _set_participants(briefing, users, units)
        _write_entry(briefing, actor, users, units, is_public)
        changed = {
            name: str(getattr(value, "pk", value)) for name, value in fields.items() if before[name] != value
        }  # fmt: skip
        record_event("work.briefing.edited", actor=actor, obj=briefing, unit=briefing.unit, changes=changed)
    return briefing


def cancel_briefing(*, actor, briefing: Briefing, reason: str) -> Briefing:
    reason = _required_text(reason, "reason", _("Nhập lý do hủy cuộc họp."), 500)
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_organiser(actor, briefing.unit)
        _move(briefing, Status.CANCELLED)
        briefing.save(update_fields=["status"])
        ScheduleEntry.objects.filter(briefing=briefing).update(cancelled=True, updated_at=timezone.now())
        record_event("work.briefing.cancelled", actor=actor, obj=briefing, unit=briefing.unit,
                     changes={"reason": reason})  # fmt: skip
        participants = list(briefing.participants.select_related("user", "unit"))
        people = _invited_people(briefing, [p.user for p in participants if p.user],
                                 [p.unit for p in participants if p.unit and not p.user], actor)  # fmt: skip
        _tell_invited(briefing, people, _("Hủy cuộc họp: %(reason)s") % {"reason": reason})
    return briefing


def record_attendance(*, actor, briefing: Briefing, marks: Sequence[tuple[int, bool, str]]) -> Briefing:
    """`marks`: (participant id, present, reason when absent) — an absence needs its reason."""
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_manager(actor, briefing)
        _require_status(briefing, Status.PLANNED, Status.HELD,
                        message=_("Chỉ ghi điểm danh cho cuộc họp đã lên lịch hoặc đã họp."))  # fmt: skip
        if not marks:
            raise DomainError(_("Chọn có mặt hoặc vắng cho ít nhất một người, đơn vị."), field="attendance")
        participants = {p.pk: p for p in briefing.participants.select_related("user", "unit")}
        changed = []
        for pk, present, reason in marks:
            participant = participants.get(int(pk))
            if participant is None:
                raise DomainError(_("Người, đơn vị này không có trong thành phần dự họp."), field="attendance")
            reason = "" if present else normalize_text(reason)[:300]
            if not present and not reason:
                raise DomainError(
                    _("Ghi lý do vắng của %(name)s.") % {"name": str(participant)}, field="absence_reason"
                )
            participant.attended, participant.absence_reason = bool(present), reason
            changed.append(participant)
        BriefingParticipant.objects.bulk_update(changed, ["attended", "absence_reason"])
        record_event(
            "work.briefing.attendance", actor=actor, obj=briefing, unit=briefing.unit,
            changes={"marks": [{"participant": p.pk, "present": p.attended, "reason": p.absence_reason}
                               for p in changed]},
        )  # fmt: skip
    return briefing


def record_minutes(*, actor, briefing: Briefing, minutes: str, now: dt.datetime | None = None) -> Briefing:
    """The minutes of the meeting; the first time, the briefing becomes held (not before it has begun)."""
    now = now or timezone.now()
    minutes = normalize_multiline(minutes)
    if not minutes:
        raise DomainError(_("Nhập nội dung biên bản cuộc họp."), field="minutes")
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_manager(actor, briefing)
        if briefing.status == Status.PLANNED:
            if now < briefing.starts_at:
                raise ConflictError(_("Cuộc họp chưa bắt đầu; chưa thể ghi biên bản."))
            _move(briefing, Status.HELD)
        else:
            _require_status(briefing, Status.HELD, message=_("Biên bản chỉ sửa được trước khi ban hành thông báo."))
        briefing.minutes = minutes
        briefing.save(update_fields=["status", "minutes"])
        record_event("work.briefing.minutes", actor=actor, obj=briefing, unit=briefing.unit,
                     changes={"status": briefing.status, "length": len(minutes)})  # fmt: skip
    return briefing


def _owner_unit(owner_unit: Unit | None, owner_user) -> Unit:
    if owner_unit is not None:
        if owner_user is not None and not _member(owner_user, owner_unit):
            raise DomainError(
                _("Người thực hiện được chọn không thuộc %(unit)s.") % {"unit": owner_unit.name},
                field="owner_user",
            )
        return owner_unit
    if owner_user is None:
        raise DomainError(_("Chọn đơn vị hoặc người thực hiện kết luận."), field="owner_unit")
    units = org.primary_units(owner_user)
    if not units:
        raise DomainError(_("Người thực hiện được chọn không thuộc đơn vị nào."), field="owner_user")
    return units[0]


def _checked_conclusion(briefing: Briefing, text: str, owner_unit, owner_user, deadline: dt.date | None) -> dict:
    text = normalize_multiline(text)
    if not text:
        raise DomainError(_("Nhập nội dung kết luận."), field="text")
    unit = _owner_unit(owner_unit, owner_user)
    if not unit.path.startswith(briefing.unit.path):
        raise DomainError(
            _("Đơn vị, người thực hiện kết luận phải thuộc %(unit)s.") % {"unit": briefing.unit.name},
            field="owner_unit" if owner_unit is not None else "owner_user",
        )
    if deadline is None:
        raise DomainError(_("Nhập thời hạn thực hiện kết luận."), field="deadline")
    if deadline < local_day(briefing.starts_at):
        raise DomainError(_("Thời hạn không được trước ngày họp."), field="deadline")
    if deadline.year > local_day(briefing.starts_at).year + MAX_YEARS_AHEAD:
        raise DomainError(
            _("Thời hạn không quá %(years)d năm sau ngày họp.") % {"years": MAX_YEARS_AHEAD}, field="deadline"
        )
    end_of_working_day(unit, deadline)  # refuses a day off, naming the working day before it
    return {"text": text, "owner_unit": owner_unit, "owner_user": owner_user, "deadline": deadline}


def add_conclusion(
    *, actor, briefing: Briefing, text: str, owner_unit: Unit | None = None, owner_user=None, deadline: dt.date
) -> Conclusion:
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_manager(actor, briefing)
        _require_status(
            briefing, Status.HELD, message=_("Kết luận được ghi sau khi họp và trước khi ban hành thông báo.")
        )
        fields = _checked_conclusion(briefing, text, owner_unit, owner_user, deadline)
        last = briefing.conclusions.order_by("-order").values_list("order", flat=True).first() or 0
        conclusion = Conclusion.objects.create(briefing=briefing, order=last + 1, **fields)
        record_event("work.conclusion.added", actor=actor, obj=conclusion, unit=briefing.unit,
                     changes=_conclusion_changes(conclusion))  # fmt: skip
    return conclusion


def edit_conclusion(
    *, actor, conclusion: Conclusion, text: str, owner_unit: Unit | None = None, owner_user=None, deadline: dt.date
) -> Conclusion:
    with transaction.atomic():
        briefing = _lock(conclusion.briefing)
        _require_manager(actor, briefing)
        _require_status(briefing, Status.HELD, message=_("Kết luận đã ban hành trong thông báo, không sửa được."))
        conclusion = Conclusion.objects.select_for_update().get(pk=conclusion.pk, briefing=briefing)
        for name, value in _checked_conclusion(briefing, text, owner_unit, owner_user, deadline).items():
            setattr(conclusion, name, value)
        conclusion.save()
        record_event("work.conclusion.edited", actor=actor, obj=conclusion, unit=briefing.unit,
                     changes=_conclusion_changes(conclusion))  # fmt: skip
    return conclusion


def remove_conclusion(*, actor, conclusion: Conclusion) -> None:
    with transaction.atomic():
        briefing = _lock(conclusion.briefing)
        _require_manager(actor, briefing)
        _require_status(briefing, Status.HELD, message=_("Kết luận đã ban hành trong thông báo, không xóa được."))
        record_event("work.conclusion.removed", actor=actor, obj=conclusion, unit=briefing.unit,
                     changes={"order": conclusion.order, "text": conclusion.text[:200]})  # fmt: skip
        conclusion.delete()


def _conclusion_changes(conclusion: Conclusion) -> dict:
    return {
        "order": conclusion.order, "owner_unit": conclusion.owner_unit_id, "owner_user": conclusion.owner_user_id,
        "deadline": conclusion.deadline.isoformat() if conclusion.deadline else None,
    }  # fmt: skip


def _register_notice(actor, briefing: Briefing, now: dt.datetime):
    """Decree 30/2020: the conclusion notice is an outgoing document (Thông báo) of the agency the briefing's unit
    belongs to. It takes its number in that agency's outgoing register at issue, in the one series of the issuer and
    year like every released document ("05/TB-UBND"; a division's notice "06/TB-VHXH"), and stays in the register."""
    agency = Unit.objects.get(pk=agency_path_ids(briefing.unit)[-1])
    chair = _name(briefing.chaired_by)
    document = registers.outgoing_draft(
        actor=actor, unit=agency, doc_type=DocType.NOTICE,
        drafting_unit=briefing.unit if briefing.unit != agency else None,
        summary=f"Kết luận của {chair} tại {briefing.title}",  # the register's text, in Vietnamese whatever the UI
        signer_name=chair, recipients="Các thành phần dự họp;\nLưu: VT.", now=now,
    )  # fmt: skip
    return registers.outgoing_release(actor=actor, document=document, now=now)


def issue_notice(*, actor, briefing: Briefing, now: dt.datetime | None = None) -> Briefing:
    """The conclusion notice: held → concluded, numbered in the agency's outgoing register (`_register_notice`)."""
    now = now or timezone.now()
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_manager(actor, briefing)
        if briefing.status == Status.HELD and not briefing.conclusions.exists():
            raise ConflictError(_("Chưa có kết luận nào để ban hành thông báo."))
        _move(briefing, Status.CONCLUDED)
        document = _register_notice(actor, briefing, now)
        briefing.notice_number, briefing.notice_document_id = document.symbol, document.pk
        briefing.concluded_at = now
        briefing.save(update_fields=["status", "notice_number", "notice_document_id", "concluded_at"])
        record_event("work.briefing.concluded", actor=actor, obj=briefing, unit=briefing.unit,
                     changes={"notice_number": briefing.notice_number})  # fmt: skip
    return briefing


def _task_title(conclusion: Conclusion, briefing: Briefing) -> str:
    return normalize_text(conclusion.text)[:500]


def _task_description(conclusion: Conclusion, briefing: Briefing) -> str:
    return _("Kết luận số %(order)d tại %(title)s (Thông báo số %(number)s).") % {
        "order": conclusion.order, "title": briefing.title, "number": briefing.notice_number,
    }  # fmt: skip


def conclusions_to_tasks(*, actor, briefing: Briefing, now: dt.datetime | None = None) -> list[Task]:
    """Every conclusion of the issued notice not yet assigned becomes a task of its owner, in one transaction:
    all or none. By the chair or a leader over every owner; a conclusion is never assigned twice."""
    now = now or timezone.now()
    with transaction.atomic():
        briefing = _lock(briefing)
        _require_status(briefing, Status.CONCLUDED,
                        message=_("Ban hành thông báo kết luận trước khi giao nhiệm vụ."))  # fmt: skip
        conclusions = list(
            briefing.conclusions.select_for_update(of=("self",))
            .filter(task__isnull=True)
            .select_related("owner_unit", "owner_user")
        )
        if not conclusions:
            raise ConflictError(_("Mọi kết luận của cuộc họp đã được giao thành nhiệm vụ."))
        tasks = []
        for conclusion in conclusions:
            unit = _owner_unit(conclusion.owner_unit, conclusion.owner_user)
            if actor.pk != briefing.chaired_by_id and not leads(actor, unit):
                raise PermissionDeniedError(
                    _("Chỉ người chủ trì hoặc lãnh đạo cấp trên của %(unit)s được giao nhiệm vụ từ kết luận.")
                    % {"unit": unit.name}
                )
            tasks.append(assign_task(
                actor=actor, unit=unit, assignee=conclusion.owner_user, deadline=conclusion.deadline,
                title=_task_title(conclusion, briefing), description=_task_description(conclusion, briefing),
                source=Task.Source.BRIEFING, conclusion=conclusion, assigner_unit=briefing.unit, now=now,
            ))  # fmt: skip
        record_event("work.briefing.tasks_assigned", actor=actor, obj=briefing, unit=briefing.unit,
                     changes={"tasks": [t.pk for t in tasks]})  # fmt: skip
    return tasks
