"""Per-unit calendar data. National holidays come from the `holidays` package; these rows are the units' own."""

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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh")
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="override_unit_date_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} — {self.unit}"


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
