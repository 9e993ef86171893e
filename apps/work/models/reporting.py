"""The reporting regime (chế độ báo cáo, Decree 09/2019/NĐ-CP): a superior unit asks its subordinate units for a
report, periodic (monthly, quarterly, half-year, yearly: one cycle per period, due on a given day) or ad hoc (one
cycle), with a form of typed fields. Each unit's submission goes draft → submitted → (returned → submitted) →
accepted. The figures period of a cycle follows Decree 09/2019: a month runs from the 15th of the previous month
to the 14th, the half-year from 15/12 to 14/06, the year from 15/12 to 14/12 (DOMAIN.md). A number field can be
pre-filled from a figure the system computes (apps.work.models.Metric); it is marked as such."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.files import GeneratedName
from apps.org.models import Unit
from apps.work.models.common import Metric, Outcome, PeriodKind

__all__ = ["ReportCycle", "ReportField", "ReportRequest", "ReportSubmission", "ReportValue"]


class ReportRequest(models.Model):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Định kỳ")
        AD_HOC = "ad_hoc", _("Đột xuất")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang áp dụng")
        CLOSED = "closed", _("Đã dừng")

    title = models.CharField(_("tên báo cáo"), max_length=500)
    instructions = models.TextField(_("hướng dẫn"), blank=True)
    from_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị yêu cầu"), on_delete=models.PROTECT, related_name="+")
    recipients = models.ManyToManyField(Unit, verbose_name=_("đơn vị báo cáo"), related_name="+")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    # Periodic: one cycle per period of `frequency`, due on `due_day` of the month after the figures period ends
    # (e.g. monthly, due day 20: the figures to the 14th, due the 20th of that month).
    frequency = models.CharField(_("tần suất"), max_length=10, choices=PeriodKind.choices, blank=True)
    due_day = models.PositiveSmallIntegerField(_("hạn nộp ngày"), null=True, blank=True)
    starts_on = models.DateField(_("áp dụng từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ad_hoc") | (~Q(frequency="") & Q(due_day__gte=1, due_day__lte=31)),
                name="work_periodic_report_has_rule",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportField(models.Model):
    class Kind(models.TextChoices):
        NUMBER = "number", _("Số")
        TEXT = "text", pgettext_lazy("report field kind", "Văn bản")
        CHOICE = "choice", _("Lựa chọn")
        FILE = "file", _("Tệp đính kèm")

    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="fields")
    order = models.PositiveSmallIntegerField(_("số thứ tự"))
    label = models.CharField(_("chỉ tiêu"), max_length=300)
    kind = models.CharField(_("kiểu"), max_length=10, choices=Kind.choices)
    measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    choices = models.JSONField(_("các lựa chọn"), default=list, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    help_text = models.CharField(_("hướng dẫn"), max_length=500, blank=True)
    prefill = models.CharField(_("lấy từ số liệu hệ thống"), max_length=30, choices=Metric.choices, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu báo cáo")
        verbose_name_plural = _("chỉ tiêu báo cáo")
        ordering = ["request", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="work_field_order_unique")]

    def __str__(self) -> str:
        return self.label


class ReportCycle(models.Model):
    """One occurrence of a request: the figures period and the due moment."""

    request = models.ForeignKey(ReportRequest, on_delete=models.CASCADE, related_name="cycles")
    label = models.CharField(_("kỳ báo cáo"), max_length=100)
    period_start = models.DateField(_("số liệu từ ngày"))
    period_end = models.DateField(_("số liệu đến ngày"))
    deadline = models.DateField(_("hạn nộp"))
    due_at = models.DateTimeField(_("hạn nộp (thời điểm)"))

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["request", "period_start", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "period_start"], name="work_cycle_one_per_period")]
        indexes = [models.Index(fields=["due_at"], name="work_cycle_due")]

    def __str__(self) -> str:
        return f"{self.request} — {self.label}"


class ReportSubmission(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("report", "Chưa nộp")
        SUBMITTED = "submitted", _("Đã nộp")
        RETURNED = "returned", _("Trả lại để hoàn thiện")
        ACCEPTED = "accepted", _("Đã tiếp nhận")

    cycle = models.ForeignKey(ReportCycle, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("thời hạn"), max_length=10, choices=Outcome.choices, blank=True)  # first submission
    returned_note = models.TextField(_("lý do trả lại"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    late_notice_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["cycle", "unit", "pk"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="work_submission_one_per_unit")]
        indexes = [models.Index(fields=["unit", "status"], name="work_submission_unit_status")]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.unit}"


class ReportValue(models.Model):
    submission = models.ForeignKey(ReportSubmission, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey(ReportField, on_delete=models.CASCADE, related_name="values")
    number = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=GeneratedName("work/reports"), blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    prefilled = models.BooleanField(_("lấy từ số liệu hệ thống"), default=False)

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        constraints = [models.UniqueConstraint(fields=["submission", "field"], name="work_value_one_per_field")]

    def __str__(self) -> str:
        return f"{self.field}: {self.number if self.number is not None else self.text}"
