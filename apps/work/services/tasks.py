"""Writes on tasks: assign, report progress, ask for / decide an extension, complete, accept or return, cancel.
Each service is one transaction, locks the task, writes a timeline event and an audit event.

The deadline is a moment on the holder unit's legal working-day clock (apps.work.services.common): a date (the end
of its office hours) or a number of working days from the assignment. An approved extension moves the deadline in
force and keeps the original beside it. Completion is judged early / on time / late against the deadline in
force when the holder reports it done (apps.calendar.selectors.timeliness, the dossiers' rule)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.calendar.selectors import timeliness
from apps.core.audit import record_event
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.text import normalize_multiline, normalize_text
from apps.org.models import Unit
from apps.org.selectors import active_memberships, head_of
from apps.work.models import ExtensionRequest, ProgramItem, Task, TaskEvent, TaskFile, WorkProgram
from apps.work.selectors.scope import leads, works_within
from apps.work.services.common import (
    checked_file,
    due_after_working_days,
    end_of_working_day,
    local_day,
    notify_person,
    previous_working_day,
    require_leader_over,
    shown_date,
)


def _due(unit: Unit, now: dt.datetime, deadline: dt.date | None, working_days: int | None) -> dt.datetime:
    if (deadline is None) == (working_days is None):
        raise DomainError(_("Nhập thời hạn: một ngày cụ thể hoặc số ngày làm việc."), field="deadline")
    if deadline is not None:
        if deadline < local_day(now):
            raise DomainError(_("Thời hạn không được trước ngày giao."), field="deadline")
        return end_of_working_day(unit, deadline)
    return due_after_working_days(unit, now, working_days)


def assign_task(
    *,
    actor,
    unit: Unit,
    title: str,
    description: str = "",
    assignee=None,
    deadline: dt.date | None = None,
    working_days: int | None = None,
    priority: str = Task.Priority.NORMAL,
    source: str = Task.Source.DIRECT,
    program_item=None,
    conclusion=None,
    incoming_document_id: int | None = None,
    document_reference: str = "",
    assigner_unit: Unit | None = None,
    now: dt.datetime | None = None,
) -> Task:
    """A leader over `unit` gives it (or `assignee`, a member of it) a task with a deadline."""
    now = now or timezone.now()
    require_leader_over(actor, unit, _("Chỉ lãnh đạo của đơn vị hoặc cấp trên mới được giao nhiệm vụ cho đơn vị này."))
    title = normalize_text(title)
    if not title:
        raise DomainError(_("Nhập tên nhiệm vụ."), field="title")
    if assignee is not None and not works_within(assignee, unit):
        raise DomainError(_("Người thực hiện phải là cán bộ của đơn vị thực hiện."), field="assignee")
    due_at = _due(unit, now, deadline, working_days)
    day = local_day(due_at)
    with transaction.atomic():
        if program_item is not None:
            program_item = _lock_open_program_item(program_item)
        task = Task.objects.create(
            title=title[:500], description=normalize_multiline(description), source=source,
            program_item=program_item, conclusion=conclusion, incoming_document_id=incoming_document_id,
            document_reference=normalize_text(document_reference)[:300], priority=priority,
            assigned_by=actor, assigner_unit=assigner_unit or _assigner_unit(actor, unit), assigned_at=now,
            unit=unit, assignee=assignee, original_deadline=day, original_due_at=due_at, deadline=day,
            due_at=due_at, remind_on=previous_working_day(unit, day),
        )  # fmt: skip
        TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.ASSIGNED, actor=actor, at=now, new_due_at=due_at)
        record_event(
            "work.task.assigned", actor=actor, obj=task, unit=unit,
            changes={"deadline": day.isoformat(), "assignee": assignee.pk if assignee else None},
        )  # fmt: skip
    return task


def _lock_open_program_item(item: ProgramItem) -> ProgramItem:
    """A programme item becomes a task only from an approved programme, while it is open, and once for the same
    work: the item, the items drawn from it and the item it was drawn from together make at most one task. The item
    and its source are locked (in id order) so that two clicks, or the month's item and its quarter's at once, make
    one task."""
    ids = sorted({item.pk, *([item.source_item_id] if item.source_item_id else [])})
    locked = {
        row.pk: row
        for row in ProgramItem.objects.select_for_update(of=("self",)).select_related("program").filter(pk__in=ids)
        .order_by("pk")
    }  # fmt: skip
    item = locked[item.pk]
    if item.program.status != WorkProgram.Status.APPROVED:
        raise ConflictError(_("Chỉ giao nhiệm vụ từ chương trình đã được phê duyệt."))
    if item.status in (ProgramItem.Status.DONE, ProgramItem.Status.CANCELLED):
        raise ConflictError(
            _("Nội dung đã ở tình trạng “%(status)s”; không giao nhiệm vụ.") % {"status": item.get_status_display()}
        )
    lineage = {item.pk, *item.drawn_items.values_list("pk", flat=True)} | (
        {item.source_item_id} if item.source_item_id else set()
    )
    if Task.objects.filter(program_item__in=lineage).exclude(status=Task.Status.CANCELLED).exists():
        raise ConflictError(_("Nội dung này đã được giao thành nhiệm vụ."))
    return item


def _assigner_unit(actor, unit: Unit) -> Unit:
    """The assigner's own unit that leads `unit` (the nearest above it)."""
    led = [m.unit for m in active_memberships(actor).select_related("unit") if unit.path.startswith(m.unit.path)]
    if led:
        return max(led, key=lambda u: len(u.path))
    return unit  # a superuser outside the tree: the task is booked to the unit itself


