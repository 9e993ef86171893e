"""Writes on work programmes (chương trình công tác năm, quý, tháng).

A programme belongs to a unit and a period (one per unit and period). Its members draft it (items: the work, the
lead unit, the person in charge, the co-handlers, the expected product, a deadline on the working-day clock), submit
it, and the head of the unit or a leader over it approves it or returns it to draft with a note. Once approved only
the items' status changes (planned, in progress, done, postponed, cancelled), and items can become tasks. A month's
programme is drawn in one step from the approved quarter's and year's programmes of the unit; an item done in the
month is done in the programme it came from, and the same work is made a task once.

Allowed moves of a programme (the state machine, enforced here):

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                  │                     │
      └──── return (note) ◀─────────────────────┘

Every write is one transaction with its audit event ("work.program.<verb>", "work.program_item.<verb>")."""

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.text import normalize_multiline, normalize_text
from apps.org import selectors as org
from apps.org.models import Unit
from apps.work.models import PeriodKind, ProgramItem, Task, WorkProgram
from apps.work.selectors import programmes as selectors
from apps.work.selectors.scope import works_within
from apps.work.services.common import end_of_working_day, notify_person, shown_date
from apps.work.services.tasks import assign_task

Status = WorkProgram.Status
ItemStatus = ProgramItem.Status

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((Status.DRAFT,), Status.SUBMITTED),
    "approve": ((Status.SUBMITTED,), Status.APPROVED),
    "return": ((Status.SUBMITTED, Status.APPROVED), Status.DRAFT),
}
NUMBERS = {PeriodKind.YEAR: (1, 1), PeriodKind.HALF: (1, 2), PeriodKind.QUARTER: (1, 4), PeriodKind.MONTH: (1, 12)}
# An item may fall due after its period (work carried over), within a year of its end.
LATEST_AFTER_PERIOD = dt.timedelta(days=365)
# Item statuses a programme item may not be drawn or tasked from.
CLOSED_ITEM_STATUSES = (ItemStatus.DONE, ItemStatus.CANCELLED)


# ---- who may act ------------------------------------------------------------------------------------------------


def _require_drafter(actor, unit: Unit) -> None:
    if not selectors.may_draft(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ cán bộ của %(unit)s hoặc lãnh đạo cấp trên được lập, sửa chương trình công tác của đơn vị.")
            % {"unit": unit.name}
        )


def _require_approver(actor, unit: Unit) -> None:
    if not selectors.may_approve(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ thủ trưởng %(unit)s hoặc lãnh đạo cấp trên được phê duyệt, trả lại chương trình công tác.")
            % {"unit": unit.name}
        )


def _locked(program: WorkProgram) -> WorkProgram:
    return WorkProgram.objects.select_for_update(of=("self",)).select_related("unit").get(pk=program.pk)


def _require_draft(program: WorkProgram) -> None:
    if program.status != Status.DRAFT:
        raise ConflictError(
            _("Chương trình đang ở trạng thái “%(status)s”: chỉ sửa được khi là dự thảo (trả lại để sửa).")
            % {"status": program.get_status_display()}
        )


# ---- programmes -------------------------------------------------------------------------------------------------


def default_title(kind: str, year: int, number: int) -> str:
    return f"Chương trình công tác {selectors.period_label(kind, year, number)}"


def _checked_period(kind: str, year: int, number: int) -> tuple[str, int, int]:
    if kind not in PeriodKind.values:
        raise DomainError(_("Loại chương trình không hợp lệ."), field="kind")
    low, high = NUMBERS[kind]
    if kind == PeriodKind.YEAR:
        number = 1
    if not low <= int(number) <= high:
        raise DomainError(_("Kỳ của chương trình phải từ %(low)d đến %(high)d.") % {"low": low, "high": high},
                          field="number")  # fmt: skip
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("Năm không hợp lệ."), field="year")
    return kind, int(year), int(number)


