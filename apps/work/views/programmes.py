"""The pages of work programmes: the programmes of a unit and year (with the forms to create one and to draw a
month's programme from the quarter's and the year's), one programme with its items table and every step as a POST
named by `hanh-dong` (add, move, remove an item; submit, approve, return; an item's status; a task from an item),
an item's edit form, and the programme as .xlsx and PDF.

A programme the user may not see is a 404; a step refused by the service shows its reason."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.org.models import Unit
from apps.work.exports.programmes import program_pdf, program_xlsx
from apps.work.models import PeriodKind, ProgramItem, WorkProgram
from apps.work.selectors import programmes as selectors
from apps.work.services import programmes as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
ACTIONS = ("add", "up", "down", "remove", "submit", "approve", "return", "status", "task")


# ---- forms ------------------------------------------------------------------------------------------------------


class NewProgramForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(label=gettext_lazy("Loại chương trình"), choices=PeriodKind.choices,
                             widget=forms.Select(attrs=SELECT))  # fmt: skip
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    number = forms.IntegerField(label=gettext_lazy("Quý / tháng / nửa năm (số)"), min_value=1, max_value=12,
                                initial=1, widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    title = forms.CharField(label=gettext_lazy("Tên chương trình (để trống: tên theo kỳ)"), max_length=500,
                            required=False, widget=forms.TextInput(attrs=TEXT))  # fmt: skip

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]


class DrawMonthForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    month = forms.TypedChoiceField(label=gettext_lazy("Tháng"), coerce=int, widget=forms.Select(attrs=SELECT),
                                   choices=[(m, m) for m in range(1, 13)])  # fmt: skip

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]


class ItemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Nội dung công việc"), max_length=5000,
                            widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip
    lead_unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị chủ trì"), coerce=int,
                                       widget=forms.Select(attrs=SELECT))  # fmt: skip
    person_in_charge = forms.TypedChoiceField(label=gettext_lazy("Người phụ trách"), coerce=int, required=False,
                                              empty_value=None, widget=forms.Select(attrs=SELECT))  # fmt: skip
    co_handlers = forms.TypedMultipleChoiceField(label=gettext_lazy("Đơn vị phối hợp"), coerce=int, required=False,
                                                 widget=forms.SelectMultiple(attrs={**SELECT, "size": 4}))  # fmt: skip
    product_kind = forms.ChoiceField(label=gettext_lazy("Loại sản phẩm"), choices=ProgramItem.Product.choices,
                                     widget=forms.Select(attrs=SELECT))  # fmt: skip
    product = forms.CharField(label=gettext_lazy("Sản phẩm dự kiến"), max_length=500, required=False,
                              widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    deadline = forms.DateField(label=gettext_lazy("Thời hạn (ngày làm việc)"),
                               widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip

    def __init__(self, *args, program: WorkProgram, co_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in Unit.objects.filter(path__startswith=program.unit.path, is_active=True)
                      .order_by("path")}  # fmt: skip
        self.co_units = {u.pk: u for u in co_units}
        self.people = {p.pk: p for p in selectors.people_of(program.unit)}
        self.fields["lead_unit"].choices = [(pk, u.name) for pk, u in self.units.items()]
        self.fields["person_in_charge"].choices = [("", "—")] + [(pk, p.get_full_name())
                                                                 for pk, p in self.people.items()]  # fmt: skip
        self.fields["co_handlers"].choices = [(pk, u.name) for pk, u in self.co_units.items()]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        person = data.get("person_in_charge")
        return {
            "title": data["title"], "lead_unit": self.units[data["lead_unit"]],
            "person_in_charge": self.people.get(person) if person else None,
            "co_handlers": [self.co_units[pk] for pk in data["co_handlers"]],
            "product_kind": data["product_kind"], "product": data["product"], "deadline": data["deadline"],
            "note": data["note"],
        }  # fmt: skip


def item_initial(item: ProgramItem) -> dict:
    return {
        "title": item.title, "lead_unit": item.lead_unit_id, "person_in_charge": item.person_in_charge_id,
        "co_handlers": [u.pk for u in item.co_handlers.all()], "product_kind": item.product_kind,
        "product": item.product, "deadline": item.deadline, "note": item.note,
    }  # fmt: skip


class ReturnForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Nội dung cần sửa"), max_length=5000,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip


class StatusForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng"), choices=ProgramItem.Status.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=5000, required=False)


def _add_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _co_units(user) -> list[Unit]:
    return selectors.program_units(user)


# ---- the list of a unit's programmes ---------------------------------------------------------------------------


def _list_unit(request, units: list[Unit]) -> Unit:
    wanted = request.GET.get("don-vi", "")
    if wanted:
        unit = next((u for u in units if str(u.pk) == wanted), None)
        if unit is None:
            raise Http404
        return unit
    own = selectors.own_unit(request.user)
    if own is not None and any(u.pk == own.pk for u in units):
        return own
    if not units:
        raise Http404
    return units[0]


def _year(request) -> int:
    year = request.GET.get("nam", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year


def _list_url(unit_pk: int, year: int) -> str:
    return f"{reverse('work:programs')}?don-vi={unit_pk}&nam={year}"


@login_required
def program_list(request):
    units = selectors.program_units(request.user)
    unit, year = _list_unit(request, units), _year(request)
    drafting = [u for u in units if selectors.may_draft(request.user, u)]
    today = timezone.localdate()
    return render(request, "work/programmes_list.html", {
        "unit": unit, "units": units, "year": year,
        "programs": selectors.in_period_order(selectors.programs_of(request.user, unit, year)),
        "years": range(today.year + 1, today.year - 5, -1),
        "new_form": NewProgramForm(units=drafting, initial={"unit": unit.pk, "year": year}) if drafting else None,
        "draw_form": DrawMonthForm(units=drafting, initial={"unit": unit.pk, "year": year,
                                                            "month": today.month}) if drafting else None,
    })  # fmt: skip


def _drafting_units(request) -> list[Unit]:
    return [u for u in selectors.program_units(request.user) if selectors.may_draft(request.user, u)]


@login_required
@require_POST
def program_new(request):
    units = _drafting_units(request)
    form = NewProgramForm(request.POST, units=units)
    if form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["unit"])
        try:
            program = services.create_program(actor=request.user, unit=unit, kind=data["kind"], year=data["year"],
                                              number=data["number"], title=data["title"])  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_list_url(unit.pk, data["year"]))
        messages.success(request, _("Đã lập chương trình công tác (dự thảo)."))
        return redirect("work:program", pk=program.pk)
    messages.error(request, _("Thông tin chương trình chưa hợp lệ: %(errors)s")
                   % {"errors": "; ".join(e for errors in form.errors.values() for e in errors)})  # fmt: skip
    return redirect("work:programs")


@login_required
@require_POST
def program_draw(request):
    units = _drafting_units(request)
    form = DrawMonthForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, _("Chọn đơn vị, năm và tháng."))
        return redirect("work:programs")
    data = form.cleaned_data
    unit = next(u for u in units if u.pk == data["unit"])
    try:
        program, added = services.draw_month(actor=request.user, unit=unit, year=data["year"], month=data["month"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_list_url(unit.pk, data["year"]))
    messages.success(request, _("Đã lấy %(n)d nội dung từ chương trình quý và năm đã phê duyệt.") % {"n": added})
    return redirect("work:program", pk=program.pk)


# ---- one programme ---------------------------------------------------------------------------------------------


def _export(program: WorkProgram, kind: str) -> HttpResponse:
    if kind == "xlsx":
        response = HttpResponse(program_xlsx(program), content_type=XLSX)
    else:
        response = HttpResponse(program_pdf(program), content_type="application/pdf")
    name = f"chuong-trinh-cong-tac-{program.kind}-{program.number}-{program.year}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _item_of(program: WorkProgram, value) -> ProgramItem:
    item = next((i for i in program.items.all() if str(i.pk) == str(value)), None)
    if item is None:
        raise Http404
    return item


def _take_step(request, program: WorkProgram, action: str, forms_: dict) -> str | None:
    """Run the step; returns the message of success, or None when a form is invalid (shown again)."""
    actor, post = request.user, request.POST
    if action == "add":
        form = forms_["add"]
        if not form.is_valid():
            return None
        services.add_item(actor=actor, program=program, **form.service_arguments())
        return _("Đã thêm nội dung.")
    if action in ("up", "down"):
        services.move_item(actor=actor, item=_item_of(program, post.get("item")), step=-1 if action == "up" else 1)
        return _("Đã đổi thứ tự.")
    if action == "remove":
        services.remove_item(actor=actor, item=_item_of(program, post.get("item")))
        return _("Đã xóa nội dung.")
    if action == "submit":
        services.submit_program(actor=actor, program=program)
        return _("Đã trình duyệt chương trình.")
    if action == "approve":
        services.approve_program(actor=actor, program=program)
        return _("Đã phê duyệt chương trình.")
    if action == "return":
        form = forms_["return"]
        if not form.is_valid():
            return None
        services.return_program(actor=actor, program=program, note=form.cleaned_data["note"])
        return _("Đã trả lại chương trình để sửa.")
    if action == "status":
        form = StatusForm(post)
        if not form.is_valid():
            raise DomainError(_("Chọn tình trạng."))
        services.set_item_status(actor=actor, item=_item_of(program, form.cleaned_data["item"]),
                                 status=form.cleaned_data["status"], note=form.cleaned_data["note"])  # fmt: skip
        return _("Đã cập nhật tình trạng.")
    task = services.make_task(actor=actor, item=_item_of(program, post.get("item")))
    return _("Đã giao nhiệm vụ; hạn ngày %(day)s.") % {"day": task.deadline.strftime("%d/%m/%Y")}


@login_required
def program_detail(request, pk: int):
    program = selectors.program_detail(request.user, pk)
    if program is None:
        raise Http404
    export = request.GET.get("xuat")
    if export in ("xlsx", "pdf"):
        return _export(program, export)
    action = request.POST.get("hanh-dong", "") if request.method == "POST" else ""
    if action and action not in ACTIONS:
        raise Http404
    user = request.user
    can_draft = selectors.may_draft(user, program.unit)
    can_approve = selectors.may_approve(user, program.unit)
    is_draft = program.status == WorkProgram.Status.DRAFT
    forms_ = {
        "add": ItemForm(request.POST if action == "add" else None, program=program, co_units=_co_units(user),
                        prefix="them") if can_draft and is_draft else None,
        "return": ReturnForm(request.POST if action == "return" else None, prefix="tra-lai") if can_approve else None,
    }  # fmt: skip
    error = None
    if action in forms_ and forms_[action] is None:
        messages.error(request, _("Bạn không thể làm bước này với chương trình này."))
        return redirect("work:program", pk=program.pk)
    if action:
        try:
            done = _take_step(request, program, action, forms_)
        except DomainError as refused:
            error = refused
            if action in forms_ and forms_[action] is not None:
                _add_error(forms_[action], refused)
            else:
                messages.error(request, refused.message)
                return redirect("work:program", pk=program.pk)
        else:
            if done is not None:
                messages.success(request, done)
                return redirect("work:program", pk=program.pk)
    items = list(program.items.all())
    selectors.mark_rights(user, program, items)
    return render(request, "work/programmes_detail.html", {
        "program": program, "items": items, "forms": forms_,
        "period": selectors.period_display(program.kind, program.year, program.number),
        "can_draft": can_draft and is_draft, "can_submit": can_draft and is_draft,
        "can_approve": can_approve and program.status == WorkProgram.Status.SUBMITTED,
        "can_return": can_approve and program.status != WorkProgram.Status.DRAFT,
        "approved": program.status == WorkProgram.Status.APPROVED,
        "statuses": ProgramItem.Status.choices, "list_url": _list_url(program.unit_id, program.year),
        "error": error,
    }, status=400 if action else 200)  # fmt: skip


@login_required
def item_edit(request, pk: int):
    item = selectors.program_item(request.user, pk)
    if item is None:
        raise Http404
    program = item.program
    if program.status != WorkProgram.Status.DRAFT or not selectors.may_draft(request.user, program.unit):
        messages.error(request, _("Chỉ sửa nội dung khi chương trình là dự thảo, bởi cán bộ của đơn vị."))
        return redirect("work:program", pk=program.pk)
    form = ItemForm(request.POST if request.method == "POST" else None, program=program,
                    co_units=_co_units(request.user), initial=item_initial(item))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_item(actor=request.user, item=item, **form.service_arguments())
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Đã lưu nội dung."))
            return redirect("work:program", pk=program.pk)
    return render(request, "work/programmes_item.html", {"program": program, "item": item, "form": form},
                  status=400 if request.method == "POST" else 200)  # fmt: skip


urlpatterns = [
    path("chuong-trinh/", program_list, name="programs"),
    path("chuong-trinh/lap-moi/", program_new, name="program-new"),
    path("chuong-trinh/lay-tu-quy-nam/", program_draw, name="program-draw"),
    path("chuong-trinh/<int:pk>/", program_detail, name="program"),
    path("chuong-trinh/noi-dung/<int:pk>/", item_edit, name="program-item"),
]
