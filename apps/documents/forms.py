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


# Handling of incoming documents: a party is a unit ("u:<id>") or a person ("p:<id>") in one list of choices.
def _person_label(person) -> str:
    name = person.get_full_name() or person.get_username()
    unit_name = getattr(person, "unit_name", "")
    return f"{name} — {unit_name}" if unit_name else name


def holder_choices(units, people) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (_("Đơn vị"), [(f"u:{unit.pk}", unit.name) for unit in units]),
        (_("Cán bộ"), [(f"p:{person.pk}", _person_label(person)) for person in people]),
    ]


def holder_of(value: str, units, people):
    """The unit or person a choice value names (the choices were built from the same lists)."""
    kind, _sep, pk = value.partition(":")
    pool = units if kind == "u" else people if kind == "p" else []
    return next((holder for holder in pool if str(holder.pk) == pk), None)


class HolderFormMixin:
    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units, self.people = list(units), list(people)
        choices = holder_choices(self.units, self.people)
        for field in self.fields.values():
            if getattr(field, "holder", False):
                field.choices = ([("", "—")] if not isinstance(field, forms.MultipleChoiceField) else []) + choices

    def holder(self, value: str):
        return holder_of(value, self.units, self.people)


class HolderChoiceField(forms.ChoiceField):
    holder = True


class HoldersChoiceField(forms.MultipleChoiceField):
    holder = True


class AssignForm(HolderFormMixin, forms.Form):
    lead = HolderChoiceField(label=_("Chủ trì xử lý"), widget=forms.Select(attrs=SELECT),
                             error_messages={"required": _("Hãy chọn đơn vị hoặc người chủ trì xử lý.")})  # fmt: skip
    co_handlers = HoldersChoiceField(label=_("Phối hợp"), required=False,
                                     widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}))  # fmt: skip
    informed = HoldersChoiceField(label=_("Để biết"), required=False,
                                  widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}))  # fmt: skip
    working_days = forms.IntegerField(
        label=_("Thời hạn (số ngày làm việc)"), min_value=1, max_value=180, initial=10,
        widget=forms.NumberInput(attrs={**TEXT, "min": 1, "max": 180}),
        error_messages={"required": _("Hãy ghi số ngày làm việc."),
                        "min_value": _("Thời hạn xử lý là số ngày làm việc từ 1 đến 180."),
                        "max_value": _("Thời hạn xử lý là số ngày làm việc từ 1 đến 180."),
                        "invalid": _("Hãy ghi một số nguyên ngày làm việc.")},
    )  # fmt: skip
    instruction = forms.CharField(label=_("Ý kiến chỉ đạo"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={**TEXT, "rows": 3}))  # fmt: skip

    def clean(self):
        data = super().clean()
        chosen = [data.get("lead"), *data.get("co_handlers", []), *data.get("informed", [])]
        chosen = [value for value in chosen if value]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(
                _("Mỗi đơn vị, người chỉ được chọn một vai trò (chủ trì, phối hợp hoặc để biết).")
            )
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "lead": self.holder(data["lead"]), "co_handlers": [self.holder(v) for v in data["co_handlers"]],
            "informed": [self.holder(v) for v in data["informed"]], "working_days": data["working_days"],
            "instruction": data["instruction"],
        }  # fmt: skip


class ForwardForm(HolderFormMixin, forms.Form):
    to = HolderChoiceField(label=_("Chuyển cho"), widget=forms.Select(attrs=SELECT),
                           error_messages={"required": _("Hãy chọn đơn vị hoặc người nhận.")})  # fmt: skip
    note = forms.CharField(label=_("Ghi chú khi chuyển"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip


FILE_INPUT = {"class": "form-control", "accept": "application/pdf,image/jpeg,image/png"}


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Nội dung báo cáo tiến độ"), max_length=5000,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
                           error_messages={"required": _("Hãy ghi nội dung báo cáo tiến độ.")})  # fmt: skip
    file = forms.FileField(label=_("Tệp kèm theo (PDF, JPEG, PNG)"), required=False,
                           widget=forms.ClearableFileInput(attrs=FILE_INPUT))  # fmt: skip


class ReplyForm(forms.Form):
    outgoing = forms.TypedChoiceField(label=_("Văn bản đi trả lời"), coerce=int, required=False, empty_value=None,
                                      widget=forms.Select(attrs=SELECT))  # fmt: skip
    file = forms.FileField(label=_("Hoặc tệp văn bản trả lời (PDF, JPEG, PNG)"), required=False,
                           widget=forms.ClearableFileInput(attrs=FILE_INPUT))  # fmt: skip
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["outgoing"].choices = [("", "—")] + [
            (d.pk, f"{d.symbol} — {d.summary[:80]}") for d in self.candidates
        ]

    def clean(self):
        data = super().clean()
        if not data.get("outgoing") and not data.get("file"):
            raise forms.ValidationError(_("Hãy chọn văn bản đi trả lời hoặc tải tệp văn bản trả lời."))
        return data

    def chosen_outgoing(self):
        return next((d for d in self.candidates if d.pk == self.cleaned_data.get("outgoing")), None)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}))  # fmt: skip


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Lý do mở lại"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                           error_messages={"required": _("Hãy ghi lý do mở lại.")})  # fmt: skip


class ScanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bản quét (PDF, JPEG hoặc PNG, tối đa 10 MB)"),
        error_messages={"required": _("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG)."),
                        "empty": _("Tệp bản quét rỗng."), "invalid": _("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG).")},
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": "application/pdf,image/jpeg,image/png",
                                               "data-max-size": 10 * 1024 * 1024,
                                               "data-size-message": _("Tệp quá lớn (tối đa 10 MB).")}),
    )  # fmt: skip


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