def create_program(
    *, actor, unit: Unit, kind: str, year: int, number: int = 1, title: str = "", now: dt.datetime | None = None
) -> WorkProgram:
    """A draft programme of `unit` for a period; refused when the unit already has one for it."""
    now = now or timezone.now()
    _require_drafter(actor, unit)
    kind, year, number = _checked_period(kind, year, number)
    title = normalize_text(title) or default_title(kind, year, number)
    exists = _("%(unit)s đã có chương trình công tác %(period)s; mở chương trình đó để sửa.") % {
        "unit": unit.name, "period": selectors.period_display(kind, year, number),
    }  # fmt: skip
    if WorkProgram.objects.filter(unit=unit, kind=kind, year=year, number=number).exists():
        raise ConflictError(exists)
    try:
        with transaction.atomic():
            program = WorkProgram.objects.create(
                unit=unit, kind=kind, year=year, number=number, title=title[:500], created_by=actor, created_at=now
            )
            record_event("work.program.created", actor=actor, obj=program, unit=unit,
                         changes={"kind": kind, "year": year, "number": number})  # fmt: skip
    except IntegrityError as error:  # created by someone else meanwhile
        raise ConflictError(exists) from error
    return program


def _move(actor, program: WorkProgram, action: str, now: dt.datetime, note: str = "") -> WorkProgram:
    sources, target = TRANSITIONS[action]
    with transaction.atomic():
        program = _locked(program)
        if action == "submit":
            _require_drafter(actor, program.unit)
        else:
            _require_approver(actor, program.unit)
        if program.status not in sources:
            raise ConflictError(
                _("Không thể thực hiện khi chương trình đang ở trạng thái “%(status)s”.")
                % {"status": program.get_status_display()}
            )
        if action == "submit" and not program.items.exists():
            raise DomainError(_("Chương trình chưa có nội dung công việc nào."))
        before = program.status
        program.status = target
        if action == "submit":
            program.submitted_at = now
        elif action == "approve":
            program.approved_by, program.approved_at = actor, now
        else:
            program.approved_by, program.approved_at, program.submitted_at = None, None, None
            program.note = note
        program.save(update_fields=["status", "submitted_at", "approved_by", "approved_at", "note"])
        changes = {"status": [before, target]}
        if note:
            changes["note"] = note
        verb = {"submit": "submitted", "approve": "approved", "return": "returned"}[action]
        record_event(f"work.program.{verb}", actor=actor, obj=program, unit=program.unit, changes=changes)
        _tell(actor, program, action, note)
    return program


def _tell(actor, program: WorkProgram, action: str, note: str) -> None:
    """A submitted programme is announced to the head of its unit; the decision to whoever drafted it."""
    if action == "submit":
        recipient = org.head_of(program.unit)
        subject = _("Chương trình công tác chờ phê duyệt")
        body = _("%(title)s của %(unit)s đã được trình, chờ phê duyệt.")
    else:
        recipient = program.created_by
        if action == "approve":
            subject = _("Chương trình công tác đã được phê duyệt")
            body = _("%(title)s của %(unit)s đã được phê duyệt.")
        else:
            subject = _("Chương trình công tác được trả lại để sửa")
            body = _("%(title)s của %(unit)s được trả lại để sửa: %(note)s")
    if recipient is None or recipient.pk == actor.pk:
        return
    notify_person(recipient, str(subject), body % {"title": program.title, "unit": program.unit.name, "note": note},
                  obj=program)  # fmt: skip


def submit_program(*, actor, program: WorkProgram, now: dt.datetime | None = None) -> WorkProgram:
    return _move(actor, program, "submit", now or timezone.now())


def approve_program(*, actor, program: WorkProgram, now: dt.datetime | None = None) -> WorkProgram:
    return _move(actor, program, "approve", now or timezone.now())


def return_program(*, actor, program: WorkProgram, note: str, now: dt.datetime | None = None) -> WorkProgram:
    """Back to draft for corrections (also an approved programme: a new revision), with the reason."""
    note = normalize_multiline(note)
    if not note:
        raise DomainError(_("Ghi rõ nội dung cần sửa khi trả lại chương trình."), field="note")
    return _move(actor, program, "return", now or timezone.now(), note=note[:5000])


