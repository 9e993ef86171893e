"""Commitments ("nói đi đôi với làm"): a person or a unit head signs a commitment to a superior for a period, with
measurable targets. A target is free text reviewed by the superior, or bound to a figure the system computes for
the unit (apps.work.models.Metric): during the period the page shows where it stands; at the end of the period
the result is filled in from the figures and the commitment marked kept or broken. A unit's public commitments
(its service charter) are shown on the public site."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.org.models import Unit
from apps.work.models.common import Metric, PeriodKind

__all__ = ["Commitment", "CommitmentTarget"]


class Commitment(models.Model):
    class Kind(models.TextChoices):
        TASKS = "tasks", _("Cam kết thực hiện nhiệm vụ")
        CONDUCT = "conduct", _("Cam kết tu dưỡng, rèn luyện")
        CHARTER = "charter", _("Cam kết phục vụ (công khai)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SIGNED = "signed", _("Đã ký cam kết")
        EVALUATED = "evaluated", _("Đã đánh giá")

    class Result(models.TextChoices):
        KEPT = "kept", _("Thực hiện đúng cam kết")
        BROKEN = "broken", _("Không thực hiện đúng cam kết")

    kind = models.CharField(_("loại cam kết"), max_length=10, choices=Kind.choices, default=Kind.TASKS)
    title = models.CharField(_("tiêu đề"), max_length=500)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cam kết"), on_delete=models.PROTECT, related_name="+"
    )
    superior = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cam kết với"), on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(_("kỳ"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("quý/tháng"), default=1)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_public = models.BooleanField(_("công khai trên cổng thông tin"), default=False)
    created_at = models.DateTimeField()
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=Result.choices, blank=True)
    evaluated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # None: the worker, from the figures
    review_note = models.TextField(_("nhận xét của cấp trên"), blank=True)

    class Meta:
        verbose_name = _("bản cam kết")
        verbose_name_plural = _("bản cam kết")
        ordering = ["-year", "unit", "pk"]
        indexes = [models.Index(fields=["unit", "year", "status"], name="work_commitment_unit_year")]

    def __str__(self) -> str:
        return self.title


class CommitmentTarget(models.Model):
    class Comparison(models.TextChoices):
        AT_LEAST = "gte", _("không thấp hơn")
        AT_MOST = "lte", _("không vượt quá")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveSmallIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung cam kết"))
    metric = models.CharField(_("gắn với chỉ số"), max_length=30, choices=Metric.choices, blank=True)
    comparison = models.CharField(_("so sánh"), max_length=3, choices=Comparison.choices, blank=True)
    target_value = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=2, null=True, blank=True)
    actual_value = models.DecimalField(_("kết quả"), max_digits=12, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(_("đạt"), null=True, blank=True)
    review_note = models.TextField(_("nhận xét"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu cam kết")
        verbose_name_plural = _("chỉ tiêu cam kết")
        ordering = ["commitment", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "order"], name="work_target_order_unique"),
            models.CheckConstraint(
                condition=Q(metric="") | (~Q(comparison="") & Q(target_value__isnull=False)),
                name="work_bound_target_has_value",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_bound(self) -> bool:
        return bool(self.metric)
