"""The task pages: "my tasks" (given to me, assigned by me), one task (details, the original and the current deadline,
the outcome, the timeline, files served through a permission check, the forms of the steps the reader may take),
the assignment form (optionally drawn from a programme item or an incoming document), and the leader's follow-up
(counts by unit and person, with the lists behind them).

The task page takes every step as a POST with `hanh-dong` naming it; a refused or invalid step shows the page again
with what was typed, a good one redirects back to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.org.models import Unit
from apps.work.models import Commitment, Task
from apps.work.selectors import commitments as commitment_selectors
from apps.work.selectors import reporting as report_selectors
from apps.work.selectors import tasks as selectors
from apps.work.services import tasks as services
from apps.work.views import task_files
from apps.work.views import task_forms as forms

PAGE_SIZE = 50
KIND_LABELS = {
    "open": gettext_lazy("Đang thực hiện"),
    "due_week": gettext_lazy("Đến hạn trong tuần"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "late": gettext_lazy("Đang quá hạn"),
    "finished_late": gettext_lazy("Hoàn thành quá hạn trong năm"),
}
LATE_KINDS = ("late", "finished_late")
TABS = {
    "cua-toi": gettext_lazy("Giao cho tôi"),
    "da-giao": gettext_lazy("Tôi đã giao"),
    "tat-ca": gettext_lazy("Tất cả nhiệm vụ tôi xem được"),
}
# step → (form class, prefix, message of success)
STEP_FORMS = {
    "progress": (forms.ProgressForm, "tien-do", gettext_lazy("Đã ghi báo cáo tiến độ.")),
    "request_extension": (forms.ExtensionForm, "gia-han", gettext_lazy("Đã gửi đề nghị gia hạn cho người giao.")),
    "decide_extension": (forms.DecisionForm, "quyet-dinh", gettext_lazy("Đã ghi quyết định về đề nghị gia hạn.")),
    "complete": (forms.CompleteForm, "hoan-thanh", gettext_lazy("Đã báo cáo hoàn thành; chờ người giao nghiệm thu.")),
    "accept": (forms.NoteForm, "nghiem-thu", gettext_lazy("Đã nghiệm thu nhiệm vụ.")),
    "return": (forms.ReturnForm, "tra-lai", gettext_lazy("Đã trả lại nhiệm vụ để làm tiếp.")),
    "reassign": (forms.ReassignForm, "giao-lai", gettext_lazy("Đã giao lại nhiệm vụ.")),
    "cancel": (forms.CancelForm, "thu-hoi", gettext_lazy("Đã thu hồi nhiệm vụ.")),
}
SERVICES = {
    "progress": services.report_progress, "request_extension": services.request_extension,
    "decide_extension": services.decide_extension, "complete": services.complete, "accept": services.accept,
    "return": services.return_task, "cancel": services.cancel,
}  # fmt: skip
# The order the forms appear in on the page.
STEP_ORDER = ("progress", "request_extension", "complete", "decide_extension", "accept", "return", "reassign", "cancel")


@login_required
def my_tasks(request):
    tab = request.GET.get("xem", "cua-toi")
    tab = tab if tab in TABS else "cua-toi"
    everything = request.GET.get("ca-da-xong") == "1"
    if tab == "cua-toi":
        tasks = selectors.my_tasks(request.user, open_only=not everything)
    elif tab == "da-giao":
        tasks = selectors.tasks_assigned_by(request.user, open_only=not everything)
    else:
        tasks = selectors.visible_tasks(request.user)
        tasks = tasks if everything else tasks.filter(status__in=selectors.OPEN)
    return render(request, "work/tasks_mine.html", {
        "page": Paginator(tasks.order_by("due_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page")),
        "tab": tab, "tabs": TABS, "everything": everything, "now": timezone.now(),
        "can_assign": selectors.assignable_units(request.user).exists(),
        **(_my_other_work(request.user) if tab == "cua-toi" else {}),
    })  # fmt: skip


MY_WORK_ROWS = 10


def _my_other_work(user) -> dict:
    """Beside my tasks, the rest of "my work": the tasks I assigned that wait for my decision (an extension asked
    for, a completion to accept), the reports my units must send, and the commitments I signed or that were signed
    to me and are not judged yet."""
    awaiting = list(selectors.awaiting_my_decision(user)[: MY_WORK_ROWS + 1])
    reports = list(report_selectors.reports_to_submit(user)[: MY_WORK_ROWS + 1])
    now = timezone.now()
    for submission in reports:
        submission.state = report_selectors.submission_state(submission, now)
    commitments = commitment_selectors.my_commitments(user)
    in_force = [c for c in commitments["signed_by_me"] if c.status != Commitment.Status.EVALUATED]
    to_judge = [c for c in commitments["signed_to_me"] if c.status == Commitment.Status.SIGNED]
    return {
        "awaiting": {"object_list": awaiting[:MY_WORK_ROWS]}, "more_awaiting": len(awaiting) > MY_WORK_ROWS,
        "reports_to_submit": reports[:MY_WORK_ROWS], "more_reports": len(reports) > MY_WORK_ROWS,
        "my_commitments": in_force[:MY_WORK_ROWS], "commitments_to_me": to_judge[:MY_WORK_ROWS],
    }  # fmt: skip


def _reassign_people(request, bound: bool):
    unit_pk = request.POST.get("giao-lai-unit", "") if bound else ""
    unit = Unit.objects.filter(pk=unit_pk).first() if unit_pk.isdigit() else None
    return selectors.assignable_people(request.user, unit)


def _forms(request, task: Task, bound: str) -> dict:
    """The forms of the steps the reader may take now; the one named by `bound` carries the POST."""
    result = {}
    for step in sorted(services.allowed_steps(request.user, task), key=STEP_ORDER.index):
        form_class, prefix, _message = STEP_FORMS[step]
        data = request.POST if bound == step else None
        files = request.FILES if bound == step else None
        if step == "reassign":
            result[step] = form_class(data, prefix=prefix, units=selectors.assignable_units(request.user),
                                      people=_reassign_people(request, bound == step))  # fmt: skip
        else:
            result[step] = form_class(data, files, prefix=prefix)
    return result


def _take_step(request, task: Task, step: str, form) -> None:
    if step == "reassign":
        services.reassign(actor=request.user, task=task, **form.service_arguments())
    else:
        SERVICES[step](actor=request.user, task=task, **form.cleaned_data)


def _add_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def task_detail(request, pk: int):
    task = selectors.task_for(request.user, pk)
    if task is None:
        raise Http404
    bound = request.POST.get("hanh-dong", "") if request.method == "POST" else ""
    step_forms = _forms(request, task, bound)
    if bound:
        form = step_forms.get(bound)
        if form is None:
            messages.error(request, _("Bạn không thể làm bước này với nhiệm vụ này."))
            return redirect("work:task", pk=task.pk)
        if form.is_valid():
            try:
                _take_step(request, task, bound, form)
            except DomainError as error:
                _add_error(form, error)
            else:
                messages.success(request, STEP_FORMS[bound][2])
                return redirect("work:task", pk=task.pk)
    now = timezone.now()
    return render(request, "work/tasks_detail.html", {
        "task": task, "timeline": selectors.timeline(task), "files": selectors.task_files(task),
        "extensions": selectors.extensions(task), "forms": step_forms, "bound": bound,
        "late": task.is_open and task.due_at < now,
        "holder": services.is_holder(request.user, task), "assigner": services.is_assigner(request.user, task),
    }, status=400 if bound else 200)  # fmt: skip


@login_required
def task_file(request, pk: int, file_pk: int):
    stored = selectors.task_file(request.user, pk, file_pk)
    if stored is None:
        raise Http404
    return task_files.serve(stored)


def _source(request) -> dict:
    """What the new task is drawn from (`?item=` a programme item, `?van-ban=` an incoming document)."""
    item_id, document_id = request.GET.get("item", ""), request.GET.get("van-ban", "")
    if item_id:
        item = selectors.program_item_for(request.user, item_id)
        if item is None:
            raise Http404
        return selectors.assignment_prefill(request.user, item=item)
    if document_id:
        document = selectors.incoming_document_for(request.user, document_id)
        if document is None:
            raise Http404
        return selectors.assignment_prefill(request.user, document=document)
    return {}


def _chosen_unit(request, units, source: dict):
    value = request.POST.get("unit", "") if request.method == "POST" else request.GET.get("don-vi", "")
    if value.isdigit():
        return next((unit for unit in units if unit.pk == int(value)), None)
    unit = source.get("unit")
    return unit if unit is not None and unit in units else None


@login_required
def task_new(request):
    units = list(selectors.assignable_units(request.user))
    if not units:
        return render(request, "work/tasks_new.html", {"form": None}, status=403)
    source = _source(request)
    unit = _chosen_unit(request, units, source)
    people = selectors.assignable_people(request.user, unit) if unit is not None else []
    initial = {
        "title": source.get("title", ""), "description": source.get("description", ""),
        "unit": unit.pk if unit else None, "deadline": source.get("deadline"),
        "assignee": source["assignee"].pk if source.get("assignee") else None,
        "document_reference": source.get("document_reference", ""),
    }  # fmt: skip
    form = forms.AssignForm(request.POST or None, initial=initial, units=units, people=people)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.update(
            {key: source[key] for key in ("source", "program_item", "incoming_document_id") if key in source}
        )
        arguments["document_reference"] = arguments["document_reference"] or source.get("document_reference", "")
        try:
            task = services.assign_task(actor=request.user, **arguments)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Đã giao nhiệm vụ; hạn ngày %(day)s.") % {
                "day": task.deadline.strftime("%d/%m/%Y")})  # fmt: skip
            return redirect("work:task", pk=task.pk)
    return render(request, "work/tasks_new.html", {"form": form, "source": source},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


@login_required
def task_people(request):
    """The options of the person list for the unit chosen on the assignment form (htmx)."""
    value = request.GET.get("unit", "")
    unit = Unit.objects.filter(pk=value).first() if value.isdigit() else None
    people = selectors.assignable_people(request.user, unit) if unit is not None else []
    return render(request, "work/tasks_part_people.html", {"people": people})


def _year(request) -> int:
    value = request.GET.get("nam", "")
    this_year = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this_year + 1 else this_year


CELL_ZERO = '<td class="text-end">0</td>'
CELL_LATE = '<td class="text-end text-danger fw-bold"><a class="link-danger" href="{}&amp;loai={}">{}</a></td>'
CELL_SOON = '<td class="text-end"><a href="{}&amp;loai={}">{}</a> <span class="badge text-bg-warning">{}</span></td>'
CELL = '<td class="text-end"><a href="{}&amp;loai={}">{}</a></td>'


def _cells(counts: dict, base: str) -> str:
    """The count cells of one row of the follow-up table, each linked to the list behind it; late in red, due soon
    flagged. Built here, not in the template: a province has hundreds of rows and this is the page's hot loop."""
    soon = _("sắp đến hạn")
    cells = []
    for kind in KIND_LABELS:
        count = counts[kind]
        if not count:
            cells.append(CELL_ZERO)
        elif kind in LATE_KINDS:
            cells.append(format_html(CELL_LATE, base, kind, count))
        elif kind == "due_soon":
            cells.append(format_html(CELL_SOON, base, kind, count, soon))
        else:
            cells.append(format_html(CELL, base, kind, count))
    return mark_safe("".join(cells))  # every part is a constant or went through format_html


