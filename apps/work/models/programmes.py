"""Work programmes (chương trình công tác) of a unit for a year, a quarter or a month.

A programme is drafted by the unit, submitted, and approved by the unit head; an approved programme is what the
unit is held to (changes after approval go through a new revision: returned to draft by the head). A month's
programme can be drawn from the quarter's and the year's: its items keep the item they came from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.org.models import Unit
from apps.work.models.common import PeriodKind

__all__ = ["ProgramItem", "WorkProgram"]


class WorkProgram(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Trình duyệt")
        APPROVED = "approved", _("Đã phê duyệt")

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại chương trình"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("quý/tháng"), default=1)  # 1 for a year
    title = models.CharField(_("tên chương trình"), max_length=500)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("lập lúc"))
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người phê duyệt"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chương trình công tác")
        verbose_name_plural = _("chương trình công tác")
        ordering = ["-year", "kind", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "number"], name="work_program_one_per_period"),
            models.CheckConstraint(
                condition=Q(kind="year", number=1)
                | Q(kind="half", number__gte=1, number__lte=2)
                | Q(kind="quarter", number__gte=1, number__lte=4)
                | Q(kind="month", number__gte=1, number__lte=12),
                name="work_program_number_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgramItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        POSTPONED = "postponed", _("Lùi thời hạn, chuyển kỳ sau")
        CANCELLED = "cancelled", _("Không thực hiện")

    class Product(models.TextChoices):
        DECISION = "decision", _("Quyết định")
        DIRECTIVE = "directive", _("Chỉ thị")
        PLAN = "plan", _("Kế hoạch")
        REPORT = "report", _("Báo cáo")
        SCHEME = "scheme", _("Đề án")
        SUBMISSION = "submission", _("Tờ trình")
        OTHER = "other", _("Sản phẩm khác")

    program = models.ForeignKey(WorkProgram, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(_("số thứ tự"))
    title = models.TextField(_("nội dung công việc"))
    lead_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="+")
    person_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người phụ trách"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    co_handlers = models.ManyToManyField(Unit, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="+")
    product_kind = models.CharField(_("loại sản phẩm"), max_length=12, choices=Product.choices)
    product = models.CharField(_("sản phẩm dự kiến"), max_length=500, blank=True)
    # The deadline is a working day of the lead unit; `due_at` is the end of its office hours that day.
    deadline = models.DateField(_("thời hạn"))
    due_at = models.DateTimeField(_("hạn (thời điểm)"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    done_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    source_item = models.ForeignKey(
        "self", verbose_name=_("lấy từ chương trình"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="drawn_items",
    )  # fmt: skip

    class Meta:
        verbose_name = _("nội dung chương trình")
        verbose_name_plural = _("nội dung chương trình")
        ordering = ["program", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="work_item_order_unique"),
        ]
        indexes = [models.Index(fields=["lead_unit", "deadline"], name="work_item_unit_deadline")]

    def __str__(self) -> str:
        return self.title[:80]
