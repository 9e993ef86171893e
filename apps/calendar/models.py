"""Per-unit calendar data. National holidays come from the `holidays` package; these rows are the units' own.

A unit's own day off below the province (a commune closing its desk) never lengthens a legal limit by itself:
it counts toward legal due times only once a province administrator has approved it with its legal basis
(see `CalendarOverride.counts_for_legal_limits` and `apps.calendar.selectors.legal_due`).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A unit's own day, inherited by its whole subtree (the nearest unit's override wins)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ thêm")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")
        SERVICE_DAY = "service_day", _("Ngày phục vụ thêm (không tính hạn)")

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="calendar_overrides")
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    legal_basis = models.CharField(
        _("căn cứ pháp lý"), max_length=500, blank=True,
        help_text=_("Văn bản cho phép nghỉ (số, ký hiệu, ngày, cơ quan ban hành). Bắt buộc với ngày nghỉ riêng "
                    "của đơn vị cấp dưới tỉnh."),
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("quản trị cấp tỉnh phê duyệt"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh")
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="override_unit_date_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} — {self.unit}"

    @property
    def is_unit_day_off(self) -> bool:
        """A day off of a unit below the province (the province's own days off are the province's decision)."""
        return self.kind == self.Kind.DAY_OFF and self.unit.parent_id is not None

    @property
    def counts_for_legal_limits(self) -> bool:
        """Whether legal due times see this row. Everything counts except a unit's own day off that lacks a
        legal basis approved by a province administrator: that one closes the desk but moves no legal limit."""
        if not self.is_unit_day_off:
            return True
        return bool(self.legal_basis.strip()) and self.approved_at is not None


class CountingRule(models.Model):
    """How a province counts the legal time limits of its dossiers (one row per root unit; none = the law's rule)."""

    class Method(models.TextChoices):
        LEGAL = "legal", _("Theo Bộ luật Dân sự: không tính ngày tiếp nhận, hết hạn cuối giờ làm việc")
        HOUR_PRECISE = "hour_precise", _("Tính chính xác theo giờ làm việc từ lúc tiếp nhận")

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="counting_rule")
    method = models.CharField(_("cách tính thời hạn"), max_length=20, choices=Method.choices, default=Method.LEGAL)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cách tính thời hạn giải quyết")
        verbose_name_plural = _("cách tính thời hạn giải quyết")

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_method_display()}"


class OfficeHours(models.Model):
    """Morning and afternoon sessions of a unit; a unit without a row uses its nearest ancestor's."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="office_hours")
    morning_start = models.TimeField(_("sáng từ"), default=datetime.time(7, 30))
    morning_end = models.TimeField(_("sáng đến"), default=datetime.time(11, 30))
    afternoon_start = models.TimeField(_("chiều từ"), default=datetime.time(13, 30))
    afternoon_end = models.TimeField(_("chiều đến"), default=datetime.time(17, 0))

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="office_hours_ordered",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )


class CalendarRevision(models.Model):
    """One row counting calendar changes, so that every process (web, worker) drops stale calendars."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revision {self.number}"
