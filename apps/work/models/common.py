"""Choices shared by the work app's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Metric", "Outcome", "PeriodKind"]


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Năm")
    HALF = "half", _("6 tháng")
    QUARTER = "quarter", _("Quý")
    MONTH = "month", _("Tháng")


class Outcome(models.TextChoices):
    """The same three outcomes as a dossier's (DOMAIN.md): judged against the due moment in force."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Metric(models.TextChoices):
    """Figures the system computes for a unit (with its subtree) and a period: a commitment's target can be bound
    to one, and a report form's number field pre-filled from one."""

    DOSSIER_ON_TIME_RATE = "dossier_on_time_rate", _("Tỷ lệ hồ sơ giải quyết đúng hạn (%)")
    DOSSIERS_RECEIVED = "dossiers_received", _("Số hồ sơ tiếp nhận")
    DOSSIERS_RETURNED = "dossiers_returned", _("Số hồ sơ đã giải quyết")
    LATE_DOSSIERS = "late_dossiers", _("Số hồ sơ trễ hạn")
    APOLOGIES_ISSUED = "apologies_issued", _("Số phiếu xin lỗi đã phát hành")
    FEEDBACK_RECEIVED = "feedback_received", _("Số phản ánh, kiến nghị tiếp nhận")
    FEEDBACK_ON_TIME_RATE = "feedback_on_time_rate", _("Tỷ lệ phản ánh trả lời đúng hạn (%)")
    SATISFACTION = "satisfaction", _("Tỷ lệ hài lòng (%)")
    TASKS_ON_TIME_RATE = "tasks_on_time_rate", _("Tỷ lệ nhiệm vụ hoàn thành đúng hạn (%)")