# ---------------------------------------------------------------------------------------------------------------
# The steps after the assignment.
#
# Who acts (the rule):
# * the holder: the assignee named on the task; a task given to a unit without a person is held by every member
#   of that unit in force (its head, its leaders and its officers), not by the units below it;
# * the assigner: the person who assigned it (`assigned_by`) or a leader over the assigning unit (`assigner_unit`)
#   — the chairman's deputy decides for the committee when the chairman is away.
#
# Allowed transitions (TRANSITIONS, enforced by `_require_status`, tested one by one):
#   progress, extension request, extension decision, complete, reassign, cancel: while open (assigned, in progress)
#   accept, return: while completed (awaiting acceptance)
#   accepted and cancelled are final.
# ---------------------------------------------------------------------------------------------------------------

Status = Task.Status
OPEN = (Status.ASSIGNED, Status.IN_PROGRESS)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "progress": OPEN,
    "request_extension": OPEN,
    "decide_extension": OPEN,
    "complete": OPEN,
    "reassign": OPEN,
    "cancel": OPEN,
    "accept": (Status.COMPLETED,),
    "return": (Status.COMPLETED,),
}
_REFUSED_IN = {
    Status.COMPLETED: gettext_lazy("Nhiệm vụ đã báo cáo hoàn thành, đang chờ người giao nghiệm thu."),
    Status.ACCEPTED: gettext_lazy("Nhiệm vụ đã được nghiệm thu, không thể thay đổi."),
    Status.CANCELLED: gettext_lazy("Nhiệm vụ đã bị thu hồi, không thể thay đổi."),
    Status.ASSIGNED: gettext_lazy("Nhiệm vụ chưa báo cáo hoàn thành."),
    Status.IN_PROGRESS: gettext_lazy("Nhiệm vụ chưa báo cáo hoàn thành."),
}


def is_holder(user, task: Task) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if task.assignee_id is not None:
        return task.assignee_id == user.pk
    return active_memberships(user).filter(unit_id=task.unit_id).exists()


def is_assigner(user, task: Task) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if task.assigned_by_id == user.pk:
        return True
    # A leader of the assigning unit decides for it, but never on a task they hold themselves (a vice-chairman
    # given a task by his chairman neither extends nor accepts his own work).
    return leads(user, task.assigner_unit) and not is_holder(user, task)


HOLDER_STEPS = frozenset({"progress", "request_extension", "complete"})
ASSIGNER_STEPS = frozenset({"decide_extension", "reassign", "cancel", "accept", "return"})


