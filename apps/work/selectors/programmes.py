"""Reads on work programmes, scoped to what the caller may see (apps.work.selectors.scope), and who may draft and
approve a unit's programme.

* A programme is seen by whoever sees its unit, and by the people of the units below it (they lead its items):
  a commune sees nothing of another commune's programmes.
* It is drafted by the members of its unit (or of a unit below it) and by the leaders over it.
* It is approved, or returned to draft, by the head of its unit or a leader over the unit."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from apps.documents.selectors.registers import agency_path_ids
from apps.org import selectors as org
from apps.org.models import Unit, User
from apps.work.models import ProgramItem, Task, WorkProgram
from apps.work.selectors.scope import leads, visible_units_q

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """First and last day of a programme's period: the calendar year, half, quarter or month."""
    if kind == "year":
        first_month, months = 1, 12
    elif kind == "half":
        first_month, months = 6 * (number - 1) + 1, 6
    elif kind == "quarter":
        first_month, months = 3 * (number - 1) + 1, 3
    else:
        first_month, months = number, 1
    first = dt.date(year, first_month, 1)
    after_month = first_month + months
    after = dt.date(year + 1, 1, 1) if after_month > 12 else dt.date(year, after_month, 1)
    return first, after - dt.timedelta(days=1)


def period_label(kind: str, year: int, number: int) -> str:
    """ "năm 2026", "6 tháng đầu năm 2026", "quý I năm 2026", "tháng 3 năm 2026"."""
    if kind == "year":
        return f"năm {year}"
    if kind == "half":
        return f"6 tháng {'đầu' if number == 1 else 'cuối'} năm {year}"
    if kind == "quarter":
        return f"quý {QUARTER_NAMES[number]} năm {year}"
    return f"tháng {number} năm {year}"


def period_display(kind: str, year: int, number: int) -> str:
    """The period in the reader's language, for pages and messages; `period_label` stays Vietnamese: it names the
    programme (its default title) and its official exports."""
    if kind == "year":
        return _("năm %(y)d") % {"y": year}
    if kind == "half":
        return (_("6 tháng đầu năm %(y)d") if number == 1 else _("6 tháng cuối năm %(y)d")) % {"y": year}
    if kind == "quarter":
        return _("quý %(q)s năm %(y)d") % {"q": QUARTER_NAMES[number], "y": year}
    return _("tháng %(m)d năm %(y)d") % {"m": number, "y": year}


def program_period(program: WorkProgram) -> tuple[dt.date, dt.date]:
    return period_bounds(program.kind, program.year, program.number)


# The office of a people's committee ("Văn phòng UBND", "Văn phòng HĐND và UBND") drafts the committee's programme.
COMMITTEE_OFFICE_SYMBOL = "VP"


