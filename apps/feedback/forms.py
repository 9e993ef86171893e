from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError
from apps.feedback.models import Category, Feedback, FeedbackRating
from apps.feedback.validation import clean_contact

TEXT = {"class": "form-control"}


class FeedbackForm(forms.Form):
    """Citizens' web form and the operator's call form (which adds the channel)."""

    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True), label=_("Loại phản ánh"), empty_label=_("— chọn —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    title = forms.CharField(label=_("Tiêu đề"), max_length=255, widget=forms.TextInput(attrs=TEXT))
    content = forms.CharField(label=_("Nội dung"), max_length=10000, widget=forms.Textarea(attrs={**TEXT, "rows": 5}))
    dossier = forms.CharField(
        label=_("Mã hồ sơ liên quan (nếu có)"), max_length=40, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    address = forms.CharField(
        label=_("Địa điểm (nếu có)"), max_length=500, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    contact_name = forms.CharField(
        label=_("Họ và tên (không bắt buộc)"), max_length=150, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    contact_phone = forms.CharField(
        label=_("Số điện thoại (để nhận trả lời, mở lại phản ánh)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    contact_email = forms.CharField(
        label=_("Thư điện tử (không bắt buộc)"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
    )  # fmt: skip

    def clean(self):
        """Every problem at once (the service stops at the first): lengths here, contact through its validator."""
        data = super().clean()
        if len(data.get("title", "").strip()) < 5:
            self.add_error("title", _("Vui lòng nhập tiêu đề (ít nhất 5 ký tự)."))
        if len(data.get("content", "").strip()) < 10:
            self.add_error("content", _("Vui lòng mô tả nội dung phản ánh (ít nhất 10 ký tự)."))
        for name in ("contact_phone", "contact_email"):
            try:
                clean_contact({name: data.get(name, "")})
            except DomainError as error:
                self.add_error(name, error.message)
        return data

    def contact(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("contact_name", "contact_phone", "contact_email")}


class CallForm(FeedbackForm):
    channel = forms.ChoiceField(
        label=_("Kênh"), initial=Feedback.Channel.HOTLINE, widget=forms.Select(attrs={"class": "form-select"}),
        choices=[(c, label) for c, label in Feedback.Channel.choices if c != Feedback.Channel.OPEN311],
    )  # fmt: skip
    field_order = ["contact_phone", "channel", "category", "title", "content", "contact_name", "dossier", "address"]


class RateForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Ông/Bà có hài lòng với câu trả lời?"), choices=FeedbackRating.Level.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Góp ý thêm"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )


class RateByPhoneForm(RateForm):
    """Rating from the public page by code: the phone given when sending proves the rater is the sender."""

    phone = forms.CharField(
        label=_("Số điện thoại đã dùng khi gửi"), max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Người gửi không để lại số điện thoại: hãy dùng đường dẫn đánh giá nhận kèm câu trả lời."),
    )  # fmt: skip


class ReopenForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại đã dùng khi gửi"), max_length=20, widget=forms.TextInput(attrs=TEXT))
    reason = forms.CharField(
        label=_("Lý do chưa đồng ý"), max_length=5000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
