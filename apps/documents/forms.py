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


class ScanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bản quét (PDF, JPEG hoặc PNG, tối đa 10 MB)"),
        error_messages={"required": _("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG)."),
                        "empty": _("Tệp bản quét rỗng."), "invalid": _("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG).")},
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": "application/pdf,image/jpeg,image/png",
                                               "data-max-size": 10 * 1024 * 1024,
                                               "data-size-message": _("Tệp quá lớn (tối đa 10 MB).")}),
    )  # fmt: skip
