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

from apps.core.audit import record_event
from apps.core.errors import DomainError
from apps.core.text import normalize_multiline, normalize_text
from apps.org.models import Unit
from apps.org.selectors import active_memberships
from apps.work.models import Task, TaskEvent
from apps.work.services.common import (
    due_after_working_days,
    end_of_working_day,
    local_day,
    previous_working_day,
    require_leader_over,
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
    if assignee is not None and not _is_member(assignee, unit):
        raise DomainError(_("Người thực hiện phải là cán bộ của đơn vị thực hiện."), field="assignee")
    due_at = _due(unit, now, deadline, working_days)
    day = local_day(due_at)
    with transaction.atomic():
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


def _is_member(user, unit: Unit) -> bool:
    return active_memberships(user).filter(unit__path__startswith=unit.path).exists()


def _assigner_unit(actor, unit: Unit) -> Unit:
    """The assigner's own unit that leads `unit` (the nearest above it)."""
    led = [m.unit for m in active_memberships(actor).select_related("unit") if unit.path.startswith(m.unit.path)]
    if led:
        return max(led, key=lambda u: len(u.path))
    return unit  # a superuser outside the tree: the task is booked to the unit itself
