"""Reads on tasks, scoped to what the caller may see.

A member of staff sees the tasks of the units they see (scope.visible_units_q on the holder unit) and those they
assigned or were given by name; a commune sees nothing of another commune's tasks.

The leader's follow-up counts, for the units the leader leads (scope.led_units_q), per unit and per person: open,
due this week (due moment within Monday–Sunday of the current local week), due soon (deadline today or on the next
working day, not passed yet), late now, and finished late (outcome late, completed in the chosen year). The counts
are two GROUP BY queries, over the open tasks and over the tasks finished late, each on its partial index of Task,
whatever the number of rows; the list behind each count is a filtered, paginated queryset."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.calendar.selectors import national_calendar
from apps.documents.selectors import handling as documents
from apps.org.models import Unit, User
from apps.org.selectors import active_memberships, memberships_active_on
from apps.work.models import ExtensionRequest, ProgramItem, Task, TaskEvent, TaskFile
from apps.work.selectors.scope import leads, led_units, led_units_q, visible_units_q

OPEN = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS)
KINDS = ("open", "due_week", "due_soon", "late", "finished_late")
_LIST_RELATED = ("unit", "assignee", "assigned_by", "assigner_unit")


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible_tasks(user) -> QuerySet[Task]:
    if not _signed_in(user):
        return Task.objects.none()
    seen = visible_units_q(user) | Q(assigned_by=user) | Q(assignee=user)
    return Task.objects.filter(seen).select_related(*_LIST_RELATED)


def task_for(user, pk: int) -> Task | None:
    """One task if the user may see it (else None, as if it did not exist)."""
    return visible_tasks(user).select_related("accepted_by", "program_item", "conclusion").filter(pk=pk).first()


def timeline(task: Task) -> QuerySet[TaskEvent]:
    return task.events.select_related("actor", "file").order_by("at", "pk")


def task_files(task: Task) -> QuerySet[TaskFile]:
    return task.files.select_related("uploaded_by").order_by("uploaded_at", "pk")


def extensions(task: Task) -> QuerySet[ExtensionRequest]:
    return task.extensions.select_related("requested_by", "decided_by").order_by("requested_at", "pk")


def pending_extension(task: Task) -> ExtensionRequest | None:
    return extensions(task).filter(status=ExtensionRequest.Status.PENDING).first()


def task_file(user, task_pk: int, file_pk: int) -> TaskFile | None:
    """A file of a task the user may see, else None."""
    task = task_for(user, task_pk)
    if task is None:
        return None
    return task.files.filter(pk=file_pk).first()


def _headed_units(user):
    return active_memberships(user).filter(is_head=True).values("unit_id")


def my_tasks(user, *, open_only: bool = True) -> QuerySet[Task]:
    """Tasks given to me by name, or to a unit I head without a person."""
    if not _signed_in(user):
        return Task.objects.none()
    mine = Q(assignee=user) | Q(assignee__isnull=True, unit_id__in=_headed_units(user))
    tasks = Task.objects.filter(mine).select_related(*_LIST_RELATED)
    return tasks.filter(status__in=OPEN) if open_only else tasks


def tasks_assigned_by(user, *, open_only: bool = False) -> QuerySet[Task]:
    """Tasks I assigned, with whether an extension request waits for me."""
    if not _signed_in(user):
        return Task.objects.none()
    tasks = Task.objects.filter(assigned_by=user).select_related(*_LIST_RELATED)
    tasks = tasks.annotate(
        extension_pending=Exists(
            ExtensionRequest.objects.filter(task=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
        )
    )
    return tasks.filter(status__in=OPEN) if open_only else tasks


def awaiting_my_decision(user) -> QuerySet[Task]:
    """Tasks I assigned that wait for me: an extension request to decide, or a completion to accept or return."""
    waiting = Q(status__in=OPEN, extension_pending=True) | Q(status=Task.Status.COMPLETED)
    return tasks_assigned_by(user).filter(waiting).order_by("due_at", "pk")


# --- the leader's follow-up -------------------------------------------------------------------------------------


def week_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[Monday 00:00, next Monday 00:00) of the local week of `now`."""
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    return start, timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time()))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    return start, timezone.make_aware(dt.datetime(year + 1, 1, 1))