def allowed_steps(user, task: Task) -> set[str]:
    """The steps `user` may take on `task` now (the page shows their forms, the API accepts them)."""
    mine = (HOLDER_STEPS if is_holder(user, task) else set()) | (ASSIGNER_STEPS if is_assigner(user, task) else set())
    steps = {step for step in mine if task.status in TRANSITIONS[step]}
    if steps & {"request_extension", "decide_extension"}:
        pending = task.extensions.filter(status=ExtensionRequest.Status.PENDING).exists()
        steps.discard("request_extension" if pending else "decide_extension")
    return steps


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("unit", "assigner_unit").get(pk=task.pk)


def _require_status(task: Task, step: str) -> None:
    if task.status not in TRANSITIONS[step]:
        raise ConflictError(_REFUSED_IN[task.status], code="task_status")


def _require_holder(actor, task: Task) -> None:
    if not is_holder(actor, task):
        raise PermissionDeniedError(_("Chỉ người (đơn vị) được giao nhiệm vụ này mới thực hiện được bước này."))


def _require_assigner(actor, task: Task) -> None:
    if not is_assigner(actor, task):
        raise PermissionDeniedError(
            _("Chỉ người giao nhiệm vụ hoặc lãnh đạo của %(unit)s mới thực hiện được bước này.")
            % {"unit": task.assigner_unit.name}
        )


def _event(task: Task, kind: str, actor, now: dt.datetime, **fields) -> TaskEvent:
    return TaskEvent.objects.create(task=task, kind=kind, actor=actor, at=now, **fields)


def _audit(verb: str, actor, task: Task, **changes) -> None:
    record_event(f"work.task.{verb}", actor=actor, obj=task, unit=task.unit, changes=changes)


def _store_file(task: Task, uploaded, actor, now: dt.datetime) -> TaskFile | None:
    if not uploaded:
        return None
    fields = checked_file(uploaded)
    return TaskFile.objects.create(task=task, file=uploaded, uploaded_by=actor, uploaded_at=now, **fields)


def _required_text(value: str, field: str, message: str) -> str:
    text = normalize_multiline(value or "")
    if not text:
        raise DomainError(message, field=field)
    return text


def _close_pending_extension(task: Task, now: dt.datetime, note: str) -> None:
    """A request nobody needs any more (the task was finished or withdrawn) is closed, not left pending."""
    task.extensions.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.REFUSED, decided_at=now, decision_note=note
    )


def report_progress(
    *, actor, task: Task, note: str, percent: int | None = None, file=None, now: dt.datetime | None = None
) -> TaskEvent:
    """The holder tells how far the work is (0–100%, never below what was already reported), with a file if any."""
    now = now or timezone.now()
    note = _required_text(note, "note", _("Nhập nội dung báo cáo tiến độ."))
    with transaction.atomic():
        task = _locked(task)
        _require_holder(actor, task)
        _require_status(task, "progress")
        percent = task.progress if percent is None else percent
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise DomainError(_("Tiến độ là số phần trăm từ 0 đến 100."), field="percent")
        if percent < task.progress:
            raise DomainError(
                _("Tiến độ không được thấp hơn lần báo cáo trước (%(last)d%%).") % {"last": task.progress},
                field="percent",
            )
        stored = _store_file(task, file, actor, now)
        task.progress, task.last_progress, task.last_progress_at = percent, note, now
        task.status = Status.IN_PROGRESS
        task.save(update_fields=["progress", "last_progress", "last_progress_at", "status", "updated_at"])
        event = _event(task, TaskEvent.Kind.PROGRESS, actor, now, note=note, progress=percent, file=stored)
        _audit("progress", actor, task, progress=percent, file=stored.pk if stored else None)
    return event


def _extension_due(task: Task, day: dt.date, field: str, now: dt.datetime) -> dt.datetime:
    if day <= task.deadline:
        raise DomainError(
            _("Thời hạn mới phải sau thời hạn hiện hành (%(day)s).") % {"day": shown_date(task.deadline)}, field=field
        )
    if day < local_day(now):
        raise DomainError(_("Thời hạn mới không được trước hôm nay."), field=field)
    return end_of_working_day(task.unit, day)


