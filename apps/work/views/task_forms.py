"""The forms of the task pages: the assignment and one form per step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.work.models import Task

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {**TEXT, "type": "date"}
ISO = "%Y-%m-%d"  # what an <input type="date"> reads and sends


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={**TEXT, "rows": rows})


def person_label(person) -> str:
    name = person.get_full_name() or person.get_username()
    unit_name = getattr(person, "unit_name", "")
    return f"{name} — {unit_name}" if unit_name else name


class AssignForm(forms.Form):
    title = forms.CharField(label=_("Tên nhiệm vụ"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    description = forms.CharField(label=_("Nội dung, yêu cầu"), max_length=10000, required=False, widget=_area(4))
    unit = forms.TypedChoiceField(label=_("Đơn vị thực hiện"), coerce=int, widget=forms.Select(attrs=SELECT))
    assignee = forms.TypedChoiceField(label=_("Cán bộ thực hiện"), coerce=int, required=False, empty_value=None,
                                      widget=forms.Select(attrs={**SELECT, "id": "id_assignee"}))  # fmt: skip
    deadline = forms.DateField(label=_("Thời hạn (ngày)"), required=False,
                               widget=forms.DateInput(attrs=DATE, format=ISO),
                               help_text=_("Hoặc nhập số ngày làm việc bên dưới."))  # fmt: skip
    working_days = forms.IntegerField(label=_("Hoặc số ngày làm việc"), required=False, min_value=1, max_value=365,
                                      widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    priority = forms.ChoiceField(label=_("Mức độ"), choices=Task.Priority.choices, initial=Task.Priority.NORMAL,
                                 widget=forms.Select(attrs=SELECT))  # fmt: skip
    document_reference = forms.CharField(label=_("Căn cứ văn bản"), max_length=300, required=False,
                                         widget=forms.TextInput(attrs=TEXT))  # fmt: skip

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.people = {person.pk: person for person in people}
        self.fields["unit"].choices = [("", "—")] + [(unit.pk, unit.name) for unit in units]
        self.fields["assignee"].choices = [("", _("— Giao cho đơn vị (không giao cho người) —"))] + [
            (person.pk, person_label(person)) for person in people
        ]

    def clean(self):
        data = super().clean()
        if not data.get("deadline") and not data.get("working_days"):
            self.add_error("deadline", _("Nhập thời hạn: một ngày cụ thể hoặc số ngày làm việc."))
        elif data.get("deadline") and data.get("working_days"):
            self.add_error("working_days", _("Chỉ nhập một trong hai: ngày cụ thể hoặc số ngày làm việc."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"], "description": data["description"], "unit": self.units[data["unit"]],
            "assignee": self.people.get(data["assignee"]) if data["assignee"] else None,
            "deadline": data["deadline"], "working_days": data["working_days"], "priority": data["priority"],
            "document_reference": data["document_reference"],
        }  # fmt: skip


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100,
                                 widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    note = forms.CharField(label=_("Nội dung báo cáo"), max_length=5000, widget=_area())
    file = forms.FileField(label=_("Tệp kèm theo (PDF, ảnh)"), required=False,
                           widget=forms.ClearableFileInput(attrs=TEXT))  # fmt: skip


class ExtensionForm(forms.Form):
    proposed_deadline = forms.DateField(
        label=_("Đề nghị gia hạn đến ngày"), widget=forms.DateInput(attrs=DATE, format=ISO)
    )
    reason = forms.CharField(label=_("Lý do"), max_length=5000, widget=_area())


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Quyết định"), coerce=lambda value: value == "1",
                                     choices=[("1", _("Đồng ý gia hạn")), ("0", _("Không đồng ý"))],
                                     widget=forms.RadioSelect)  # fmt: skip
    granted_deadline = forms.DateField(label=_("Gia hạn đến ngày (bỏ trống: theo đề nghị)"), required=False,
                                       widget=forms.DateInput(attrs=DATE, format=ISO))  # fmt: skip
    note = forms.CharField(label=_("Ý kiến"), max_length=5000, required=False, widget=_area(2))


class CompleteForm(forms.Form):
    product = forms.CharField(label=_("Sản phẩm, kết quả"), max_length=5000, widget=_area())
    file = forms.FileField(label=_("Tệp sản phẩm (PDF, ảnh)"), required=False,
                           widget=forms.ClearableFileInput(attrs=TEXT))  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến"), max_length=5000, required=False, widget=_area(2))


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("Yêu cầu làm tiếp"), max_length=5000, widget=_area(2))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=5000, widget=_area(2))


class ReassignForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị thực hiện mới"), coerce=int, widget=forms.Select(attrs=SELECT))
    assignee = forms.TypedChoiceField(label=_("Cán bộ thực hiện mới"), coerce=int, required=False, empty_value=None,
                                      widget=forms.Select(attrs=SELECT))  # fmt: skip
    note = forms.CharField(label=_("Ghi chú"), max_length=5000, required=False, widget=_area(2))

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.people = {person.pk: person for person in people}
        self.fields["unit"].choices = [("", "—")] + [(unit.pk, unit.name) for unit in units]
        self.fields["assignee"].choices = [("", _("— Giao cho đơn vị —"))] + [
            (person.pk, person_label(person)) for person in people
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"unit": self.units[data["unit"]], "note": data["note"],
                "assignee": self.people.get(data["assignee"]) if data["assignee"] else None}  # fmt: skip