def next_working_day(day: dt.date) -> dt.date:
    """The national working day after `day` (a deadline by then is "due soon": today's or tomorrow's work)."""
    calendar = national_calendar()
    day += dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def kind_q(kind: str, *, year: int, now: dt.datetime) -> Q:
    """The tasks behind one count of the follow-up."""
    is_open = Q(status__in=OPEN)
    if kind == "open":
        return is_open
    if kind == "due_week":
        start, end = week_bounds(now)
        return is_open & Q(due_at__gte=start, due_at__lt=end)
    if kind == "due_soon":
        return is_open & Q(due_at__gte=now, deadline__lte=next_working_day(timezone.localdate(now)))
    if kind == "late":
        return is_open & Q(due_at__lt=now)
    if kind == "finished_late":
        start, end = year_bounds(year)
        return Q(outcome="late", completed_at__gte=start, completed_at__lt=end)
    raise ValueError(f"unknown follow-up count {kind!r}")


def _led_tasks(user) -> QuerySet[Task]:
    """Tasks held by the units the user leads: `unit_id IN (subquery)`, so that the planner works on integers
    (an index on the unit for a commune, one pass for the whole province) instead of joining the unit table."""
    if not _signed_in(user):
        return Task.objects.none()
    return Task.objects.filter(unit_id__in=Unit.objects.filter(led_units_q(user, prefix="")).values("pk"))


@dataclass
class FollowUpRow:
    """The counts of one holder: a person of a unit, or the unit itself (person None)."""

    unit_id: int
    unit_name: str
    unit_path: str
    person_id: int | None = None
    person_name: str = ""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))


@dataclass
class FollowUpUnit:
    unit_id: int
    unit_name: str
    unit_path: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    people: list[FollowUpRow] = field(default_factory=list)


@dataclass
class FollowUp:
    year: int
    week_start: dt.date
    week_end: dt.date
    units: list[FollowUpUnit]
    totals: dict[str, int]


def follow_up(user, *, year: int | None = None, now: dt.datetime | None = None) -> FollowUp:
    """The leader's follow-up: two GROUP BY (unit, person) queries over integers, one over the open tasks (the first
    four counts) and one over the tasks finished late in the year, each served by its own index (an OR of the two in
    one query reads every task the leader ever gave on SQLite); then the names of the units and people they found
    (two small queries): constant whatever the number of tasks."""
    now = now or timezone.now()
    year = year or timezone.localdate(now).year
    conditions = {kind: kind_q(kind, year=year, now=now) for kind in KINDS}
    tasks = _led_tasks(user).values("unit_id", "assignee_id").order_by()
    among_open = {kind: Count("pk", filter=conditions[kind]) for kind in ("due_week", "due_soon", "late")}
    counted: dict[tuple[int, int | None], dict] = {}
    for row in tasks.filter(conditions["open"]).annotate(open=Count("pk"), **among_open):
        counted[row["unit_id"], row["assignee_id"]] = {**row, "finished_late": 0}
    for row in tasks.filter(conditions["finished_late"]).annotate(finished_late=Count("pk")):
        holder = counted.setdefault((row["unit_id"], row["assignee_id"]), {**row, **dict.fromkeys(KINDS, 0)})
        holder["finished_late"] = row["finished_late"]
    rows = list(counted.values())
    unit_names = {pk: (name, path) for pk, name, path in Unit.objects.filter(
        pk__in={row["unit_id"] for row in rows}).values_list("pk", "name", "path")}  # fmt: skip
    person_ids = {row["assignee_id"] for row in rows if row["assignee_id"] is not None}
    person_names = {pk: full_name or username for pk, full_name, username in User.objects.filter(
        pk__in=person_ids).values_list("pk", "full_name", "username")}  # fmt: skip
    rows.sort(key=lambda row: (unit_names[row["unit_id"]][1], row["assignee_id"] is not None,
                               person_names.get(row["assignee_id"], ""), row["assignee_id"] or 0))  # fmt: skip
    units: dict[int, FollowUpUnit] = {}
    totals = dict.fromkeys(KINDS, 0)
    for row in rows:
        name, path = unit_names[row["unit_id"]]
        unit = units.setdefault(row["unit_id"], FollowUpUnit(row["unit_id"], name, path))
        counts = {kind: row[kind] for kind in KINDS}
        person = row["assignee_id"]
        unit.people.append(FollowUpRow(row["unit_id"], name, path, person, person_names.get(person, ""), counts))
        for kind in KINDS:
            unit.counts[kind] += counts[kind]
            totals[kind] += counts[kind]
    start, end = week_bounds(now)
    return FollowUp(year, timezone.localdate(start), timezone.localdate(end) - dt.timedelta(days=1),
                    list(units.values()), totals)  # fmt: skip