# ---- items ------------------------------------------------------------------------------------------------------


def _checked_item(program: WorkProgram, fields: dict) -> dict:
    """The cleaned fields of an item, with `due_at` from the deadline on the lead unit's working-day clock."""
    title = normalize_multiline(fields.get("title"))
    if not title:
        raise DomainError(_("Nhập nội dung công việc."), field="title")
    lead_unit = fields.get("lead_unit")
    if lead_unit is None or not lead_unit.is_active or not lead_unit.path.startswith(program.unit.path):
        raise DomainError(
            _("Đơn vị chủ trì phải là %(unit)s hoặc đơn vị trực thuộc.") % {"unit": program.unit.name},
            field="lead_unit",
        )
    person = fields.get("person_in_charge")
    if person is not None and not works_within(person, lead_unit):
        raise DomainError(
            _("Người phụ trách phải là cán bộ của %(unit)s.") % {"unit": lead_unit.name}, field="person_in_charge"
        )
    co_handlers = list(dict.fromkeys(fields.get("co_handlers") or ()))
    for unit in co_handlers:
        if unit.pk == lead_unit.pk or not unit.is_active:
            raise DomainError(
                _("Đơn vị phối hợp “%(unit)s” không hợp lệ (trùng đơn vị chủ trì hoặc đã ngừng hoạt động).")
                % {"unit": unit.name},
                field="co_handlers",
            )
    product_kind = fields.get("product_kind") or ProgramItem.Product.OTHER
    if product_kind not in ProgramItem.Product.values:
        raise DomainError(_("Loại sản phẩm không hợp lệ."), field="product_kind")
    deadline = fields.get("deadline")
    if not isinstance(deadline, dt.date):
        raise DomainError(_("Nhập thời hạn."), field="deadline")
    first, last = selectors.program_period(program)
    if deadline < first:
        raise DomainError(
            _("Thời hạn phải từ ngày %(first)s (đầu kỳ của chương trình) trở đi.") % {"first": shown_date(first)},
            field="deadline",
        )
    if deadline > last + LATEST_AFTER_PERIOD:
        raise DomainError(
            _("Thời hạn quá xa: chậm nhất ngày %(latest)s.") % {"latest": shown_date(last + LATEST_AFTER_PERIOD)},
            field="deadline",
        )
    due_at = end_of_working_day(lead_unit, deadline)
    return {
        "title": title[:5000], "lead_unit": lead_unit, "person_in_charge": person, "co_handlers": co_handlers,
        "product_kind": product_kind, "product": normalize_text(fields.get("product"))[:500], "deadline": deadline,
        "due_at": due_at, "note": normalize_multiline(fields.get("note"))[:5000],
    }  # fmt: skip


def _item_changes(item: ProgramItem, co_handlers) -> dict:
    return {
        "title": item.title, "lead_unit": item.lead_unit_id, "person_in_charge": item.person_in_charge_id,
        "co_handlers": sorted(unit.pk for unit in co_handlers), "product_kind": item.product_kind,
        "product": item.product, "deadline": item.deadline.isoformat(),
    }  # fmt: skip


def add_item(*, actor, program: WorkProgram, **fields) -> ProgramItem:
    """A new item at the end of a draft programme. Fields: title, lead_unit, person_in_charge, co_handlers,
    product_kind, product, deadline, note."""
    with transaction.atomic():
        program = _locked(program)
        _require_drafter(actor, program.unit)
        _require_draft(program)
        cleaned = _checked_item(program, fields)
        co_handlers = cleaned.pop("co_handlers")
        last = program.items.aggregate(last=Max("order"))["last"] or 0
        item = ProgramItem.objects.create(program=program, order=last + 1, **cleaned)
        item.co_handlers.set(co_handlers)
        record_event("work.program_item.added", actor=actor, obj=item, unit=program.unit,
                     changes=_item_changes(item, co_handlers))  # fmt: skip
    return item


