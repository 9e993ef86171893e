"""The pages of the reporting regime, under /can-bo/cong-viec/bao-cao/: the requests (and the reports my units must
send), a new request with its field builder, a request with its cycles, a cycle with who sent / is late / has not
sent, the numbers added up and the .xlsx, the reminder now; a unit's report form (pre-filled numbers marked) with
its steps (save, submit, refresh the system's figures; return, accept for the requester).

A refused or invalid step shows the page again with what was typed; a good one redirects back to it."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.work.exports import reporting as exports
from apps.work.models import Metric, PeriodKind, ReportField, ReportRequest, ReportSubmission
from apps.work.selectors import reporting as selectors
from apps.work.selectors.scope import leads, led_units
from apps.work.services import reporting as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
BUILDER_ROWS = 5
MORE_ROWS = 3


# --- forms --------------------------------------------------------------------------------------------------


def unit_with_parent(unit) -> str:
    """Many units share a name (every commune has its one-stop desk): the unit above tells them apart."""
    return f"{unit.name} — {unit.parent.name}" if unit.parent_id else unit.name


class RequestForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên báo cáo"), max_length=500,
                            widget=forms.TextInput(attrs={"class": "form-control"}))  # fmt: skip
    from_unit = forms.ModelChoiceField(label=gettext_lazy("Đơn vị yêu cầu"), queryset=None,
                                       widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    recipients = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Đơn vị báo cáo (để trống: các đơn vị trực thuộc trực tiếp)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại báo cáo"), choices=ReportRequest.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    frequency = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo (định kỳ)"), required=False,
                                  choices=[("", "—"), *PeriodKind.choices],
                                  widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    due_day = forms.IntegerField(label=gettext_lazy("Hạn nộp: ngày trong tháng (định kỳ)"), required=False,
                                 min_value=1, max_value=31,
                                 widget=forms.NumberInput(attrs={"class": "form-control"}))  # fmt: skip
    deadline = forms.DateField(label=gettext_lazy("Hạn nộp (đột xuất)"), required=False, widget=DATE_INPUT)
    starts_on = forms.DateField(label=gettext_lazy("Áp dụng từ ngày / số liệu từ ngày"), required=False,
                                widget=DATE_INPUT)  # fmt: skip
    ends_on = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DATE_INPUT)
    instructions = forms.CharField(label=gettext_lazy("Hướng dẫn"), required=False, max_length=10000,
                                   widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))  # fmt: skip

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_unit"].queryset = units
        self.fields["recipients"].queryset = units.select_related("parent")
        self.fields["recipients"].label_from_instance = unit_with_parent


class FieldRowForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Chỉ tiêu"), required=False, max_length=300,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("Kiểu"), choices=ReportField.Kind.choices,
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    measure = forms.CharField(label=gettext_lazy("Đơn vị tính"), required=False, max_length=50,
                              widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    choices = forms.CharField(label=gettext_lazy("Các lựa chọn (cách nhau bởi dấu ;)"), required=False,
                              max_length=2000,
                              widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    prefill = forms.ChoiceField(label=gettext_lazy("Lấy từ số liệu hệ thống"), required=False,
                                choices=[("", "—"), *Metric.choices],
                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))  # fmt: skip
    required = forms.BooleanField(label=gettext_lazy("Bắt buộc"), required=False, initial=True,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip
    help_text = forms.CharField(label=gettext_lazy("Hướng dẫn"), required=False, max_length=500,
                                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip

    def spec(self) -> services.FieldSpec | None:
        data = self.cleaned_data
        if not data.get("label", "").strip():
            return None
        return services.FieldSpec(
            label=data["label"], kind=data["kind"], measure=data["measure"],
            choices=tuple(c for c in data["choices"].split(";") if c.strip()), required=data["required"],
            help_text=data["help_text"], prefill=data["prefill"],
        )  # fmt: skip


FieldRows = forms.formset_factory(FieldRowForm, extra=0, max_num=services.MAX_FIELDS, absolute_max=services.MAX_FIELDS)


def field_rows(data=None, rows: int = BUILDER_ROWS):
    if data is None:
        return FieldRows(prefix="chi-tieu", initial=[{"kind": "number", "required": True}] * rows)
    return FieldRows(data, prefix="chi-tieu")


def shown_number(number: Decimal | None) -> str:
    """A stored number as staff type it: 1250 or 1250,5."""
    if number is None:
        return ""
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.normalize():f}".replace(".", ",")


def submission_form(submission: ReportSubmission, fields, values, data=None, files=None) -> forms.Form:
    """One input per field of the request (`field_<id>`); nothing required here: required fields are checked when
    the report is sent."""
    form = forms.Form(data, files, prefix=None)
    for field in fields:
        name = f"field_{field.pk}"
        value = values.get(field.pk)
        common = {"label": field.label, "required": False, "help_text": field.help_text}
        if field.kind == ReportField.Kind.NUMBER:
            form.fields[name] = forms.CharField(max_length=40, widget=forms.TextInput(
                attrs={"class": "form-control", "inputmode": "decimal"}), **common)  # fmt: skip
            form.initial[name] = shown_number(value.number if value else None)
        elif field.kind == ReportField.Kind.TEXT:
            form.fields[name] = forms.CharField(max_length=20000, widget=forms.Textarea(
                attrs={"class": "form-control", "rows": 3}), **common)  # fmt: skip
            form.initial[name] = value.text if value else ""
        elif field.kind == ReportField.Kind.CHOICE:
            form.fields[name] = forms.ChoiceField(choices=[("", "—"), *((c, c) for c in field.choices)],
                                                  widget=forms.Select(attrs={"class": "form-select"}),
                                                  **common)  # fmt: skip
            form.initial[name] = value.text if value else ""
        else:
            form.fields[name] = forms.FileField(widget=forms.ClearableFileInput(
                attrs={"class": "form-control", "accept": ".pdf,.png,.jpg,.jpeg"}), **common)  # fmt: skip
        form.fields[name].report_field = field
        form.fields[name].report_value = value
    return form


# --- pages --------------------------------------------------------------------------------------------------


@login_required
def reports(request):
    requests = selectors.visible_requests(request.user).order_by("-created_at", "pk")
    return render(request, "work/reporting_list.html", {
        "page": Paginator(requests, 50).get_page(request.GET.get("page")),
        "to_submit": selectors.reports_to_submit(request.user)[:50], "can_ask": led_units(request.user).exists(),
    })  # fmt: skip


def _request_arguments(form, rows) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"], "from_unit": data["from_unit"], "recipients": list(data["recipients"]) or None,
        "kind": data["kind"], "frequency": data["frequency"],
        "due_day": data["due_day"], "deadline": data["deadline"], "starts_on": data["starts_on"],
        "ends_on": data["ends_on"], "instructions": data["instructions"],
        "fields": [spec for spec in (row.spec() for row in rows) if spec is not None],
    }  # fmt: skip


def _with_more_rows(data):
    """The builder's POST with MORE_ROWS empty rows added (what was typed stays)."""
    data = data.copy()
    total = int(data.get("chi-tieu-TOTAL_FORMS") or 0)
    for index in range(total, min(total + MORE_ROWS, services.MAX_FIELDS)):
        data[f"chi-tieu-{index}-kind"] = "number"
        data[f"chi-tieu-{index}-required"] = "on"
    data["chi-tieu-TOTAL_FORMS"] = str(min(total + MORE_ROWS, services.MAX_FIELDS))
    return data


