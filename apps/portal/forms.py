from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from apps.calendar.models import CalendarOverride


class OverrideForm(forms.Form):
    date = forms.DateField(
        label=_("Ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy)."), "required": _("Hãy chọn ngày.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại ngày"), choices=CalendarOverride.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Ghi chú"), max_length=255, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=500, required=False,
        help_text=_("Bắt buộc với ngày nghỉ riêng của xã, phường hoặc cơ quan: số, ký hiệu, ngày của văn bản."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip


class DeadlineForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Thời điểm không hợp lệ.")},
    )
    days = forms.DecimalField(
        label=_("Số ngày làm việc"),
        min_value=Decimal("0.5"),
        max_value=365,
        decimal_places=1,
        error_messages={"min_value": _("Tối thiểu 0,5 ngày.")},
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if (days * 2) % 1:
            raise forms.ValidationError(_("Số ngày phải là bội số của 0,5."))
        return days


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ quản trị hệ thống."),
    }