# Above this many units the page lists units only, and the people of the unit the leader opens (`?don-vi=`).
PEOPLE_SHOWN_UP_TO_UNITS = 40


def _follow_up_rows(view: selectors.FollowUp, opened: int | None = None) -> tuple[list[dict], str]:
    """(rows by unit then person, the totals cells), each count linked to the list behind it."""
    base = f"{reverse('work:follow-up-list')}?nam={view.year}"
    every_person = len(view.units) <= PEOPLE_SHOWN_UP_TO_UNITS
    rows = []
    for unit in view.units:
        unit_base = f"{base}&don-vi={unit.unit_id}"  # format_html escapes the & of these bases
        shown = every_person or unit.unit_id == opened
        rows.append({"label": unit.unit_name, "is_unit": True, "unit_id": unit.unit_id, "opened": shown,
                     "cells": _cells(unit.counts, unit_base)})  # fmt: skip
        for row in unit.people if shown else ():
            label = row.person_name or _("Giao cho đơn vị (không giao cho người)")
            person_base = f"{unit_base}&nguoi={row.person_id or 'none'}"
            rows.append({"label": label, "is_unit": False, "cells": _cells(row.counts, person_base)})
    return rows, _cells(view.totals, base)


@login_required
def follow_up(request):
    year = _year(request)
    view = selectors.follow_up(request.user, year=year)
    opened = request.GET.get("don-vi", "")
    rows, totals = _follow_up_rows(view, int(opened) if opened.isdigit() else None)
    return render(request, "work/tasks_follow_up.html", {
        "view": view, "year": year, "kinds": KIND_LABELS, "rows": rows, "totals": totals,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "late_reports": report_selectors.late_reports_by_unit(request.user),
    })  # fmt: skip