@login_required
def report_new(request):
    units = led_units(request.user)
    if not units.exists():
        raise Http404
    status = 200
    if request.method == "POST":
        data = _with_more_rows(request.POST) if "them-dong" in request.POST else request.POST
        form, rows = RequestForm(data, units=units), field_rows(data)
        if "them-dong" not in request.POST and form.is_valid() and rows.is_valid():
            try:
                report = services.create_request(actor=request.user, **_request_arguments(form, rows))
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Đã gửi yêu cầu báo cáo tới các đơn vị."))
                return redirect("work:report", pk=report.pk)
            status = 400
        elif "them-dong" not in request.POST:
            status = 400
    else:
        form = RequestForm(units=units, initial={"from_unit": units.first(), "kind": "periodic", "frequency": "month",
                                                 "due_day": 20, "starts_on": timezone.localdate()})  # fmt: skip
        rows = field_rows()
    return render(request, "work/reporting_new.html", {"form": form, "rows": rows}, status=status)


@login_required
def report_detail(request, pk: int):
    report = selectors.request_for(request.user, pk)
    if report is None:
        raise Http404
    requester = selectors.is_requester_side(request.user, report)
    return render(request, "work/reporting_request.html", {
        "report": report, "fields": report.fields.all(), "requester": requester,
        "can_close": report.status == ReportRequest.Status.ACTIVE and leads(request.user, report.from_unit),
        "cycles": selectors.request_cycles(report) if requester else [],
        "own": [] if requester else selectors.unit_submissions(request.user, report),
    })  # fmt: skip


@login_required
@require_POST
def report_close(request, pk: int):
    report = selectors.request_for(request.user, pk)
    if report is None:
        raise Http404
    try:
        services.close_request(actor=request.user, request=report)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã dừng yêu cầu báo cáo; không mở thêm kỳ mới."))
    return redirect("work:report", pk=report.pk)


@login_required
def cycle_detail(request, pk: int):
    cycle = selectors.cycle_for(request.user, pk)
    if cycle is None:
        raise Http404
    table = selectors.cycle_table(cycle)
    for submission in table.submissions:
        _label_states(submission)
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(exports.aggregate_xlsx(table), content_type=XLSX)
        name = f"tong-hop-bao-cao-{cycle.request_id}-{cycle.period_end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "work/reporting_cycle.html", {
        "cycle": cycle, "table": table, "can_decide": leads(request.user, cycle.request.from_unit),
    })  # fmt: skip