def may_draft(user, unit: Unit) -> bool:
    """The unit's leaders; its staff and the staff of its divisions within the same agency (a commune's divisions
    draft the commune's programme); for a people's committee, the staff of its office. Never the staff of another
    agency below it: a commune's officer does not draft the province's programme, nor a department's."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if leads(user, unit):
        return True
    memberships = org.active_memberships(user).filter(unit__path__startswith=unit.path).select_related("unit")
    return any(
        unit.pk in agency_path_ids(m.unit) or (m.unit.parent_id == unit.pk and m.unit.symbol == COMMITTEE_OFFICE_SYMBOL)
        for m in memberships
    )


def may_approve(user, unit: Unit) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return leads(user, unit) or org.is_head_of(user, unit)


def drafting_units(user) -> QuerySet[Unit]:
    """Units whose programmes `user` may draft: their own units and those below them (for a leader, those they
    lead), limited to what they see."""
    if user.is_superuser:
        return Unit.objects.filter(is_active=True).order_by("path")
    paths = list(org.active_memberships(user).values_list("unit__path", flat=True))
    if not paths:
        return Unit.objects.none()
    own = Q()
    for path in paths:
        own |= Q(path__startswith=path)
    return Unit.objects.filter(own, is_active=True).order_by("path")


def _units_above_q(user, prefix: str) -> Q:
    """The units above the user's own: a division works to its commune's programme (which it leads items of), so
    its people read it too. Only ancestors: never a sibling, so never another commune."""
    if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
        return Q(pk__in=[])
    ids = {int(part) for path in org.active_memberships(user).values_list("unit__path", flat=True)
           for part in path.strip("/").split("/") if part}  # fmt: skip
    return Q(**{f"{prefix}id__in": sorted(ids)})


def visible_programs(user) -> QuerySet[WorkProgram]:
    """Programmes of the units `user` sees, and of the units above their own."""
    scope = visible_units_q(user) | _units_above_q(user, "unit__")
    return WorkProgram.objects.filter(scope).select_related("unit", "approved_by")


def programs_of(user, unit: Unit, year: int) -> QuerySet[WorkProgram]:
    """The programmes of `unit` for `year` (year, halves, quarters, months in that order), with their item counts;
    nothing when `user` does not see the unit."""
    return (
        visible_programs(user)
        .filter(unit=unit, year=year)
        .annotate(item_count=Count("items"))
        .order_by("kind", "number")
    )


KIND_ORDER = {"year": 0, "half": 1, "quarter": 2, "month": 3}


def in_period_order(programs) -> list[WorkProgram]:
    return sorted(programs, key=lambda p: (KIND_ORDER.get(p.kind, 9), p.number))


def _items() -> QuerySet[ProgramItem]:
    tasks = Task.objects.exclude(status=Task.Status.CANCELLED)
    # The same work: the item, the item it was drawn from, or its copies drawn into a month.
    tasked = (
        Exists(tasks.filter(program_item=OuterRef("pk")))
        | Exists(tasks.filter(program_item=OuterRef("source_item")))
        | Exists(tasks.filter(program_item__source_item=OuterRef("pk")))
    )
    return (
        ProgramItem.objects.select_related("lead_unit", "person_in_charge", "source_item__program")
        .prefetch_related("co_handlers")
        .annotate(has_task=tasked)
        .order_by("order", "pk")
    )


def program_detail(user, pk: int) -> WorkProgram | None:
    """One programme with its items (lead unit, person, co-handlers, the item it was drawn from, whether it has a
    task): a fixed number of queries whatever the number of items. None when `user` does not see it."""
    return (
        visible_programs(user)
        .select_related("created_by")
        .prefetch_related(Prefetch("items", queryset=_items()))
        .filter(pk=pk)
        .first()
    )


def program_item(user, pk: int) -> ProgramItem | None:
    return (
        ProgramItem.objects.filter(
            visible_units_q(user, prefix="program__unit__") | _units_above_q(user, "program__unit__")
        )
        .select_related("program__unit", "lead_unit", "person_in_charge")
        .filter(pk=pk)
        .first()
    )


def people_of(unit: Unit) -> QuerySet[User]:
    """Staff working today in `unit` or below it: who may be in charge of an item it leads."""
    members = org.memberships_active_on().filter(unit__path__startswith=unit.path)
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("full_name", "username")


def draw_candidates(unit: Unit, year: int, month: int) -> list[ProgramItem]:
    """Items of the unit's approved programmes of the year and of the month's quarter that fall due in the month
    and are neither done nor cancelled, not yet drawn into a month's programme, and not themselves the source of
    another candidate (a quarter's item taken from the year's stands for it)."""
    first, last = period_bounds("month", year, month)
    quarter = (month - 1) // 3 + 1
    drawn = ProgramItem.objects.filter(source_item=OuterRef("pk"), program__kind="month")
    items = list(
        ProgramItem.objects.filter(
            Q(program__kind="year") | Q(program__kind="quarter", program__number=quarter),
            program__unit=unit, program__year=year, program__status=WorkProgram.Status.APPROVED,
            deadline__gte=first, deadline__lte=last,
        )
        .exclude(status__in=(ProgramItem.Status.DONE, ProgramItem.Status.CANCELLED))
        .exclude(Exists(drawn))
        .select_related("program")
        .prefetch_related("co_handlers")
        .order_by("deadline", "program__kind", "order", "pk")
    )  # fmt: skip
    sources = {item.source_item_id for item in items if item.source_item_id}
    return [item for item in items if item.pk not in sources]


def program_units(user) -> list[Unit]:
    """Units whose programmes the list page offers: those `user` sees and those above their own, in tree order."""
    scope = visible_units_q(user, prefix="") | _units_above_q(user, "")
    return list(Unit.objects.filter(scope, is_active=True).order_by("path"))


def own_unit(user) -> Unit | None:
    """The unit a list starts on: the user's first own unit."""
    membership = org.active_memberships(user).select_related("unit").order_by("unit__path").first()
    return membership.unit if membership else None


def mark_rights(user, program: WorkProgram, items) -> None:
    """Each item gets `can_report` (may set its status: the programme's drafters, its person in charge, the people
    of its lead unit) and `can_assign` (may make it a task: a leader over its lead unit), in one query."""
    drafter = may_draft(user, program.unit)
    paths = list(org.active_memberships(user).values_list("unit__path", flat=True))
    for item in items:
        item.can_report = (
            drafter
            or item.person_in_charge_id == user.pk
            or any(path.startswith(item.lead_unit.path) for path in paths)
        )
        item.can_assign = leads(user, item.lead_unit)
