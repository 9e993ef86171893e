from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.documents.models import Confidentiality, DocType, Urgency

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class IncomingForm(forms.Form):
    issuer_name = forms.CharField(label=_("Cơ quan ban hành (tác giả)"), max_length=255,
                                  widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    number_symbol = forms.CharField(label=_("Số, ký hiệu văn bản"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    issued_date = forms.DateField(label=_("Ngày văn bản"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocType.choices, widget=forms.Select(attrs=SELECT))
    summary = forms.CharField(label=_("Trích yếu nội dung"), max_length=5000,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 3}))  # fmt: skip
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, widget=forms.Select(attrs=SELECT))
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices,
                                        widget=forms.Select(attrs=SELECT))  # fmt: skip
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip

    def clean_issued_date(self):
        day = self.cleaned_data["issued_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày văn bản không thể sau ngày đến."))
        return day


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Loại văn bản"), choices=DocType.choices, widget=forms.Select(attrs=SELECT))
    summary = forms.CharField(label=_("Trích yếu nội dung"), max_length=5000,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 3}))  # fmt: skip
    drafting_unit = forms.TypedChoiceField(label=_("Đơn vị soạn thảo"), coerce=int, required=False, empty_value=None,
                                           widget=forms.Select(attrs=SELECT))  # fmt: skip
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False,
                                      widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    signer_name = forms.CharField(label=_("Người ký"), max_length=150, required=False,
                                  widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    recipients = forms.CharField(label=_("Nơi nhận"), max_length=5000, required=False,
                                 widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, widget=forms.Select(attrs=SELECT))
    confidentiality = forms.ChoiceField(label=_("Độ mật"), choices=Confidentiality.choices,
                                        widget=forms.Select(attrs=SELECT))  # fmt: skip

    def __init__(self, *args, divisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafting_unit"].choices = [("", "—")] + [(unit.pk, unit.name) for unit in divisions]


def _status_choices():
    from apps.documents.models import IncomingDocument, OutgoingDocument

    return [("", _("Mọi trạng thái")), *OutgoingDocument.Status.choices, *IncomingDocument.Handling.choices]


class SearchForm(forms.Form):
    """The search page's box and filters (GET); a bad value is shown with its message, the rest kept."""

    q = forms.CharField(
        label=_("Tìm văn bản"), max_length=200, required=False,
        widget=forms.TextInput(attrs={**TEXT, "type": "search", "placeholder": _("Số, ký hiệu, trích yếu, nội dung…")}),
    )  # fmt: skip
    so = forms.ChoiceField(
        label=_("Sổ"), required=False, widget=forms.Select(attrs=SELECT),
        choices=[("", _("Cả hai sổ")), ("den", _("Văn bản đến")), ("di", _("Văn bản đi"))],
    )  # fmt: skip
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=1900, max_value=9999,
                             widget=forms.NumberInput(attrs=TEXT),
                             error_messages={"invalid": _("Năm phải là một số, ví dụ 2026.")})  # fmt: skip
    loai = forms.ChoiceField(label=_("Loại văn bản"), required=False, widget=forms.Select(attrs=SELECT),
                             choices=[("", _("Mọi loại")), *DocType.choices])  # fmt: skip
    co_quan = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False,
                              widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    do_khan = forms.ChoiceField(label=_("Độ khẩn"), required=False, widget=forms.Select(attrs=SELECT),
                                choices=[("", _("Mọi độ khẩn")), *Urgency.choices])  # fmt: skip
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False, widget=forms.Select(attrs=SELECT),
                                   choices=_status_choices)  # fmt: skip

    def search_arguments(self) -> dict:
        data = self.cleaned_data
        return {"register": {"den": "in", "di": "out"}.get(data.get("so") or ""), "year": data.get("nam"),
                "doc_type": data.get("loai") or None, "issuer": data.get("co_quan") or None,
                "urgency": data.get("do_khan") or None, "status": data.get("trang_thai") or None}  # fmt: skip
