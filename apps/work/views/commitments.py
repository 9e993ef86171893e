"""The pages of commitments: the list (mine, signed to me, and those of the units I see), a new commitment with
its target rows, one commitment with its targets, where it stands, and the steps of the signer and the superior;
and, on the public site, the units' service charters with their standing (no personal data).

The commitment page takes every step as a POST with `hanh-dong` naming it; a refused or invalid step shows the
page again with what was typed, a good one redirects back to it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.work.models import Commitment, CommitmentTarget, Metric, PeriodKind
from apps.work.selectors import commitments as selectors
from apps.work.services import commitments as services

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
TARGET_ROWS = 6
NO_METRIC = [("", gettext_lazy("— Chỉ tiêu tự do (cấp trên đánh giá) —"))]
NO_COMPARISON = [("", "—")]


class CommitmentForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int, widget=forms.Select(attrs=SELECT))
    kind = forms.ChoiceField(label=gettext_lazy("Loại cam kết"), choices=Commitment.Kind.choices,
                             widget=forms.Select(attrs=SELECT))  # fmt: skip
    title = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    superior = forms.TypedChoiceField(label=gettext_lazy("Cam kết với (cấp trên)"), coerce=int,
                                      widget=forms.Select(attrs=SELECT))  # fmt: skip
    period_kind = forms.ChoiceField(label=gettext_lazy("Kỳ"), choices=PeriodKind.choices,
                                    widget=forms.Select(attrs=SELECT))  # fmt: skip
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    number = forms.IntegerField(label=gettext_lazy("Số của kỳ (6 tháng 1–2, quý 1–4, tháng 1–12)"), min_value=1,
                                max_value=12, initial=1, widget=forms.NumberInput(attrs=TEXT))  # fmt: skip

    def __init__(self, *args, units=(), superiors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.superiors = {user.pk: user for user in superiors}
        self.fields["unit"].choices = [(pk, unit.name) for pk, unit in self.units.items()]
        self.fields["superior"].choices = [(pk, str(user)) for pk, user in self.superiors.items()]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "unit": self.units[data["unit"]], "superior": self.superiors[data["superior"]], "kind": data["kind"],
            "title": data["title"], "period_kind": data["period_kind"], "year": data["year"], "number": data["number"],
        }  # fmt: skip


class TargetForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Nội dung chỉ tiêu"), max_length=2000, required=False,
                           widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    metric = forms.ChoiceField(label=gettext_lazy("Gắn với chỉ số"), choices=NO_METRIC + Metric.choices,
                               required=False, widget=forms.Select(attrs=SELECT))  # fmt: skip
    comparison = forms.ChoiceField(label=gettext_lazy("So sánh"),
                                   choices=NO_COMPARISON + CommitmentTarget.Comparison.choices, required=False,
                                   widget=forms.Select(attrs=SELECT))  # fmt: skip
    target_value = forms.DecimalField(label=gettext_lazy("Mức"), max_digits=12, decimal_places=2, required=False,
                                      widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}))  # fmt: skip

    def is_empty(self) -> bool:
        data = self.cleaned_data
        return not (data.get("text") or data.get("metric") or data.get("target_value") is not None)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"text": data["text"], "metric": data["metric"], "comparison": data["comparison"],
                "target_value": data["target_value"]}  # fmt: skip


class ReviewForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    met = forms.TypedChoiceField(label=gettext_lazy("Kết quả"), coerce=lambda value: value == "1",
                                 choices=[("1", gettext_lazy("Đạt")), ("0", gettext_lazy("Không đạt"))],
                                 widget=forms.Select(attrs=SELECT))  # fmt: skip
    note = forms.CharField(label=gettext_lazy("Nhận xét"), max_length=2000, required=False,
                           widget=forms.TextInput(attrs=TEXT))  # fmt: skip


class RemoveTargetForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)


class EvaluateForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Nhận xét chung"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip


class EmptyForm(forms.Form):
    pass


# -- staff pages ------------------------------------------------------------------------------------------------


@login_required
def commitment_list(request):
    year = request.GET.get("nam", "")
    status = request.GET.get("trang-thai", "")
    year_value = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    status_value = status if status in Commitment.Status.values else ""
    rows = selectors.commitment_list(request.user, year=year_value, status=status_value)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "work/commitments_list.html", {
        "mine": selectors.my_commitments(request.user), "page": page, "year": year_value, "status": status_value,
        "statuses": Commitment.Status.choices, "can_draft": selectors.draft_units_for(request.user).exists(),
    })  # fmt: skip


def _target_forms(data=None) -> list[TargetForm]:
    return [TargetForm(data, prefix=f"chi-tieu-{index}") for index in range(TARGET_ROWS)]


def _draft_with_targets(request, form: CommitmentForm, target_forms: list[TargetForm]) -> Commitment | None:
    """The draft and its targets in one transaction: a refused target leaves nothing behind."""
    try:
        with transaction.atomic():
            commitment = services.draft_commitment(actor=request.user, **form.service_arguments())
            for target_form in target_forms:
                if target_form.is_empty():
                    continue
                try:
                    services.add_target(actor=request.user, commitment=commitment,
                                        **target_form.service_arguments())  # fmt: skip
                except DomainError as error:
                    _add_error(target_form, error)
                    raise
    except DomainError as error:
        if not any(f.errors for f in target_forms):
            _add_error(form, error)
        return None
    return commitment


@login_required
def commitment_new(request):
    units = list(selectors.draft_units_for(request.user))
    if not units:
        raise Http404
    superiors = list(selectors.superior_candidates(request.user))
    data = request.POST if request.method == "POST" else None
    initial = {"year": timezone.localdate().year, "number": 1}
    form = CommitmentForm(data, units=units, superiors=superiors, initial=initial)
    target_forms = _target_forms(data)
    if data is not None and form.is_valid() and all(f.is_valid() for f in target_forms):
        commitment = _draft_with_targets(request, form, target_forms)
        if commitment is not None:
            messages.success(request, _("Đã lưu dự thảo bản cam kết. Kiểm tra lại rồi ký."))
            return redirect("work:commitment", pk=commitment.pk)
    return render(request, "work/commitments_new.html", {"form": form, "target_forms": target_forms},
                  status=400 if data is not None else 200)  # fmt: skip


def _add_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _forms(request, commitment: Commitment, bound: str) -> dict:
    """The steps the user may take on this commitment: the one named by `bound` carries the POST."""
    data = request.POST if bound else None
    user = request.user
    is_signer, is_superior = user == commitment.signer, user == commitment.superior
    Status = Commitment.Status
    forms_ = {}

    def add(name: str, form_class):
        forms_[name] = form_class(data if bound == name else None, prefix=name)

    if is_signer and commitment.status == Status.DRAFT:
        forms_["edit"] = CommitmentForm(
            data if bound == "edit" else None, prefix="edit", units=[commitment.unit],
            superiors=selectors.superior_candidates(user), initial=_header_of(commitment),
        )  # fmt: skip
        add("add_target", TargetForm)
        add("remove_target", RemoveTargetForm)
        add("sign", EmptyForm)
    if is_superior and commitment.status != Status.DRAFT and not commitment.result:
        add("review", ReviewForm)
    if is_superior and commitment.status == Status.SIGNED and selectors.period_has_ended(commitment):
        add("evaluate", EvaluateForm)
    if is_superior and commitment.kind == Commitment.Kind.CHARTER and commitment.status != Status.DRAFT:
        add("public", EmptyForm)
    return forms_


def _header_of(commitment: Commitment) -> dict:
    return {"unit": commitment.unit_id, "kind": commitment.kind, "title": commitment.title,
            "superior": commitment.superior_id, "period_kind": commitment.period_kind, "year": commitment.year,
            "number": commitment.number}  # fmt: skip


def _target_of(commitment: Commitment, pk: int) -> CommitmentTarget:
    for target in commitment.targets.all():
        if target.pk == pk:
            return target
    raise DomainError(_("Chỉ tiêu không thuộc bản cam kết này."))


def _take_step(request, commitment: Commitment, name: str, form) -> str:
    data, user = form.cleaned_data, request.user
    if name == "edit":
        arguments = form.service_arguments()
        arguments.pop("unit")
        services.edit_commitment(actor=user, commitment=commitment, **arguments)
        return _("Đã lưu bản cam kết.")
    if name == "add_target":
        if form.is_empty():
            raise DomainError(_("Nhập nội dung chỉ tiêu cam kết."), field="text")
        services.add_target(actor=user, commitment=commitment, **form.service_arguments())
        return _("Đã thêm chỉ tiêu.")
    if name == "remove_target":
        services.remove_target(actor=user, target=_target_of(commitment, data["target"]))
        return _("Đã bỏ chỉ tiêu.")
    if name == "sign":
        services.sign_commitment(actor=user, commitment=commitment)
        return _("Đã ký bản cam kết; cấp trên đã được báo.")
    if name == "review":
        services.review_target(actor=user, target=_target_of(commitment, data["target"]), met=data["met"],
                               note=data["note"])  # fmt: skip
        return _("Đã ghi đánh giá chỉ tiêu.")
    if name == "evaluate":
        services.evaluate_commitment(actor=user, commitment=commitment, note=data["note"])
        return _("Đã đánh giá bản cam kết theo số liệu của kỳ.")
    services.set_public(actor=user, commitment=commitment, is_public=not commitment.is_public)
    return _("Đã công khai trên cổng thông tin.") if not commitment.is_public else _("Đã thôi công khai.")


@login_required
def commitment_detail(request, pk: int):
    commitment = selectors.commitment_detail(request.user, pk)
    if commitment is None:
        raise Http404
    bound = request.POST.get("hanh-dong", "") if request.method == "POST" else ""
    forms_ = _forms(request, commitment, bound)
    if bound:
        form = forms_.get(bound)
        if form is None:
            messages.error(request, _("Bạn không thể làm bước này với bản cam kết này."))
            return redirect("work:commitment", pk=commitment.pk)
        if form.is_valid():
            try:
                messages.success(request, _take_step(request, commitment, bound, form))
            except DomainError as error:
                _add_error(form, error)
            else:
                return redirect("work:commitment", pk=commitment.pk)
    return render(request, "work/commitments_detail.html", {
        "commitment": commitment, "standing": selectors.standing(commitment),
        "period_label": selectors.period_label(commitment), "forms": forms_, "bound": bound,
        "rate_metrics": sorted(selectors.RATE_METRICS),
    }, status=400 if bound else 200)  # fmt: skip


# -- public pages -----------------------------------------------------------------------------------------------


def public_units(request):
    return render(request, "work/commitments_public_units.html", {"units": selectors.public_units()})


def public_unit(request, unit_pk: int):
    unit = get_object_or_404(selectors.public_units(), pk=unit_pk)
    rows = [
        {"commitment": c, "standing": selectors.standing(c), "period_label": selectors.period_label(c)}
        for c in selectors.public_commitments(unit)
    ]
    return render(request, "work/commitments_public_unit.html", {
        "unit": unit, "rows": rows, "rate_metrics": sorted(selectors.RATE_METRICS),
    })  # fmt: skip


urlpatterns = [
    path("cam-ket/", commitment_list, name="commitments"),
    path("cam-ket/moi/", commitment_new, name="commitment-new"),
    path("cam-ket/<int:pk>/", commitment_detail, name="commitment"),
]
public_urlpatterns = [
    path("cam-ket-phuc-vu/", public_units, name="commitment-units"),
    path("cam-ket-phuc-vu/<int:unit_pk>/", public_unit, name="commitment-unit"),
]
