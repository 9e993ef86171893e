"""The pages of briefings (giao ban): the list, scheduling a briefing, and one briefing with its participants,
attendance, minutes, conclusions, the conclusion notice (and its PDF) and the button that turns every conclusion into a
task. Each step on the briefing page is a POST with `hanh-dong` naming it; a refused step shows the page again with
the reason, a good one redirects back to it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.core.errors import DomainError
from apps.org import selectors as org
from apps.org.models import Unit, User
from apps.work.exports.briefings import notice_response
from apps.work.models import Briefing
from apps.work.selectors import briefings as selectors
from apps.work.selectors.schedule import leaders_of
from apps.work.services import briefings as services

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
MOMENT = forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


class BriefingForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Đơn vị chủ trì"), queryset=Unit.objects.none(),
                                  widget=forms.Select(attrs=SELECT))  # fmt: skip
    kind = forms.ChoiceField(label=gettext_lazy("Loại cuộc họp"), choices=Briefing.Kind.choices,
                             widget=forms.Select(attrs=SELECT))  # fmt: skip
    title = forms.CharField(label=gettext_lazy("Tên cuộc họp"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    starts_at = forms.DateTimeField(label=gettext_lazy("Bắt đầu"), widget=MOMENT, input_formats=MOMENT_FORMATS)
    ends_at = forms.DateTimeField(label=gettext_lazy("Kết thúc"), widget=MOMENT, input_formats=MOMENT_FORMATS)
    location = forms.CharField(label=gettext_lazy("Địa điểm"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    chaired_by = forms.ModelChoiceField(label=pgettext_lazy("briefing", "Chủ trì"), queryset=User.objects.none(),
                                        widget=forms.Select(attrs=SELECT))  # fmt: skip
    agenda = forms.CharField(label=gettext_lazy("Nội dung, chương trình"), required=False, max_length=20000,
                             widget=forms.Textarea(attrs={**TEXT, "rows": 4}))  # fmt: skip
    participant_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Đơn vị dự họp"), queryset=Unit.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}),
    )  # fmt: skip
    participant_users = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Người dự họp"), queryset=User.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 8}),
    )  # fmt: skip
    is_public = forms.BooleanField(label=gettext_lazy("Công khai trên lịch công tác tuần"), required=False,
                                   initial=True, widget=forms.CheckboxInput(attrs=CHECK))  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.organiser_units(user)
        self.fields["unit"].queryset = units
        chairs = User.objects.none()
        for unit in units[:50]:
            chairs |= leaders_of(unit)
        self.fields["chaired_by"].queryset = User.objects.filter(pk__in=chairs.values("pk")).order_by("full_name")
        self.fields["chaired_by"].label_from_instance = _person
        self.fields["participant_units"].queryset = org.units_visible_to(user).filter(is_active=True).order_by("path")
        self.fields["participant_users"].queryset = org.staff_visible_to(user)
        self.fields["participant_users"].label_from_instance = _person


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=gettext_lazy("Biên bản cuộc họp"), max_length=100000,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 6}))  # fmt: skip


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do hủy"), max_length=500, widget=forms.TextInput(attrs=TEXT))


class ConclusionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Nội dung kết luận"), max_length=5000,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 3}))  # fmt: skip
    owner_unit = forms.ModelChoiceField(label=gettext_lazy("Đơn vị thực hiện"), queryset=Unit.objects.none(),
                                        required=False, widget=forms.Select(attrs=SELECT))  # fmt: skip
    owner_user = forms.ModelChoiceField(label=pgettext_lazy("task", "Người thực hiện"), queryset=User.objects.none(),
                                        required=False, widget=forms.Select(attrs=SELECT))  # fmt: skip
    deadline = forms.DateField(label=gettext_lazy("Thời hạn"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}))

    def __init__(self, *args, briefing: Briefing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = org.unit_subtree(briefing.unit).filter(is_active=True).order_by("path")
        self.fields["owner_user"].queryset = org.staff_visible_to(briefing.chaired_by, unit=briefing.unit)
        self.fields["owner_user"].label_from_instance = _person


def _attendance_marks(request, briefing: Briefing) -> list[tuple[int, bool, str]]:
    """One radio group per participant: "co-mat-<id>" = 1 (present) or 0 (absent), "ly-do-<id>" the reason."""
    marks = []
    for participant in briefing.participants.all():
        value = request.POST.get(f"co-mat-{participant.pk}", "")
        if value in ("0", "1"):
            marks.append((participant.pk, value == "1", request.POST.get(f"ly-do-{participant.pk}", "")))
    return marks


def _forms(request, briefing: Briefing, bound: str) -> dict:
    data = request.POST if bound else None
    if not selectors.can_manage(request.user, briefing):
        return {}
    status = Briefing.Status
    forms_ = {}
    if briefing.status in (status.PLANNED, status.HELD):
        forms_["minutes"] = MinutesForm(data if bound == "minutes" else None, initial={"minutes": briefing.minutes},
                                        prefix="bien-ban")  # fmt: skip
    if briefing.status == status.HELD:
        forms_["conclusion"] = ConclusionForm(data if bound == "conclusion" else None, briefing=briefing,
                                              prefix="ket-luan")  # fmt: skip
    if briefing.status == status.PLANNED and selectors.can_organise(request.user, briefing.unit):
        forms_["cancel"] = CancelForm(data if bound == "cancel" else None, prefix="huy")
    return forms_


def _take_step(request, briefing: Briefing, name: str, form) -> str:
    actor = request.user
    if name == "minutes":
        services.record_minutes(actor=actor, briefing=briefing, minutes=form.cleaned_data["minutes"])
        return _("Đã ghi biên bản cuộc họp.")
    if name == "conclusion":
        services.add_conclusion(actor=actor, briefing=briefing, **form.cleaned_data)
        return _("Đã thêm kết luận.")
    services.cancel_briefing(actor=actor, briefing=briefing, reason=form.cleaned_data["reason"])
    return _("Đã hủy cuộc họp.")


def _take_simple_step(request, briefing: Briefing, name: str) -> str | None:
    """The steps without a form: attendance, removing a conclusion, the notice, the tasks."""
    actor = request.user
    if name == "attendance":
        services.record_attendance(actor=actor, briefing=briefing, marks=_attendance_marks(request, briefing))
        return _("Đã ghi điểm danh.")
    if name == "remove-conclusion":
        conclusion = next((c for c in briefing.conclusions.all() if str(c.pk) == request.POST.get("ket-luan")), None)
        if conclusion is None:
            raise Http404
        services.remove_conclusion(actor=actor, conclusion=conclusion)
        return _("Đã xóa kết luận.")
    if name == "notice":
        briefing = services.issue_notice(actor=actor, briefing=briefing)
        return _("Đã ban hành Thông báo kết luận số %(number)s.") % {"number": briefing.notice_number}
    if name == "tasks":
        tasks = services.conclusions_to_tasks(actor=actor, briefing=briefing)
        return _("Đã giao %(count)d nhiệm vụ từ kết luận.") % {"count": len(tasks)}
    return None


@login_required
def briefing_list(request):
    status = request.GET.get("trang-thai", "")
    status = status if status in Briefing.Status.values else ""
    page = Paginator(selectors.briefings_for(request.user, status=status), 30).get_page(request.GET.get("trang"))
    return render(request, "work/briefings_list.html", {
        "page": page, "status": status, "statuses": Briefing.Status.choices,
        "can_schedule": selectors.organiser_units(request.user).exists(),
    })  # fmt: skip


@login_required
def briefing_new(request):
    if not selectors.organiser_units(request.user).exists():
        messages.error(request, _("Chỉ lãnh đạo đơn vị được lên lịch họp giao ban."))
        return redirect("work:briefings")
    form = BriefingForm(request.POST or None, user=request.user, initial={"is_public": True})
    if request.method == "POST" and form.is_valid():
        try:
            briefing = services.schedule_briefing(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã lên lịch cuộc họp; cuộc họp đã vào lịch công tác tuần."))
            return redirect("work:briefing", pk=briefing.pk)
    return render(request, "work/briefings_new.html", {"form": form}, status=400 if form.errors else 200)


def _edit_initial(briefing: Briefing) -> dict:
    participants = list(briefing.participants.all())
    return {
        "kind": briefing.kind, "title": briefing.title, "location": briefing.location, "agenda": briefing.agenda,
        "starts_at": timezone.localtime(briefing.starts_at), "ends_at": timezone.localtime(briefing.ends_at),
        "chaired_by": briefing.chaired_by, "participant_users": [p.user for p in participants if p.user],
        "participant_units": [p.unit for p in participants if p.unit and not p.user],
        "is_public": getattr(getattr(briefing, "schedule_entry", None), "is_public", True),
    }  # fmt: skip


@login_required
def briefing_edit(request, pk: int):
    briefing = selectors.briefing_for(request.user, pk)
    if briefing is None:
        raise Http404
    if briefing.status != Briefing.Status.PLANNED or not selectors.can_organise(request.user, briefing.unit):
        messages.error(request, _("Chỉ lãnh đạo đơn vị sửa được cuộc họp chưa diễn ra."))
        return redirect("work:briefing", pk=briefing.pk)
    form = BriefingForm(request.POST or None, user=request.user, initial=_edit_initial(briefing))
    del form.fields["unit"]
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_briefing(actor=request.user, briefing=briefing, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Đã sửa cuộc họp; lịch công tác tuần đã cập nhật."))
            return redirect("work:briefing", pk=briefing.pk)
    return render(request, "work/briefings_new.html", {"form": form, "briefing": briefing},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
def briefing_detail(request, pk: int):
    briefing = selectors.briefing_for(request.user, pk)
    if briefing is None:
        raise Http404
    bound = request.POST.get("hanh-dong", "") if request.method == "POST" else ""
    forms_ = _forms(request, briefing, bound if bound in ("minutes", "conclusion", "cancel") else "")
    error_status = 200
    if bound:
        try:
            if bound in ("minutes", "conclusion", "cancel"):
                form = forms_.get(bound)
                if form is None:
                    raise DomainError(_("Bạn không thể làm bước này với cuộc họp này."))
                if form.is_valid():
                    messages.success(request, _take_step(request, briefing, bound, form))
                    return redirect("work:briefing", pk=briefing.pk)
                error_status = 400
            else:
                message = _take_simple_step(request, briefing, bound)
                if message is None:
                    raise DomainError(_("Bạn không thể làm bước này với cuộc họp này."))
                messages.success(request, message)
                return redirect("work:briefing", pk=briefing.pk)
        except DomainError as error:
            form = forms_.get(bound)
            if form is not None and form.is_bound:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.error(request, error.message)
            error_status = error.status
            briefing = selectors.briefing_for(request.user, pk)
    conclusions = list(briefing.conclusions.all())
    return render(request, "work/briefings_detail.html", {
        "briefing": briefing, "forms": forms_, "bound": bound, "conclusions": conclusions,
        "participants": list(briefing.participants.all()),
        "can_manage": selectors.can_manage(request.user, briefing),
        "can_edit": briefing.status == Briefing.Status.PLANNED and selectors.can_organise(request.user, briefing.unit),
        "pending_tasks": briefing.status == Briefing.Status.CONCLUDED
        and any(not _has_task(c) for c in conclusions),
    }, status=error_status)  # fmt: skip


def _has_task(conclusion) -> bool:
    return hasattr(conclusion, "task")  # the reverse one-to-one raises (an AttributeError) when there is none


@login_required
def briefing_notice_pdf(request, pk: int):
    briefing = selectors.briefing_for(request.user, pk)
    if briefing is None or briefing.status != Briefing.Status.CONCLUDED:
        raise Http404
    return notice_response(briefing)


urlpatterns = [
    path("giao-ban/", briefing_list, name="briefings"),
    path("giao-ban/moi/", briefing_new, name="briefing-new"),
    path("giao-ban/<int:pk>/", briefing_detail, name="briefing"),
    path("giao-ban/<int:pk>/sua/", briefing_edit, name="briefing-edit"),
    path("giao-ban/<int:pk>/thong-bao-ket-luan.pdf", briefing_notice_pdf, name="briefing-notice-pdf"),
]