def request_extension(
    *, actor, task: Task, proposed_deadline: dt.date, reason: str, now: dt.datetime | None = None
) -> ExtensionRequest:
    """The holder asks the assigner for a later deadline (a working day after the current one); one at a time."""
    now = now or timezone.now()
    reason = _required_text(reason, "reason", _("Nêu lý do xin gia hạn."))
    with transaction.atomic():
        task = _locked(task)
        _require_holder(actor, task)
        _require_status(task, "request_extension")
        if task.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise ConflictError(_("Đã có một đề nghị gia hạn đang chờ người giao quyết định."), code="pending")
        new_due = _extension_due(task, proposed_deadline, "proposed_deadline", now)
        extension = ExtensionRequest.objects.create(
            task=task, requested_by=actor, requested_at=now, reason=reason, proposed_deadline=proposed_deadline
        )
        _event(task, TaskEvent.Kind.EXTENSION_REQUESTED, actor, now, note=reason, old_due_at=task.due_at,
               new_due_at=new_due)  # fmt: skip
        _audit("extension_requested", actor, task, proposed_deadline=proposed_deadline.isoformat())
    notify_person(
        task.assigned_by, _("Đề nghị gia hạn nhiệm vụ"),
        _("%(who)s đề nghị gia hạn nhiệm vụ “%(title)s” đến ngày %(day)s.") % {
            "who": actor.get_full_name() or actor.get_username(), "title": task.title,
            "day": shown_date(proposed_deadline),
        },
        obj=task,
    )  # fmt: skip
    return extension


def decide_extension(
    *, actor, task: Task, approve: bool, granted_deadline: dt.date | None = None, note: str = "",
    now: dt.datetime | None = None,
) -> ExtensionRequest:  # fmt: skip
    """The assigner approves the pending request (with the date asked or another one) or refuses it with a note.
    Approval moves the deadline in force and its reminder; the original deadline stays beside it."""
    now = now or timezone.now()
    note = normalize_multiline(note or "")
    with transaction.atomic():
        task = _locked(task)
        _require_assigner(actor, task)
        _require_status(task, "decide_extension")
        extension = task.extensions.select_for_update().filter(status=ExtensionRequest.Status.PENDING).first()
        if extension is None:
            raise ConflictError(_("Không có đề nghị gia hạn nào đang chờ quyết định."), code="no_pending")
        if extension.requested_by_id == actor.pk:
            raise PermissionDeniedError(_("Người đề nghị gia hạn không tự quyết định đề nghị của mình."))
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note
        if not approve:
            if not note:
                raise DomainError(_("Nêu lý do không đồng ý gia hạn."), field="note")
            extension.status = ExtensionRequest.Status.REFUSED
            extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
            _event(task, TaskEvent.Kind.EXTENSION_REFUSED, actor, now, note=note)
            _audit("extension_refused", actor, task, extension=extension.pk)
        else:
            granted = granted_deadline or extension.proposed_deadline
            new_due, old_due = _extension_due(task, granted, "granted_deadline", now), task.due_at
            extension.status, extension.granted_deadline = ExtensionRequest.Status.APPROVED, granted
            extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "granted_deadline"])
            task.deadline, task.due_at, task.extended = granted, new_due, True
            task.remind_on = previous_working_day(task.unit, granted)
            task.reminder_sent_at = task.late_notice_sent_at = None
            task.save(update_fields=["deadline", "due_at", "extended", "remind_on", "reminder_sent_at",
                                     "late_notice_sent_at", "updated_at"])  # fmt: skip
            _event(task, TaskEvent.Kind.EXTENSION_APPROVED, actor, now, note=note, old_due_at=old_due,
                   new_due_at=new_due)  # fmt: skip
            _audit("extension_approved", actor, task, old_deadline=local_day(old_due).isoformat(),
                   deadline=granted.isoformat())  # fmt: skip
    notify_person(
        extension.requested_by, _("Kết quả đề nghị gia hạn"),
        (_("Nhiệm vụ “%(title)s” được gia hạn đến ngày %(day)s.") % {"title": task.title,
                                                                      "day": shown_date(task.deadline)})
        if approve else _("Đề nghị gia hạn nhiệm vụ “%(title)s” không được đồng ý: %(note)s")
        % {"title": task.title, "note": note},
        obj=task,
    )  # fmt: skip
    return extension