def edit_item(*, actor, item: ProgramItem, **fields) -> ProgramItem:
    """Rewrite an item of a draft programme (every field given again, as the form sends them)."""
    with transaction.atomic():
        program = _locked(item.program)
        _require_drafter(actor, program.unit)
        _require_draft(program)
        item = ProgramItem.objects.select_for_update().get(pk=item.pk, program=program)
        cleaned = _checked_item(program, fields)
        co_handlers = cleaned.pop("co_handlers")
        for name, value in cleaned.items():
            setattr(item, name, value)
        item.save()
        item.co_handlers.set(co_handlers)
        record_event("work.program_item.edited", actor=actor, obj=item, unit=program.unit,
                     changes=_item_changes(item, co_handlers))  # fmt: skip
    return item


def remove_item(*, actor, item: ProgramItem) -> None:
    with transaction.atomic():
        program = _locked(item.program)
        _require_drafter(actor, program.unit)
        _require_draft(program)
        record_event("work.program_item.removed", actor=actor, obj=item, unit=program.unit,
                     changes={"title": item.title, "order": item.order})  # fmt: skip
        ProgramItem.objects.filter(pk=item.pk, program=program).delete()


def reorder_items(*, actor, program: WorkProgram, item_ids: Sequence[int]) -> None:
    """Number the items of a draft programme 1, 2, 3… in the order of `item_ids` (all of them, each once)."""
    with transaction.atomic():
        program = _locked(program)
        _require_drafter(actor, program.unit)
        _require_draft(program)
        item_ids = [int(pk) for pk in item_ids]
        current = set(program.items.values_list("pk", flat=True))
        if len(item_ids) != len(current) or set(item_ids) != current:
            raise DomainError(_("Thứ tự mới phải gồm đúng mọi nội dung của chương trình, mỗi nội dung một lần."),
                              field="items")  # fmt: skip
        # Two steps: (program, order) is unique and checked row by row on PostgreSQL.
        shift = len(item_ids) + (program.items.aggregate(last=Max("order"))["last"] or 0)
        program.items.update(order=F("order") + shift)
        for position, pk in enumerate(item_ids, start=1):
            ProgramItem.objects.filter(pk=pk).update(order=position)
        record_event("work.program_item.reordered", actor=actor, obj=program, unit=program.unit,
                     changes={"items": item_ids})  # fmt: skip


def move_item(*, actor, item: ProgramItem, step: int) -> None:
    """One place up (step -1) or down (+1) in a draft programme."""
    ids = list(item.program.items.order_by("order", "pk").values_list("pk", flat=True))
    index = ids.index(item.pk)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    reorder_items(actor=actor, program=item.program, item_ids=ids)


def _may_report_status(actor, item: ProgramItem) -> bool:
    return (
        selectors.may_draft(actor, item.program.unit)
        or (item.person_in_charge_id is not None and item.person_in_charge_id == actor.pk)
        or works_within(actor, item.lead_unit)
    )


def set_item_status(
    *, actor, item: ProgramItem, status: str, note: str = "", now: dt.datetime | None = None
) -> ProgramItem:
    """How an item of an approved programme stands; done records when."""
    now = now or timezone.now()
    if status not in ItemStatus.values:
        raise DomainError(_("Tình trạng không hợp lệ."), field="status")
    with transaction.atomic():
        program = _locked(item.program)
        item = (
            ProgramItem.objects.select_for_update(of=("self",))
            .select_related("lead_unit")
            .get(pk=item.pk, program=program)
        )
        item.program = program
        if not _may_report_status(actor, item):
            raise PermissionDeniedError(
                _("Chỉ cán bộ của %(unit)s, đơn vị chủ trì hoặc người phụ trách được cập nhật tình trạng.")
                % {"unit": program.unit.name}
            )
        if program.status != Status.APPROVED:
            raise ConflictError(_("Chỉ cập nhật tình trạng thực hiện khi chương trình đã được phê duyệt."))
        before = item.status
        item.status = status
        item.done_at = (item.done_at or now) if status == ItemStatus.DONE else None
        note = normalize_multiline(note)
        if note:
            item.note = note[:5000]
        item.save(update_fields=["status", "done_at", "note"])
        record_event("work.program_item.status", actor=actor, obj=item, unit=program.unit,
                     changes={"status": [before, status], "note": note})  # fmt: skip
        if status == ItemStatus.DONE and item.source_item_id:
            _done_at_source(actor, item)
    return item