@login_required
def follow_up_list(request):
    kind = request.GET.get("loai", "")
    if kind not in KIND_LABELS:
        raise Http404
    unit, person = request.GET.get("don-vi", ""), request.GET.get("nguoi", "")
    year = _year(request)
    tasks = selectors.follow_up_tasks(
        request.user, kind, year=year, unit_id=int(unit) if unit.isdigit() else None,
        person="none" if person == "none" else (int(person) if person.isdigit() else None),
    )  # fmt: skip
    led = selectors.assignable_units(request.user)
    unit_name = led.filter(pk=unit).values_list("name", flat=True).first() if unit.isdigit() else ""
    return render(request, "work/tasks_follow_up_list.html", {
        "page": Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page")), "kind": kind,
        "kind_label": KIND_LABELS[kind], "year": year, "unit_name": unit_name, "now": timezone.now(),
    })  # fmt: skip


urlpatterns = [
    path("", my_tasks, name="my-tasks"),
    path("nhiem-vu/giao/", task_new, name="task-new"),
    path("nhiem-vu/giao/can-bo/", task_people, name="task-people"),
    path("nhiem-vu/<int:pk>/", task_detail, name="task"),
    path("nhiem-vu/<int:pk>/tep/<int:file_pk>/", task_file, name="task-file"),
    path("theo-doi/", follow_up, name="follow-up"),
    path("theo-doi/danh-sach/", follow_up_list, name="follow-up-list"),
]