def complete(*, actor, task: Task, product: str, file=None, now: dt.datetime | None = None) -> Task:
    """The holder reports the work done with its product; the outcome is judged against the deadline in force."""
    now = now or timezone.now()
    product = _required_text(product, "product", _("Nêu sản phẩm, kết quả thực hiện nhiệm vụ."))
    with transaction.atomic():
        task = _locked(task)
        _require_holder(actor, task)
        _require_status(task, "complete")
        stored = _store_file(task, file, actor, now)
        _close_pending_extension(task, now, _("Nhiệm vụ đã báo cáo hoàn thành; đề nghị gia hạn không còn cần."))
        task.status, task.product, task.completed_at, task.progress = Status.COMPLETED, product, now, 100
        task.outcome = timeliness(now, task.due_at)
        task.save(update_fields=["status", "product", "completed_at", "progress", "outcome", "updated_at"])
        _event(task, TaskEvent.Kind.COMPLETED, actor, now, note=product, progress=100, file=stored)
        _audit("completed", actor, task, outcome=task.outcome, file=stored.pk if stored else None)
    notify_person(task.assigned_by, _("Nhiệm vụ đã báo cáo hoàn thành"),
                  _("Nhiệm vụ “%(title)s” đã báo cáo hoàn thành, chờ nghiệm thu.") % {"title": task.title},
                  obj=task)  # fmt: skip
    return task


def accept(*, actor, task: Task, note: str = "", now: dt.datetime | None = None) -> Task:
    """The assigner accepts the product: the task is finished (its outcome stays as judged at completion)."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task)
        _require_assigner(actor, task)
        _require_status(task, "accept")
        task.status, task.accepted_by, task.accepted_at = Status.ACCEPTED, actor, now
        task.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
        _event(task, TaskEvent.Kind.ACCEPTED, actor, now, note=normalize_multiline(note or ""))
        _audit("accepted", actor, task, outcome=task.outcome)
    return task


def return_task(*, actor, task: Task, note: str, now: dt.datetime | None = None) -> Task:
    """The assigner sends the work back with what is missing: open again, no outcome until it is completed anew."""
    now = now or timezone.now()
    note = _required_text(note, "note", _("Nêu yêu cầu khi trả lại nhiệm vụ."))
    with transaction.atomic():
        task = _locked(task)
        _require_assigner(actor, task)
        _require_status(task, "return")
        previous = task.outcome
        task.status, task.outcome, task.completed_at = Status.IN_PROGRESS, "", None
        task.save(update_fields=["status", "outcome", "completed_at", "updated_at"])
        _event(task, TaskEvent.Kind.RETURNED, actor, now, note=note)
        _audit("returned", actor, task, previous_outcome=previous)
    _notify_holder(task, _("Nhiệm vụ bị trả lại"),
                   _("Nhiệm vụ “%(title)s” được trả lại: %(note)s") % {"title": task.title, "note": note})  # fmt: skip
    return task


def reassign(*, actor, task: Task, unit: Unit, assignee=None, note: str = "", now: dt.datetime | None = None) -> Task:
    """The assigner gives the open task to another unit or person under them; the deadline date stays, counted on
    the new unit's calendar, and the new holder will be reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        task = _locked(task)
        _require_assigner(actor, task)
        _require_status(task, "reassign")
        require_leader_over(actor, unit, _("Chỉ giao lại được cho đơn vị do mình phụ trách."))
        if assignee is not None and not works_within(assignee, unit):
            raise DomainError(_("Người thực hiện phải là cán bộ của đơn vị thực hiện."), field="assignee")
        if unit.pk == task.unit_id and (assignee.pk if assignee else None) == task.assignee_id:
            raise DomainError(_("Nhiệm vụ đang được giao cho chính đơn vị, người này."), field="unit")
        old_unit, old_assignee, old_due = task.unit, task.assignee_id, task.due_at
        task.unit, task.assignee = unit, assignee
        task.due_at = end_of_working_day(unit, task.deadline)
        task.remind_on = previous_working_day(unit, task.deadline)
        task.reminder_sent_at = None
        task.save(update_fields=["unit", "assignee", "due_at", "remind_on", "reminder_sent_at", "updated_at"])
        _event(task, TaskEvent.Kind.REASSIGNED, actor, now, note=normalize_multiline(note or ""), old_due_at=old_due,
               new_due_at=task.due_at)  # fmt: skip
        record_event("work.task.reassigned", actor=actor, obj=task, unit=unit, changes={
            "from_unit": old_unit.pk, "from_assignee": old_assignee, "assignee": assignee.pk if assignee else None,
        })  # fmt: skip
    _notify_holder(task, _("Nhiệm vụ được giao"),
                   _("Bạn được giao nhiệm vụ “%(title)s”, hạn ngày %(day)s.")
                   % {"title": task.title, "day": shown_date(task.deadline)})  # fmt: skip
    return task