def _done_at_source(actor, item: ProgramItem) -> None:
    """Work done in the month is done in the quarter's or year's programme it was drawn from (one entry, not
    two); other statuses stay the month's own (postponed to next month is not postponed in the year)."""
    source = (
        ProgramItem.objects.select_for_update(of=("self",)).select_related("program__unit").get(pk=item.source_item_id)
    )
    if source.status == ItemStatus.DONE or source.program.status != Status.APPROVED:
        return
    before = source.status
    source.status, source.done_at = ItemStatus.DONE, item.done_at
    source.save(update_fields=["status", "done_at"])
    record_event("work.program_item.status", actor=actor, obj=source, unit=source.program.unit,
                 changes={"status": [before, ItemStatus.DONE], "from_item": item.pk})  # fmt: skip


# ---- the month's programme drawn from the quarter's and the year's ---------------------------------------------


def draw_month(*, actor, unit: Unit, year: int, month: int, now: dt.datetime | None = None) -> tuple[WorkProgram, int]:
    """Copy into the month's programme of `unit` (created as a draft when missing) the items of its approved
    quarter's and year's programmes that fall due in the month and are neither done nor cancelled, each linked to
    the item it comes from; an item already drawn is never drawn again. Returns (programme, items added)."""
    now = now or timezone.now()
    _require_drafter(actor, unit)
    _kind, year, month = _checked_period(PeriodKind.MONTH, year, month)
    with transaction.atomic():
        program = WorkProgram.objects.filter(unit=unit, kind=PeriodKind.MONTH, year=year, number=month).first()
        if program is None:
            program = create_program(actor=actor, unit=unit, kind=PeriodKind.MONTH, year=year, number=month, now=now)
        program = _locked(program)
        _require_draft(program)
        sources = selectors.draw_candidates(unit, year, month)
        last = program.items.aggregate(last=Max("order"))["last"] or 0
        for position, source in enumerate(sources, start=last + 1):
            item = ProgramItem.objects.create(
                program=program, order=position, title=source.title, lead_unit_id=source.lead_unit_id,
                person_in_charge_id=source.person_in_charge_id, product_kind=source.product_kind,
                product=source.product, deadline=source.deadline, due_at=source.due_at,
                status=ItemStatus.IN_PROGRESS if source.status == ItemStatus.IN_PROGRESS else ItemStatus.PLANNED,
                source_item=source,
            )  # fmt: skip
            item.co_handlers.set(source.co_handlers.all())
        record_event("work.program.drawn", actor=actor, obj=program, unit=unit,
                     changes={"sources": [source.pk for source in sources]})  # fmt: skip
    return program, len(sources)


# ---- a task from an item ----------------------------------------------------------------------------------------


def make_task(*, actor, item: ProgramItem, now: dt.datetime | None = None) -> Task:
    """Assign the item as a task to its lead unit and person in charge, with its deadline. `assign_task` checks the
    leader's right to assign, and that the item is open, of an approved programme and not tasked yet (locked)."""
    item = ProgramItem.objects.select_related("lead_unit", "person_in_charge").get(pk=item.pk)
    description = item.product
    if item.product_kind != ProgramItem.Product.OTHER:
        description = f"{item.get_product_kind_display()}: {item.product}" if item.product else ""
        description = description or str(item.get_product_kind_display())
    return assign_task(
        actor=actor, unit=item.lead_unit, title=item.title, description=description,
        assignee=item.person_in_charge, deadline=item.deadline, source=Task.Source.PROGRAM, program_item=item,
        now=now,
    )  # fmt: skip
