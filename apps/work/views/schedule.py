"""The pages of the leaders' weekly schedule: the staff editor (a unit's week with every entry, add / edit / cancel for
a leader or the clerical officer of the unit) and the public weekly schedule (no login: a unit's public entries of a
week, with the week's PDF and iCalendar). Both take the unit as `don-vi` and any day of the week as `tuan`."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.org import selectors as org
from apps.org.models import Unit, User
from apps.work.exports import schedule as exports
from apps.work.models import ScheduleEntry
from apps.work.selectors import schedule as selectors
from apps.work.services import schedule as services

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
MOMENT = forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=[(k.value, k.label) for k in services.EDITABLE_KINDS],
                             widget=forms.Select(attrs=SELECT))  # fmt: skip
    title = forms.CharField(label=gettext_lazy("Nội dung"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    starts_at = forms.DateTimeField(label=gettext_lazy("Bắt đầu"), widget=MOMENT, input_formats=MOMENT_FORMATS)
    ends_at = forms.DateTimeField(label=gettext_lazy("Kết thúc"), widget=MOMENT, input_formats=MOMENT_FORMATS)
    location = forms.CharField(label=gettext_lazy("Địa điểm"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    leaders = forms.ModelMultipleChoiceField(label=gettext_lazy("Lãnh đạo"), queryset=User.objects.none(),
                                             widget=forms.SelectMultiple(attrs={**SELECT, "size": 4}))  # fmt: skip
    participants = forms.CharField(label=gettext_lazy("Thành phần"), max_length=5000, required=False,
                                   widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip
    preparing_unit = forms.CharField(label=gettext_lazy("Đơn vị chuẩn bị"), max_length=300, required=False,
                                     widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    is_public = forms.BooleanField(label=gettext_lazy("Công khai trên cổng thông tin"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = selectors.leaders_of(unit)
        self.fields["leaders"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


def _monday(request) -> dt.date:
    """The Monday of the week asked for; this week when none is asked or the day cannot be read."""
    try:
        day = dt.date.fromisoformat(request.GET.get("tuan", ""))
    except ValueError:
        day = timezone.localdate()
    if not services.FIRST_YEAR <= day.year <= services.LAST_YEAR:
        day = timezone.localdate()
    return selectors.week_start(day)


def _chosen(units, request) -> Unit | None:
    raw = request.GET.get("don-vi", "")
    if raw.isdigit():
        return units.filter(pk=int(raw)).first()
    return None


def _week_links(name: str, unit: Unit, monday: dt.date) -> dict:
    def link(day: dt.date) -> str:
        return f"{reverse(name)}?{urlencode({'don-vi': unit.pk, 'tuan': day.isoformat()})}"

    return {
        "previous": link(monday - dt.timedelta(days=7)), "next": link(monday + dt.timedelta(days=7)),
        "this_week": link(selectors.week_start(timezone.localdate())),
    }  # fmt: skip


# --- staff ----------------------------------------------------------------------------------------------------------


def _default_unit(request, units) -> Unit | None:
    chosen = _chosen(units, request)
    if chosen is not None or request.GET.get("don-vi"):
        return chosen
    own = [unit for unit in org.primary_units(request.user) if units.filter(pk=unit.pk).exists()]
    return own[0] if own else units.first()


@login_required
def schedule_week(request):
    units = selectors.schedule_units(request.user)
    unit = _default_unit(request, units)
    if unit is None:
        raise Http404
    monday = _monday(request)
    keeper = services.can_keep_schedule(request.user, unit)
    form = None
    if keeper:
        form = EntryForm(request.POST if request.method == "POST" and request.POST.get("hanh-dong") == "add" else None,
                         unit=unit, initial={"is_public": True}, prefix="lich")  # fmt: skip
    if request.method == "POST":
        action = request.POST.get("hanh-dong", "")
        here = f"{request.path}?{urlencode({'don-vi': unit.pk, 'tuan': monday.isoformat()})}"
        if action == "cancel":
            entry = selectors.schedule_entry(request.user, int(request.POST.get("muc", "0") or 0))
            if entry is None or entry.unit_id != unit.pk:
                raise Http404
            try:
                services.cancel_entry(actor=request.user, entry=entry, reason=request.POST.get("ly-do", ""))
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Đã hủy lịch."))
            return redirect(here)
        if form is None:
            messages.error(request, _("Bạn không được cập nhật lịch công tác của đơn vị này."))
            return redirect(here)
        if form.is_valid():
            try:
                services.add_entry(actor=request.user, unit=unit, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Đã thêm lịch."))
                return redirect(here)
    entries = selectors.unit_week(request.user, unit, monday)
    return render(request, "work/schedule_week.html", {
        "unit": unit, "units": units[:500], "monday": monday, "sunday": monday + dt.timedelta(days=6),
        "days": selectors.days_of(entries, monday), "form": form, "keeper": keeper,
        "links": _week_links("work:schedule", unit, monday),
        "public_query": urlencode({"don-vi": unit.pk, "tuan": monday.isoformat()}),
    }, status=400 if form is not None and form.errors else 200)  # fmt: skip


@login_required
def schedule_entry(request, pk: int):
    entry = selectors.schedule_entry(request.user, pk)
    if entry is None:
        raise Http404
    editable = (
        entry.briefing_id is None and not entry.cancelled and services.can_keep_schedule(request.user, entry.unit)
    )
    initial = {name: getattr(entry, name) for name in services.FIELDS}
    initial["starts_at"], initial["ends_at"] = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
    initial["leaders"] = list(entry.leaders.all())
    form = EntryForm(request.POST if request.method == "POST" and editable else None, unit=entry.unit,
                     initial=initial, prefix="lich")  # fmt: skip
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.edit_entry(actor=request.user, entry=entry, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã sửa lịch."))
            monday = selectors.week_start(timezone.localtime(entry.starts_at).date())
            return redirect(f"{reverse('work:schedule')}?{urlencode({'don-vi': entry.unit_id, 'tuan': monday})}")
    return render(request, "work/schedule_entry.html", {"entry": entry, "form": form, "editable": editable},
                  status=400 if form.errors else 200)  # fmt: skip


# --- public ---------------------------------------------------------------------------------------------------------


def _public_unit(request) -> Unit | None:
    units = selectors.public_units()
    chosen = _chosen(units, request)
    if chosen is not None or request.GET.get("don-vi"):
        return chosen
    root = org.province_root()
    return root if root is not None and units.filter(pk=root.pk).exists() else units.first()


def public_schedule(request):
    unit, monday = _public_unit(request), _monday(request)
    if unit is None and request.GET.get("don-vi"):
        raise Http404
    days = selectors.days_of(selectors.public_week(unit, monday), monday) if unit else []
    return render(request, "work/schedule_public.html", {
        "unit": unit, "units": selectors.public_units()[:500], "monday": monday,
        "sunday": monday + dt.timedelta(days=6), "days": days,
        "links": _week_links("work-public:schedule", unit, monday) if unit else {},
        "query": urlencode({"don-vi": unit.pk, "tuan": monday.isoformat()}) if unit else "",
    })  # fmt: skip


def _public_week_or_404(request) -> tuple[Unit, dt.date, list[ScheduleEntry]]:
    unit, monday = _public_unit(request), _monday(request)
    if unit is None:
        raise Http404
    return unit, monday, list(selectors.public_week(unit, monday))


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def public_schedule_pdf(request):
    unit, monday, entries = _public_week_or_404(request)
    return _download(exports.week_pdf(unit, monday, entries), "application/pdf", f"lich-cong-tac-{monday}.pdf")


def public_schedule_ics(request):
    unit, monday, entries = _public_week_or_404(request)
    return _download(exports.week_ics(unit, monday, entries), "text/calendar; charset=utf-8",
                     f"lich-cong-tac-{monday}.ics")  # fmt: skip


urlpatterns = [
    path("lich-tuan/", schedule_week, name="schedule"),
    path("lich-tuan/<int:pk>/", schedule_entry, name="schedule-entry"),
]
public_urlpatterns = [
    path("lich-cong-tac/", public_schedule, name="schedule"),
    path("lich-cong-tac/lich-tuan.pdf", public_schedule_pdf, name="schedule-pdf"),
    path("lich-cong-tac/lich-tuan.ics", public_schedule_ics, name="schedule-ics"),
]
