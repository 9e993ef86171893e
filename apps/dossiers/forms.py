from django import forms
from django.utils.translation import gettext_lazy as _

from apps.dossiers.models import Dossier, Rating

TEXT = {"class": "form-control"}


class ApplicantForm(forms.Form):
    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"),
        choices=Dossier.ApplicantKind.choices,
        initial="person",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    applicant_name = forms.CharField(
        label=_("Họ và tên / tên tổ chức"),
        max_length=255,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "name"}),
    )
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân (12 số) / mã số thuế"),
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.CharField(
        label=_("Thư điện tử (không bắt buộc)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
    )
    applicant_address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=500,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "street-address"}),
    )
    representative = forms.CharField(
        label=_("Người được ủy quyền (nếu có)"), max_length=255, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    representative_id_number = forms.CharField(
        label=_("Số định danh người được ủy quyền"), max_length=20, required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
    )  # fmt: skip
    representative_phone = forms.CharField(
        label=_("Điện thoại người được ủy quyền"), max_length=20, required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel"}),
    )  # fmt: skip
    representative_address = forms.CharField(
        label=_("Địa chỉ người được ủy quyền"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    request_summary = forms.CharField(
        label=_("Nội dung yêu cầu"), required=False, max_length=4000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    home_service = forms.BooleanField(
        label=_("Phục vụ tại nhà (người cao tuổi, người khuyết tật)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    home_service_address = forms.CharField(
        label=_("Địa chỉ phục vụ tại nhà"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    delivery = forms.ChoiceField(
        label=_("Nhận kết quả"), choices=Dossier.Delivery.choices, widget=forms.Select(attrs={"class": "form-select"})
    )

    APPLICANT_FIELDS = ("applicant_kind", "applicant_name", "applicant_id_number", "applicant_phone",
                        "applicant_email", "applicant_address", "representative", "representative_id_number",
                        "representative_phone", "representative_address")  # fmt: skip

    def applicant(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.APPLICANT_FIELDS}

    def extra(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("request_summary", "home_service", "home_service_address", "delivery")
        }


class WalkInForm(ApplicantForm):
    channel = forms.ChoiceField(
        label=_("Kênh nộp"),
        choices=[(Dossier.Channel.DESK, _("Trực tiếp")), (Dossier.Channel.POST, _("Qua bưu chính"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sets = forms.IntegerField(
        label=_("Số bộ hồ sơ"), min_value=1, max_value=20, initial=1, widget=forms.NumberInput(attrs=TEXT)
    )
    items = forms.CharField(
        label=_("Giấy tờ cần bổ sung (để trống: các giấy tờ chưa đánh dấu ở trên)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )
    reason = forms.CharField(
        label=_("Lý do (ghi trên phiếu)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )


class ActionForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến xử lý"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    items = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    further_reason = forms.CharField(
        label=_("Lý do yêu cầu bổ sung thêm lần nữa (lãnh đạo ghi)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )


class RatingForm(forms.Form):
    overall = forms.ChoiceField(
        label=_("Mức độ hài lòng chung"), choices=Rating.Level.choices, widget=forms.RadioSelect
    )
    politeness = forms.ChoiceField(
        label=_("Thái độ phục vụ của cán bộ"), choices=Rating.Level.choices, widget=forms.RadioSelect
    )
    timeliness = forms.ChoiceField(
        label=_("Thời gian giải quyết"), choices=Rating.Level.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