def _label_states(submission) -> None:
    submission.state_label = exports.state_labels()[submission.state]
    submission.outcome_label = exports.outcome_labels().get(submission.outcome, "")


@login_required
@require_POST
def cycle_remind(request, pk: int):
    cycle = selectors.cycle_for(request.user, pk)
    if cycle is None:
        raise Http404
    try:
        count = services.remind_now(actor=request.user, cycle=cycle)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã nhắc %(count)d đơn vị chưa nộp báo cáo.") % {"count": count})
    return redirect("work:report-cycle", pk=cycle.pk)


def _typed(form) -> tuple[dict, dict]:
    values, files = {}, {}
    for name, field in form.fields.items():
        pk = field.report_field.pk
        if field.report_field.kind == ReportField.Kind.FILE:
            if form.cleaned_data.get(name):
                files[pk] = form.cleaned_data[name]
        else:
            values[pk] = form.cleaned_data.get(name, "")
    return values, files


def _step(request, submission, step: str, form, note_form) -> str:
    actor = request.user
    if step in ("luu", "nop"):
        values, files = _typed(form)
        services.save_values(actor=actor, submission=submission, values=values, files=files)
        if step == "luu":
            return _("Đã lưu báo cáo (chưa gửi).")
        services.submit_report(actor=actor, submission=submission)
        return _("Đã nộp báo cáo.")
    if step == "lay-so-lieu":
        filled = services.refresh_prefilled(actor=actor, submission=submission)
        return _("Đã lấy lại số liệu hệ thống: %(fields)s.") % {"fields": ", ".join(filled) or "—"}
    if step == "tra-lai":
        services.return_report(actor=actor, submission=submission, note=note_form.cleaned_data["note"])
        return _("Đã trả lại báo cáo để đơn vị hoàn thiện.")
    services.accept_report(actor=actor, submission=submission)
    return _("Đã tiếp nhận báo cáo.")


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Lý do trả lại"), max_length=5000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))  # fmt: skip


STEPS = ("luu", "nop", "lay-so-lieu", "tra-lai", "tiep-nhan")


@login_required
def submission_detail(request, pk: int):
    submission = selectors.submission_for(request.user, pk)
    if submission is None:
        raise Http404
    fields = list(submission.cycle.request.fields.all())
    values = selectors.submission_values(submission)
    step = request.POST.get("hanh-dong", "") if request.method == "POST" else ""
    if step and step not in STEPS:
        raise Http404
    bound = step in ("luu", "nop")
    form = submission_form(submission, fields, values, request.POST if bound else None,
                           request.FILES if bound else None)  # fmt: skip
    note_form = NoteForm(request.POST if step == "tra-lai" else None)
    status = 200
    if step:
        valid = (form.is_valid() if bound else True) and (note_form.is_valid() if step == "tra-lai" else True)
        if valid:
            try:
                messages.success(request, _step(request, submission, step, form, note_form))
            except services.ReportValuesInvalid as error:
                for field_pk, message in error.errors.items():
                    form.add_error(f"field_{field_pk}", message)
                messages.error(request, error.message)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                return redirect("work:report-submission", pk=submission.pk)
        status = 400
    submission.state = selectors.submission_state(submission, timezone.now())
    _label_states(submission)
    return render(request, "work/reporting_submission.html", {
        "submission": submission, "form": form, "note_form": note_form,
        "editable": submission.status in services.EDITABLE and services.can_fill(request.user, submission),
        "can_decide": submission.status == ReportSubmission.Status.SUBMITTED
        and leads(request.user, submission.cycle.request.from_unit),
        "has_prefill": any(f.prefill for f in fields),
        "period_open": timezone.localdate() <= submission.cycle.period_end,
    }, status=status)  # fmt: skip


@login_required
def submission_file(request, pk: int, field_pk: int):
    value = selectors.value_for(request.user, pk, field_pk)
    if value is None:
        raise Http404
    response = FileResponse(value.file.open("rb"), as_attachment=True, filename=value.file_name or "tep",
                            content_type="application/octet-stream")  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns: list = [
    path("bao-cao/", reports, name="reports"),
    path("bao-cao/tao-moi/", report_new, name="report-new"),
    path("bao-cao/<int:pk>/", report_detail, name="report"),
    path("bao-cao/<int:pk>/dung/", report_close, name="report-close"),
    path("bao-cao/ky/<int:pk>/", cycle_detail, name="report-cycle"),
    path("bao-cao/ky/<int:pk>/nhac/", cycle_remind, name="report-cycle-remind"),
    path("bao-cao/don-vi/<int:pk>/", submission_detail, name="report-submission"),
    path("bao-cao/don-vi/<int:pk>/tep/<int:field_pk>/", submission_file, name="report-file"),
]