def cancel(*, actor, task: Task, reason: str, now: dt.datetime | None = None) -> Task:
    """The assigner withdraws an open task, saying why."""
    now = now or timezone.now()
    reason = _required_text(reason, "reason", _("Nêu lý do thu hồi nhiệm vụ."))
    with transaction.atomic():
        task = _locked(task)
        _require_assigner(actor, task)
        _require_status(task, "cancel")
        _close_pending_extension(task, now, _("Nhiệm vụ đã bị thu hồi."))
        task.status = Status.CANCELLED
        task.save(update_fields=["status", "updated_at"])
        _event(task, TaskEvent.Kind.CANCELLED, actor, now, note=reason)
        _audit("cancelled", actor, task, reason=reason)
    return task


def _notify_holder(task: Task, subject: str, body: str) -> None:
    """The person holding the task: its assignee, or the head of its unit when none is named."""
    notify_person(task.assignee or head_of(task.unit), subject, body, obj=task)


# ---------------------------------------------------------------------------------------------------------------
# The worker's sweeps: each task is claimed by a conditional update of its mark, so two workers (or a job run twice)
# send one message.
# ---------------------------------------------------------------------------------------------------------------


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """Remind the holder of every open task whose reminder day (the working day before its deadline) has come and
    whose deadline has not passed yet; once per deadline in force."""
    now = now or timezone.now()
    due = Task.objects.filter(
        status__in=OPEN, remind_on__lte=local_day(now), due_at__gt=now, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Task.objects.filter(pk=pk, reminder_sent_at__isnull=True, status__in=OPEN, due_at__gt=now)
            if not claimed.update(reminder_sent_at=now):
                continue
            task = Task.objects.select_related("unit", "assignee").get(pk=pk)
            _event(task, TaskEvent.Kind.REMINDED, None, now)
            _audit("reminded", None, task, deadline=task.deadline.isoformat())
            _notify_holder(task, _("Nhắc hạn nhiệm vụ"),
                           _("Nhiệm vụ “%(title)s” đến hạn lúc %(due)s.")
                           % {"title": task.title, "due": _shown_moment(task.due_at)})  # fmt: skip
            sent += 1
    return sent


def send_late_notices(now: dt.datetime | None = None) -> int:
    """Tell the assigner, once per deadline in force, that an open task has passed it."""
    now = now or timezone.now()
    late = Task.objects.filter(status__in=OPEN, due_at__lt=now, late_notice_sent_at__isnull=True)
    sent = 0
    for pk in list(late.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Task.objects.filter(pk=pk, late_notice_sent_at__isnull=True, status__in=OPEN, due_at__lt=now)
            if not claimed.update(late_notice_sent_at=now):
                continue
            task = Task.objects.select_related("unit", "assigned_by").get(pk=pk)
            _event(task, TaskEvent.Kind.LATE_NOTICE, None, now)
            _audit("late_notice", None, task, deadline=task.deadline.isoformat())
            notify_person(task.assigned_by, _("Nhiệm vụ quá hạn"),
                          _("Nhiệm vụ “%(title)s” giao cho %(unit)s đã quá hạn (%(due)s) mà chưa hoàn thành.")
                          % {"title": task.title, "unit": task.unit.name, "due": _shown_moment(task.due_at)},
                          obj=task)  # fmt: skip
            sent += 1
    return sent


def _shown_moment(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")