def follow_up_tasks(
    user, kind: str, *, year: int | None = None, unit_id: int | None = None, person: int | str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Task]:  # fmt: skip
    """The tasks behind one count: `unit_id` the holder unit exactly, `person` an assignee id or "none" (the tasks
    given to the unit without a person)."""
    now = now or timezone.now()
    year = year or timezone.localdate(now).year
    tasks = _led_tasks(user).filter(kind_q(kind, year=year, now=now)).select_related(*_LIST_RELATED)
    if unit_id is not None:
        tasks = tasks.filter(unit_id=unit_id)
    if person == "none":
        tasks = tasks.filter(assignee__isnull=True)
    elif person is not None:
        tasks = tasks.filter(assignee_id=person)
    order = ("completed_at", "pk") if kind == "finished_late" else ("due_at", "pk")
    return tasks.order_by(*order)


# --- where a new task comes from ----------------------------------------------------------------------------------


def program_item_for(user, pk) -> ProgramItem | None:
    """A programme item of a unit the user sees, else None."""
    if not _signed_in(user) or not str(pk).isdigit():
        return None
    items = ProgramItem.objects.filter(visible_units_q(user, prefix="program__unit__"))
    return items.select_related("program__unit", "lead_unit", "person_in_charge").filter(pk=int(pk)).first()


def document_reference(document) -> str:
    """How people cite an incoming document: "Công văn 125/UBND-VP ngày 03/03/2026 của …"."""
    return (
        f"{document.get_doc_type_display()} {document.number_symbol} ngày {document.issued_date:%d/%m/%Y} "
        f"của {document.issuer_name}"
    )[:300]


def incoming_document_for(user, pk):
    """An incoming document the user may read (through the documents app's selectors), else None."""
    if not _signed_in(user) or not str(pk).isdigit():
        return None
    return documents.incoming_document(user, int(pk))


def assignment_prefill(user, *, item=None, document=None) -> dict:
    """The initial values of a new task drawn from a programme item or an incoming document the user sees."""
    if item is not None:
        return {
            "title": item.title[:500], "unit": item.lead_unit, "assignee": item.person_in_charge,
            "deadline": item.deadline, "source": Task.Source.PROGRAM, "program_item": item,
            "description": item.product,
        }  # fmt: skip
    if document is not None:
        return {
            "title": document.summary[:500], "unit": None, "assignee": None, "deadline": None,
            "source": Task.Source.DOCUMENT, "incoming_document_id": document.pk,
            "document_reference": document_reference(document),
        }  # fmt: skip
    return {}


def assignable_units(user) -> QuerySet[Unit]:
    """The units the user may give a task to (those they lead and below)."""
    return led_units(user)


def assignable_people(user, unit: Unit | None = None, *, limit: int = 500) -> list:
    """Staff in force in `unit` and below (or in every unit the user leads), each with `unit_name`, at most `limit`;
    nobody when the user does not lead `unit`."""
    if unit is not None and not leads(user, unit):
        return []
    units = Unit.objects.filter(path__startswith=unit.path) if unit is not None else led_units(user)
    memberships = (
        memberships_active_on().filter(unit__in=units, user__is_active=True).select_related("user", "unit")
        .order_by("unit__path", "user__full_name", "user__username")
    )  # fmt: skip
    people: dict[int, object] = {}
    for membership in memberships[: limit * 2]:
        if membership.user_id not in people and len(people) < limit:
            membership.user.unit_name = membership.unit.name
            people[membership.user_id] = membership.user
    return list(people.values())
